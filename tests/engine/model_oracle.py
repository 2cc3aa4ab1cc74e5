"""Helpers for model parser tests: parse a project statically, import it for real.

``static_schema`` runs the model parser on files written to a folder.
``real_tables`` imports the same files (test code, in a fresh package name)
and returns SQLAlchemy's own ``Table`` objects, so a test can compare the
static reading with what SQLAlchemy builds, column by column.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import textwrap
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.model_parser import build_model_schema, parse_model_module
from steward_lsp.engine.project import Environment
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.schema import ColumnDef, SchemaState, TableDef
from steward_lsp.engine.sources import ModuleLoader, decode_source

_packages = itertools.count(1)


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> dedented source) into a fresh package."""
    package = root / f"modelpkg{next(_packages)}"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent != package and not (path.parent / "__init__.py").exists():
            (path.parent / "__init__.py").write_text("")
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


def static_schema(
    package: Path, model_files: list[str] | None = None
) -> tuple[SchemaState, list[Finding]]:
    """Run the model parser on ``package``; model files default to all files."""
    root = package.parent
    files = (
        [package / name for name in model_files]
        if model_files
        else sorted(
            path for path in package.rglob("*.py") if path.name != "__init__.py"
        )
    )

    def parse(path: Path) -> Any:
        try:
            return parse_model_module(path, decode_source(path))
        except SyntaxError:
            return None

    loader = ModuleLoader([root], parse)
    env = Environment(
        name="test",
        root=root,
        config_file=None,
        script_location=root,
        version_locations=[],
        env_py=None,
        model_files=files,
        source_roots=[root],
    )
    result = build_model_schema(env, loader)
    return result.schema, result.findings


def real_tables(package: Path, modules: list[str]) -> dict[str, sa.Table]:
    """Import ``modules`` of ``package`` and return every table they declare."""
    sys.path.insert(0, str(package.parent))
    try:
        tables: dict[str, sa.Table] = {}
        for name in modules:
            module = importlib.import_module(f"{package.name}.{name}")
            for value in list(vars(module).values()):
                for metadata in _metadata_of(value):
                    for table in metadata.tables.values():
                        tables.setdefault(table.key, table)
        return tables
    finally:
        sys.path.remove(str(package.parent))


def _metadata_of(value: object) -> list[sa.MetaData]:
    if isinstance(value, sa.MetaData):
        return [value]
    if isinstance(value, sa.Table):
        return [value.metadata]
    metadata = getattr(value, "metadata", None)
    if isinstance(metadata, sa.MetaData):
        return [metadata]
    return []


def compare_table(
    static: TableDef, real: sa.Table, convention: dict[str, str]
) -> list[str]:
    """Return the differences between a static table and SQLAlchemy's, as text."""
    problems: list[str] = []
    if static.schema != real.schema:
        problems.append(f"schema {static.schema!r} != {real.schema!r}")
    real_names = [column.name for column in real.columns]
    if sorted(static.columns) != sorted(real_names):
        problems.append(f"columns {sorted(static.columns)} != {sorted(real_names)}")
    for column in real.columns:
        found = static.columns.get(column.name)
        if found is not None:
            problems.extend(
                f"{column.name}: {p}" for p in compare_column(found, column)
            )
    static_indexes = _static_indexes(static, convention)
    real_indexes = {
        (
            index.name,
            tuple(_expression(e) for e in index.expressions),
            bool(index.unique),
        )
        for index in real.indexes
    }
    if static_indexes != real_indexes:
        problems.append(f"indexes {sorted(static_indexes)} != {sorted(real_indexes)}")
    real_uniques = {
        tuple(c.name for c in constraint.columns)
        for constraint in real.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    }
    static_uniques = {u.columns for u in static.uniques} | {
        (c.name,) for c in static.columns.values() if c.unique and not c.index
    }
    if static_uniques != real_uniques:
        problems.append(f"uniques {sorted(static_uniques)} != {sorted(real_uniques)}")
    real_checks = {
        str(constraint.sqltext)
        for constraint in real.constraints
        if isinstance(constraint, sa.CheckConstraint)
        and not getattr(constraint, "_type_bound", False)
    }
    static_checks = {check.sqltext for check in static.checks}
    if static_checks != real_checks:
        problems.append(f"checks {sorted(static_checks)} != {sorted(real_checks)}")
    real_fks = {
        (tuple(fk.column_keys), fk.elements[0].target_fullname.rsplit(".", 1)[0])
        for fk in real.foreign_key_constraints
    }
    static_fks = {
        (
            fk.columns,
            f"{fk.referred_schema}.{fk.referred_table}"
            if fk.referred_schema
            else fk.referred_table,
        )
        for fk in static.all_foreign_keys()
    }
    if static_fks != real_fks:
        problems.append(f"foreign keys {sorted(static_fks)} != {sorted(real_fks)}")
    pk_name = static.primary_key_name or convention_name(
        convention, "pk", static.name, static.primary_key
    )
    if real.primary_key.name != pk_name and real.primary_key.name:
        problems.append(f"pk name {pk_name} != {real.primary_key.name}")
    return problems


def compare_column(static: ColumnDef, real: sa.Column[Any]) -> list[str]:
    """Return the differences between a static column and SQLAlchemy's."""
    problems: list[str] = []
    checks = {
        "nullable": (static.nullable, real.nullable),
        "primary_key": (static.primary_key, real.primary_key),
        "unique": (static.unique, bool(real.unique)),
        "index": (static.index, bool(real.index)),
        "server_default": (static.server_default, _server_default(real)),
        "comment": (static.comment, real.comment),
        "info": (static.info, dict(real.info)),
        "python default": (
            static.has_python_default,
            real.default is not None or real.onupdate is not None,
        ),
    }
    for name, (mine, theirs) in checks.items():
        if mine != theirs:
            problems.append(f"{name} {mine!r} != {theirs!r}")
    problems.extend(_compare_type(static, real.type))
    return problems


def _compare_type(static: ColumnDef, real_type: sa.types.TypeEngine[Any]) -> list[str]:
    spec = static.type
    if spec is None:
        return ["type is None"]
    if isinstance(real_type, sa.types.TypeDecorator) and not type(
        real_type
    ).__module__.startswith("sqlalchemy."):
        real_type = real_type.impl_instance
    real_class = type(real_type)
    module = real_class.__module__
    real_name = real_class.__name__
    if module.startswith("sqlalchemy.dialects."):
        real_name = f"{module.split('.')[2]}.{real_name}"
    if module.startswith("sqlmodel") and isinstance(real_type, sa.String):
        real_name = "String"
    if not spec.known:
        return [f"type {spec.text} not known, SQLAlchemy has {real_name}"]
    problems = []
    if spec.name != real_name:
        problems.append(f"type {spec.name} != {real_name}")
    for key, value in spec.kwargs:
        if key in {"enum_class", "variants", "item_type"}:
            continue
        if getattr(real_type, key, value) != value:
            problems.append(f"type {key} {value!r} != {getattr(real_type, key)!r}")
    if isinstance(real_type, sa.Enum) and tuple(real_type.enums) != spec.args:
        problems.append(f"enum labels {spec.args} != {tuple(real_type.enums)}")
    if isinstance(real_type, sa.Enum) and real_type.name != spec.kwarg("name"):
        problems.append(f"enum name {spec.kwarg('name')} != {real_type.name}")
    return problems


def _server_default(column: sa.Column[Any]) -> str | None:
    default = column.server_default
    if not isinstance(default, sa.DefaultClause):
        return None
    argument = default.arg
    if isinstance(argument, str):
        return "'" + argument.replace("'", "''") + "'"
    return str(argument.compile(compile_kwargs={"literal_binds": True}))  # type: ignore[union-attr]


def _expression(expression: Any) -> str:
    if isinstance(expression, sa.Column):
        return expression.name
    # CREATE INDEX renders columns without their table, as the static side does.
    options = {"literal_binds": True, "include_table": False}
    return str(expression.compile(compile_kwargs=options))


def _static_indexes(
    table: TableDef, convention: dict[str, str]
) -> set[tuple[str | None, tuple[str, ...], bool]]:
    indexes = {(i.name, i.expressions, i.unique) for i in table.indexes}
    for column in table.columns.values():
        if column.index:
            name = convention_name(convention, "ix", table.name, (column.name,))
            indexes.add((name, (column.name,), column.unique))
    return indexes
