"""The revision graph of one environment: heads, order, graph findings.

A broken graph still yields an order. A second file with a revision id
already seen is left out. Names of unknown revisions are dropped from
``down_revision`` and ``depends_on``. Revisions in a cycle or after one are
left out of the order and listed in ``unordered``. Each of these is reported
on the line to fix (STW402-STW404), and replay runs on the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding, RelatedLocation
from steward_lsp.engine.graph_order import descendants, find_cycles, order_revisions
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.schema import Location, Span

logger = logging.getLogger(__name__)

GRAPH_ERROR_CODES = frozenset({"STW402", "STW403", "STW404"})
"""Graph findings that make Alembic reject the revision chain: a missing
parent, a duplicate revision id, a cycle."""


@dataclass
class RevisionGraph:
    """Revisions by id, their order from base to heads, and graph findings.

    ``parents`` maps each ordered revision to the revisions that must run
    before it: its ``down_revision`` entries, then its ``depends_on``
    entries, resolved to ids (branch labels included) and limited to
    revisions that exist. ``branch_labels`` maps each label to the revision
    that declares it. ``unordered`` lists revisions left out of ``order``
    because they are in a cycle or descend from one. ``dialect`` is the
    configured database dialect, which decides dialect-specific branches of
    a revision during replay (None when not configured).
    """

    scripts: dict[str, RevisionScript] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    branch_labels: dict[str, str] = field(default_factory=dict)
    unordered: list[str] = field(default_factory=list)
    dialect: str | None = None

    def down_revisions(self, revision: str) -> tuple[str, ...]:
        """Return the resolved ``down_revision`` entries of ``revision``."""
        script = self.scripts[revision]
        return tuple(
            self._resolve(name) for name in script.down_revisions if self._resolve(name)
        )

    def _resolve(self, name: str) -> str:
        if name in self.scripts:
            return name
        return self.branch_labels.get(name, "")


def build_graph(scripts: list[RevisionScript], settings: Settings) -> RevisionGraph:
    """Link ``scripts`` by down_revision and depends_on, and report STW401-STW404.

    Parameters
    ----------
    scripts:
        The parsed revision files of one environment; files without a
        ``revision`` are ignored.
    settings:
        ``allowed_heads`` bounds the number of heads; ``dialect`` is kept
        for replay.
    """
    graph = RevisionGraph(dialect=settings.dialect)
    _collect_scripts(graph, scripts)
    _collect_branch_labels(graph)
    _link_parents(graph)
    _exclude_cycles(graph)

    excluded = set(graph.unordered)
    ordered = [revision for revision in graph.scripts if revision not in excluded]
    linked = []
    for revision in ordered:
        down = graph.down_revisions(revision)
        depends = tuple(p for p in graph.parents[revision] if p not in down)
        linked.append((revision, down, depends))
    labels = tuple(
        (revision, graph.scripts[revision].branch_labels)
        for revision in ordered
        if graph.scripts[revision].branch_labels
    )
    order, heads = order_revisions(tuple(linked), labels)
    graph.order = list(order)
    graph.heads = sorted(heads, key=graph.order.index)
    _check_heads(graph, settings.allowed_heads, settings.head_branches)
    _check_redundant_merges(graph)
    return graph


def _collect_scripts(graph: RevisionGraph, scripts: list[RevisionScript]) -> None:
    """Keep the first file of each revision id; report STW403 on every copy."""
    by_id: dict[str, list[RevisionScript]] = {}
    for script in sorted(scripts, key=lambda s: str(s.path)):
        if script.unreadable_header:
            graph.findings.append(_unreadable_header(script))
        if script.revision is not None:
            by_id.setdefault(script.revision, []).append(script)
        else:
            graph.findings.append(_missing_revision_id(script))
    for revision, copies in by_id.items():
        graph.scripts[revision] = copies[0]
        if len(copies) == 1:
            continue
        for script in copies:
            others = [other for other in copies if other is not script]
            names = ", ".join(other.path.name for other in others)
            graph.findings.append(
                Finding(
                    "STW403",
                    f"revision id {revision!r} is also declared in {names}; "
                    "give one of the files a new revision id and point its "
                    "children at it",
                    _revision_line(script),
                    related=[
                        RelatedLocation(
                            _revision_line(other),
                            f"revision {revision!r} declared here too",
                        )
                        for other in others
                    ],
                )
            )


def _collect_branch_labels(graph: RevisionGraph) -> None:
    for revision, script in graph.scripts.items():
        for label in script.branch_labels:
            owner = graph.branch_labels.get(label)
            if owner is None and label not in graph.scripts:
                graph.branch_labels[label] = revision
                continue
            # NOTE: Alembic rejects a branch label used twice or equal to a
            # revision id. No rule code covers it yet, so the later label is
            # ignored and only logged.
            logger.warning(
                "branch label %r of revision %s is already used; ignoring it",
                label,
                revision,
            )


def _link_parents(graph: RevisionGraph) -> None:
    """Resolve down_revision and depends_on names; report STW402 on unknown ones."""
    for revision, script in graph.scripts.items():
        parents: list[str] = []
        missing_down = [
            name for name in script.down_revisions if not graph._resolve(name)
        ]
        missing_depends = [
            name for name in script.depends_on if not graph._resolve(name)
        ]
        for name in (*script.down_revisions, *script.depends_on):
            resolved = graph._resolve(name)
            if resolved and resolved not in parents:
                parents.append(resolved)
        graph.parents[revision] = tuple(parents)
        if missing_down:
            graph.findings.append(
                _missing_finding(
                    script, "down_revision", missing_down, script.down_revision_location
                )
            )
        if missing_depends:
            graph.findings.append(
                _missing_finding(
                    script, "depends_on", missing_depends, script.depends_on_location
                )
            )


def _missing_finding(
    script: RevisionScript, field_name: str, names: list[str], location: Location | None
) -> Finding:
    listed = ", ".join(repr(name) for name in names)
    noun = "revision" if len(names) == 1 else "revisions"
    return Finding(
        "STW402",
        f"{field_name} of revision {script.revision!r} names {noun} {listed} "
        "that no file in this environment declares; correct the id or restore "
        "the missing revision file",
        location or _revision_line(script),
        data={"revision": script.revision, "missing": list(names), "field": field_name},
    )


def _exclude_cycles(graph: RevisionGraph) -> None:
    """Report STW404 on each revision of a cycle; leave cycles out of the order."""
    cycles = find_cycles(graph.parents)
    if not cycles:
        return
    for cycle in cycles:
        described = " -> ".join([*cycle, cycle[0]])
        for revision in cycle:
            graph.findings.append(
                Finding(
                    "STW404",
                    f"revision {revision!r} is part of a cycle in the revision "
                    f"graph: {described}; change one down_revision or depends_on "
                    "so the chain runs from a base to a head",
                    _revision_line(graph.scripts[revision]),
                    related=[
                        RelatedLocation(
                            _revision_line(graph.scripts[other]),
                            f"revision {other!r} is in the same cycle",
                        )
                        for other in cycle
                        if other != revision
                    ],
                    data={"cycle": cycle},
                )
            )
    members = {revision for cycle in cycles for revision in cycle}
    excluded = descendants(members, graph.parents)
    graph.unordered = sorted(excluded)
    logger.info(
        "revisions left out of the order by cycles: %s", ", ".join(graph.unordered)
    )


def _check_heads(
    graph: RevisionGraph, allowed_heads: int, head_branches: list[str]
) -> None:
    """Report STW401 on each head when more heads exist than are allowed.

    A head on one of ``head_branches`` (it or an ancestor declares that
    branch label) is intended, as in a plugin chain, and is not counted.
    """
    if any("down_revision" in s.unreadable_header for s in graph.scripts.values()):
        # A revision whose parent is unknown shows as a head of its own.
        return
    intended = set(head_branches)
    counted = [
        head for head in graph.heads if not (_branches_of(graph, head) & intended)
    ]
    if len(counted) <= allowed_heads:
        return
    listed = ", ".join(counted)
    for head in counted:
        script = graph.scripts[head]
        graph.findings.append(
            Finding(
                "STW401",
                f"revision {head!r} is one of {len(counted)} heads ({listed}) "
                f"but at most {allowed_heads} allowed; merge them with "
                "`steward merge-heads` (or `alembic merge heads`)",
                _revision_line(script),
                related=[
                    RelatedLocation(
                        _revision_line(graph.scripts[other]),
                        f"head {other!r}: {graph.scripts[other].message}".rstrip(": "),
                    )
                    for other in counted
                    if other != head
                ],
                data={"heads": counted},
            )
        )


def _branches_of(graph: RevisionGraph, revision: str) -> set[str]:
    """Return the branch labels of ``revision`` and of all its ancestors."""
    labels: set[str] = set()
    stack, seen = [revision], set()
    while stack:
        current = stack.pop()
        if current in seen or current not in graph.scripts:
            continue
        seen.add(current)
        labels.update(graph.scripts[current].branch_labels)
        stack.extend(graph.parents.get(current, ()))
    return labels


def _check_redundant_merges(graph: RevisionGraph) -> None:
    """Report STW405 on a merge revision whose parents another merge already joins."""
    merged: dict[frozenset[str], str] = {}
    for revision in graph.order:
        parents = frozenset(graph.down_revisions(revision))
        if len(parents) < 2:
            continue
        first = merged.setdefault(parents, revision)
        if first == revision:
            continue
        listed = ", ".join(sorted(parents))
        graph.findings.append(
            Finding(
                "STW405",
                f"merge revision {revision!r} joins the same revisions ({listed}) "
                f"as merge revision {first!r}; delete one of the two and point its "
                "children at the other",
                _revision_line(graph.scripts[revision]),
                related=[
                    RelatedLocation(
                        _revision_line(graph.scripts[first]),
                        f"merge revision {first!r} joins them first",
                    )
                ],
                data={"parents": sorted(parents), "first": first},
            )
        )


def _unreadable_header(script: RevisionScript) -> Finding:
    fields = ", ".join(script.unreadable_header)
    return Finding(
        "STW001",
        f"{script.path.name}: {fields} is not a literal, so steward cannot place "
        "this revision in the chain, and holds back drift until it can; write "
        "the revision ids as strings, as Alembic's template does",
        _header_line(script),
        data={"fields": list(script.unreadable_header)},
    )


def _header_line(script: RevisionScript) -> Location:
    if "down_revision" in script.unreadable_header and script.down_revision_location:
        return script.down_revision_location
    if "depends_on" in script.unreadable_header and script.depends_on_location:
        return script.depends_on_location
    return _revision_line(script)


def _missing_revision_id(script: RevisionScript) -> Finding:
    # Alembic raises on such a file when it loads the script directory, so
    # the chain cannot run until the file names its id.
    return Finding(
        "STW001",
        f"{script.path.name}: revision file sets no revision id, so Alembic "
        "cannot load the chain; set revision = '<id>' (the id in the file "
        "name) or move the file out of the versions folder",
        _revision_line(script),
    )


def _revision_line(script: RevisionScript) -> Location:
    if script.revision_location is not None:
        return script.revision_location
    return Location(Path(script.path), Span(0, 0, 0, 0))
