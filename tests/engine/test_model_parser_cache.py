"""The model builder reuses linked modules between builds and stays correct."""

from __future__ import annotations

from pathlib import Path

from model_oracle import write_project

from steward_lsp.engine.model_parser import (
    ModuleSummary,
    build_model_schema,
    parse_model_module,
)
from steward_lsp.engine.project import Environment
from steward_lsp.engine.schema import SchemaState
from steward_lsp.engine.sources import ModuleLoader, decode_source

BASE_PY = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str]
"""

MANAGERS_PY = """
from typing import Optional

from sqlalchemy import Column, ForeignKey
from sqlalchemy.orm import Mapped

from .base import Employee


class Manager(Employee):
    level: Mapped[Optional[int]]


class Report(Employee):
    __tablename__ = "reports"
    id = Column(ForeignKey("employees.id"), primary_key=True)
"""


class CachingParser:
    """Parse files the way the workspace does: once per text."""

    def __init__(self) -> None:
        self.cache: dict[Path, tuple[str, ModuleSummary]] = {}
        self.parsed: list[Path] = []

    def __call__(self, path: Path) -> ModuleSummary | None:
        text = decode_source(path)
        hit = self.cache.get(path)
        if hit is not None and hit[0] == text:
            return hit[1]
        summary = parse_model_module(path, text)
        self.cache[path] = (text, summary)
        self.parsed.append(path)
        return summary


def _build(package: Path, parse: CachingParser) -> SchemaState:
    root = package.parent
    env = Environment(
        name="test",
        root=root,
        config_file=None,
        script_location=root,
        version_locations=[],
        env_py=None,
        model_files=[package / "managers.py"],
        source_roots=[root],
    )
    return build_model_schema(env, ModuleLoader([root], parse)).schema


def _shape(schema: SchemaState) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        key: [
            (c.name, c.type.name if c.type else "", c.nullable)
            for c in table.columns.values()
        ]
        for key, table in schema.tables.items()
    }


def test_rebuild_reuses_and_matches(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"base.py": BASE_PY, "managers.py": MANAGERS_PY})
    parse = CachingParser()
    first = _build(package, parse)
    second = _build(package, parse)

    assert _shape(second) == _shape(first)
    assert sorted(first.tables["employees"].columns) == ["id", "level", "type"]
    assert first.tables["reports"].columns["id"].type is not None
    assert first.tables["reports"].columns["id"].type.name == "Integer"
    assert len(parse.parsed) == 2


def test_rebuild_after_edit_matches_fresh(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"base.py": BASE_PY, "managers.py": MANAGERS_PY})
    parse = CachingParser()
    _build(package, parse)
    managers = package / "managers.py"
    managers.write_text(
        managers.read_text().replace(
            "    level: Mapped[Optional[int]]", "    rank: Mapped[str]"
        )
    )
    edited = _build(package, parse)
    fresh = _build(package, CachingParser())

    assert _shape(edited) == _shape(fresh)
    assert sorted(edited.tables["employees"].columns) == ["id", "rank", "type"]


def test_base_edit_relinks_importers(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"base.py": BASE_PY, "managers.py": MANAGERS_PY})
    parse = CachingParser()
    _build(package, parse)
    base = package / "base.py"
    base.write_text(
        base.read_text().replace("    type: Mapped[str]", "    kind: Mapped[str]")
    )
    edited = _build(package, parse)

    assert sorted(edited.tables["employees"].columns) == ["id", "kind", "level"]
    assert _shape(edited) == _shape(_build(package, CachingParser()))
