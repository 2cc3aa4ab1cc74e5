"""The model parser on half-typed files: never an exception, the rest still read."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_oracle import static_schema, write_project
from test_model_parser import CASES, DECLARATIVE_HEAD

SOURCES = [DECLARATIVE_HEAD + source for source in CASES.values()]


@st.composite
def damaged_source(draw: st.DrawFn) -> str:
    """Return a model source with lines dropped or cut, as while typing."""
    lines = draw(st.sampled_from(SOURCES)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "cut", "duplicate"]))
        if action == "drop":
            lines.pop(index)
        elif action == "cut":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
        else:
            lines.insert(index, lines[index])
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_source())
def test_damaged_source_never_raises(source: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        package = write_project(Path(folder), {"models.py": source})
        schema, findings = static_schema(package)

    assert all(finding.code == "STW100" for finding in findings)
    assert not any("internal error" in finding.message for finding in findings)
    for table in schema.tables.values():
        assert table.name
        for column in table.columns.values():
            assert column.name
            assert column.type is not None
