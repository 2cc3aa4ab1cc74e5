"""Cycle detection and base-to-head ordering of a set of linked revisions.

The order and the heads come from Alembic's own
:class:`alembic.script.revision.RevisionMap`, built from the statically read
headers, so replay runs revisions in the order ``alembic upgrade heads``
would. Alembic raises on cycles and unknown references without saying
exactly where they are, so the caller removes those first: cycles are found
here with Tarjan's algorithm, and unknown references are dropped by the graph
builder.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Iterable, Mapping

from alembic.script.revision import Revision, RevisionError, RevisionMap

logger = logging.getLogger(__name__)

# One linked revision: (id, down_revisions, depends_on), every name resolved
# to an id present in the same set.
LinkedRevision = tuple[str, tuple[str, ...], tuple[str, ...]]


def find_cycles(parents: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Return the cycles of the graph ``id -> parent ids``.

    Each cycle lists its revisions in parent-to-child order, starting from the
    smallest id, so the result is the same on every run. A revision that
    names itself is a cycle of one.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for root in sorted(parents):
        if root in index:
            continue
        # Iterative Tarjan: each frame is a node and an iterator of its edges.
        work: list[tuple[str, list[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, sorted(parents.get(root, ()))))
        while work:
            node, edges = work[-1]
            if edges:
                child = edges.pop()
                if child not in parents:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(parents.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in parents.get(node, ()):
                    components.append(_cycle_path(component, parents))
    return sorted(components)


def _cycle_path(
    component: list[str], parents: Mapping[str, Iterable[str]]
) -> list[str]:
    """Walk one cycle through ``component``, parent to child, smallest id first."""
    members = set(component)
    start = min(component)
    path = [start]
    current = start
    while True:
        step = sorted(p for p in parents.get(current, ()) if p in members)
        following = next((p for p in step if p not in path), None)
        if following is None:
            break
        path.append(following)
        current = following
    # The walk goes child -> parent; report parent -> child like the chain.
    path.reverse()
    first = path.index(start)
    return path[first:] + path[:first]


def descendants(roots: Iterable[str], parents: Mapping[str, Iterable[str]]) -> set[str]:
    """Return ``roots`` and every revision that descends from one of them."""
    children: dict[str, list[str]] = {}
    for child, names in parents.items():
        for name in names:
            children.setdefault(name, []).append(child)
    found = set(roots)
    pending = list(found)
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


@functools.lru_cache(maxsize=8)
def order_revisions(
    revisions: tuple[LinkedRevision, ...],
    branch_labels: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (base-to-head order, heads) of acyclic, fully linked revisions.

    The result is cached on the headers, which change far less often than
    the bodies a user types in.
    """
    labels = dict(branch_labels)
    try:
        objects = [
            Revision(
                revision,
                down or None,
                dependencies=depends or None,
                branch_labels=labels.get(revision) or None,
            )
            for revision, down, depends in revisions
        ]
        revision_map = RevisionMap(lambda: objects)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            order = [
                r.revision for r in revision_map.iterate_revisions("heads", "base")
            ]
            heads = tuple(revision_map.heads)
    except (RevisionError, AssertionError, KeyError) as exc:
        # NOTE: the caller removed what Alembic rejects (cycles, unknown
        # names, reused branch labels). This fallback keeps replay going for
        # what is left: a revision id with a character Alembic rejects
        # ("-", "@", "+", ":"), or equal to a symbolic name like "base" or
        # "heads", on which Alembic fails an assertion.
        logger.warning(
            "Alembic could not order the revisions (%s); using file order", exc
        )
        return _kahn_order(revisions)
    order.reverse()
    return tuple(order), heads


def _kahn_order(
    revisions: tuple[LinkedRevision, ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    pending = {
        revision: set(down) | set(depends) for revision, down, depends in revisions
    }
    referenced = {name for _, down, _ in revisions for name in down}
    order: list[str] = []
    ready = [revision for revision, names in pending.items() if not names]
    while ready:
        current = ready.pop(0)
        order.append(current)
        del pending[current]
        for revision, names in pending.items():
            if current in names:
                names.discard(current)
                if not names:
                    ready.append(revision)
    heads = tuple(
        revision for revision, _, _ in revisions if revision not in referenced
    )
    return tuple(order), heads
