"""The revision graph: heads, order and STW401-STW405."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.graph import RevisionGraph, build_graph
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.revision_parser import parse_revision

VERSIONS = Path("/project/migrations/versions")


def revision(
    rev: str,
    down: str | tuple[str, ...] | None,
    *,
    depends_on: str | None = None,
    branch_labels: str | None = None,
    file_name: str | None = None,
) -> RevisionScript:
    """Parse a real revision file text with the given header."""
    source = (
        f'"""revision {rev}\n\nRevision ID: {rev}\n"""\n'
        "from alembic import op\n\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        f"branch_labels = {branch_labels!r}\n"
        f"depends_on = {depends_on!r}\n\n"
        "def upgrade():\n    pass\n\n"
        "def downgrade():\n    pass\n"
    )
    return parse_revision(VERSIONS / (file_name or f"{rev}.py"), source)


def graph_of(*scripts: RevisionScript, allowed_heads: int = 1) -> RevisionGraph:
    return build_graph(list(scripts), Settings(allowed_heads=allowed_heads))


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def test_linear_chain_order() -> None:
    graph = graph_of(revision("c", "b"), revision("a", None), revision("b", "a"))
    assert graph.order == ["a", "b", "c"]
    assert graph.heads == ["c"]
    assert graph.findings == []
    assert graph.parents == {"a": (), "b": ("a",), "c": ("b",)}


def test_order_is_stable_across_input_order() -> None:
    scripts = [revision("root", None)]
    scripts += [revision(f"x{i}", "root" if i == 0 else f"x{i - 1}") for i in range(5)]
    scripts += [revision(f"y{i}", "root" if i == 0 else f"y{i - 1}") for i in range(5)]
    scripts.append(revision("merge", ("x4", "y4")))
    expected = graph_of(*scripts).order
    shuffled = list(scripts)
    random.Random(7).shuffle(shuffled)
    assert graph_of(*shuffled).order == expected


def test_order_puts_parents_first() -> None:
    graph = graph_of(
        revision("a", None),
        revision("b1", "a"),
        revision("b2", "a"),
        revision("m", ("b1", "b2")),
    )
    position = {rev: i for i, rev in enumerate(graph.order)}
    assert position["a"] < position["b1"] < position["m"]
    assert position["a"] < position["b2"] < position["m"]
    assert graph.heads == ["m"]
    assert graph.findings == []


def test_two_heads_report_stw401_on_each() -> None:
    graph = graph_of(revision("a", None), revision("b", "a"), revision("c", "a"))
    assert sorted(graph.heads) == ["b", "c"]
    assert codes(graph.findings) == ["STW401", "STW401"]
    for finding in graph.findings:
        head = finding.data["heads"]
        assert sorted(head) == ["b", "c"]  # type: ignore[arg-type]
        assert "b" in finding.message
        assert "c" in finding.message
        assert finding.location.span.start_line == 6  # the revision = line
        assert len(finding.related) == 1
    assert {f.location.path.name for f in graph.findings} == {"b.py", "c.py"}


def test_allowed_heads_setting() -> None:
    graph = graph_of(
        revision("a", None), revision("b", "a"), revision("c", "a"), allowed_heads=2
    )
    assert graph.findings == []


def test_missing_down_revision_stw402() -> None:
    graph = graph_of(revision("a", None), revision("b", "zzz"), allowed_heads=2)
    (finding,) = graph.findings
    assert finding.code == "STW402"
    assert "'zzz'" in finding.message
    assert finding.location.path.name == "b.py"
    assert finding.location.span.start_line == 7  # the down_revision = line
    assert graph.parents["b"] == ()
    # Replay can still order both revisions.
    assert sorted(graph.order) == ["a", "b"]


def test_missing_depends_on_stw402() -> None:
    graph = graph_of(revision("a", None), revision("b", "a", depends_on="nope"))
    (finding,) = graph.findings
    assert finding.code == "STW402"
    assert finding.data["field"] == "depends_on"
    assert finding.location.span.start_line == 9  # the depends_on = line


def test_depends_on_branch_label() -> None:
    graph = graph_of(
        revision("core1", None),
        revision("lib1", None, branch_labels="lib"),
        revision("core2", "core1", depends_on="lib"),
        allowed_heads=2,
    )
    assert graph.findings == []
    assert graph.parents["core2"] == ("core1", "lib1")
    assert graph.order.index("lib1") < graph.order.index("core2")
    assert graph.branch_labels == {"lib": "lib1"}


def test_depends_on_does_not_make_a_head_disappear() -> None:
    graph = graph_of(
        revision("a", None),
        revision("b", None),
        revision("c", "a", depends_on="b"),
    )
    # Alembic counts heads by down_revision only: b stays a head.
    assert sorted(graph.heads) == ["b", "c"]


def test_duplicate_revision_stw403_on_both_files() -> None:
    graph = graph_of(
        revision("a", None),
        revision("b", "a", file_name="b_first.py"),
        revision("b", "a", file_name="b_second.py"),
    )
    duplicates = [f for f in graph.findings if f.code == "STW403"]
    assert {f.location.path.name for f in duplicates} == {"b_first.py", "b_second.py"}
    for finding in duplicates:
        (related,) = finding.related
        assert related.location.path != finding.location.path
    assert graph.scripts["b"].path.name == "b_first.py"
    assert graph.order == ["a", "b"]


def test_cycle_stw404_on_each_revision() -> None:
    graph = graph_of(
        revision("a", None),
        revision("b", "a"),
        revision("x", "z"),
        revision("y", "x"),
        revision("z", "y"),
        revision("after", "z"),
    )
    cycles = [f for f in graph.findings if f.code == "STW404"]
    assert sorted(f.location.path.name for f in cycles) == ["x.py", "y.py", "z.py"]
    for finding in cycles:
        assert finding.data["cycle"] == ["x", "y", "z"]
        assert "x -> y -> z -> x" in finding.message
        assert len(finding.related) == 2
    assert graph.unordered == ["after", "x", "y", "z"]
    assert graph.order == ["a", "b"]


def test_self_reference_is_a_cycle() -> None:
    graph = graph_of(revision("a", None), revision("b", "b"))
    assert codes(graph.findings) == ["STW404"]
    assert graph.order == ["a"]


def test_revision_named_like_a_symbol_still_orders() -> None:
    graph = graph_of(revision("base", None), revision("heads", "base"))
    assert graph.order == ["base", "heads"]


def test_revision_id_alembic_rejects_still_orders() -> None:
    graph = graph_of(revision("a-1", None), revision("b-2", "a-1"))
    assert graph.order == ["a-1", "b-2"]
    assert graph.heads == ["b-2"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heads_and_order_agree_with_alembic(seed: int) -> None:
    from alembic.script.revision import Revision, RevisionMap

    rng = random.Random(seed)
    scripts = [revision("r0", None)]
    for i in range(1, 40):
        parents = rng.sample(range(i), k=min(i, rng.choice([1, 1, 1, 2])))
        down: str | tuple[str, ...] = (
            f"r{parents[0]}" if len(parents) == 1 else tuple(f"r{p}" for p in parents)
        )
        scripts.append(revision(f"r{i}", down))
    graph = graph_of(*scripts, allowed_heads=100)

    objects = [Revision(s.revision or "", s.down_revisions or None) for s in scripts]
    alembic_map = RevisionMap(lambda: objects)
    assert sorted(graph.heads) == sorted(alembic_map.heads)
    position = {rev: i for i, rev in enumerate(graph.order)}
    for script in scripts:
        for parent in script.down_revisions:
            assert position[parent] < position[script.revision or ""]


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("revision = None\n", id="none"),
        # Alembic loads every .py file of a versions folder but __init__.py,
        # so a helper module without an id there breaks the chain too.
        pytest.param("", id="absent"),
    ],
)
def test_revision_without_id_reported(header: str) -> None:
    source = f"{header}down_revision = None\n\ndef upgrade():\n    pass\n"
    script = parse_revision(VERSIONS / "no_id.py", source)
    graph = build_graph([script, revision("a1", None)], Settings())

    codes = [(f.code, f.location.path.name) for f in graph.findings]
    assert codes == [("STW001", "no_id.py")]
    assert "sets no revision id" in graph.findings[0].message
    assert graph.heads == ["a1"]


def test_redundant_merge_reported() -> None:
    graph = graph_of(
        revision("a", None),
        revision("b", "a"),
        revision("c", "a"),
        revision("m1", ("b", "c")),
        revision("m2", ("c", "b")),
        revision("d", ("m1", "m2")),
    )

    redundant = [f for f in graph.findings if f.code == "STW405"]

    assert len(redundant) == 1
    reported = redundant[0].location.path.stem
    assert {reported, redundant[0].data["first"]} == {"m1", "m2"}
    assert redundant[0].data["parents"] == ["b", "c"]


def test_head_on_intended_branch_not_counted() -> None:
    scripts = [
        revision("a", None),
        revision("b", "a"),
        revision("plugin_base", None, branch_labels="plugin"),
        revision("plugin_next", "plugin_base"),
    ]

    intended = build_graph(scripts, Settings(head_branches=["plugin"]))
    unconfigured = build_graph(scripts, Settings())

    assert codes(intended.findings) == []
    assert codes(unconfigured.findings) == ["STW401", "STW401"]
