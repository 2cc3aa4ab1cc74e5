"""Builders of schema, revision and context objects for rule tests."""

from __future__ import annotations

from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.migration import MigrationFunction, Operation, RevisionScript
from steward_lsp.engine.project import CompareOptions, Environment
from steward_lsp.engine.replay import ReplayResult
from steward_lsp.engine.rules import RuleContext
from steward_lsp.engine.schema import (
    ColumnDef,
    Location,
    SchemaState,
    Span,
    TableDef,
    TypeSpec,
)

ROOT = Path("/project")
MODELS = ROOT / "app" / "models.py"


def at(line: int, path: Path = MODELS) -> Location:
    """Return a location on ``line`` (0-based) of ``path``."""
    return Location(path, Span(line, 4, line, 40))


def typ(name: str, *args: object, **kwargs: object) -> TypeSpec:
    """Return a TypeSpec as the parsers would produce it."""
    rendered = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return TypeSpec(name, tuple(args), tuple(kwargs.items()), f"sa.{name}({rendered})")


def column(
    name: str,
    type_: TypeSpec | None = None,
    line: int = 0,
    path: Path = MODELS,
    **fields: object,
) -> ColumnDef:
    """Return a column located on ``line`` of ``path``."""
    return ColumnDef(
        name,
        type_ or typ("Integer"),
        location=at(line, path),
        **fields,  # type: ignore[arg-type]
    )


def table(
    name: str,
    *columns: ColumnDef,
    line: int = 0,
    path: Path = MODELS,
    **fields: object,
) -> TableDef:
    """Return a table located on ``line`` of ``path`` with ``columns``."""
    return TableDef(
        name,
        columns={c.name: c for c in columns},
        location=at(line, path),
        **fields,  # type: ignore[arg-type]
    )


def schema(
    *tables: TableDef, naming_convention: dict[str, str] | None = None
) -> SchemaState:
    """Return a schema state holding ``tables``."""
    state = SchemaState(naming_convention=dict(naming_convention or {}))
    for item in tables:
        state.add(item)
    return state


def revision_path(revision: str) -> Path:
    """Return the path of the revision file for ``revision``."""
    return ROOT / "migrations" / "versions" / f"{revision}_change.py"


def op(name: str, revision: str = "a1", line: int = 10, **fields: object) -> Operation:
    """Return an operation located in the file of ``revision``."""
    return Operation(name, at(line, revision_path(revision)), **fields)  # type: ignore[arg-type]


def script(
    revision: str,
    upgrade: list[Operation] | None = None,
    downgrade: list[Operation] | None = None,
    *,
    downgrade_present: bool = True,
    downgrade_empty: bool = False,
    downgrade_raises: bool = False,
) -> RevisionScript:
    """Return a revision script with the given operations."""
    path = revision_path(revision)
    up = MigrationFunction(True, at(8, path), list(upgrade or []))
    down_ops = list(downgrade or [])
    down = MigrationFunction(
        downgrade_present,
        at(20, path) if downgrade_present else None,
        down_ops,
        empty=downgrade_empty
        or (downgrade_present and not down_ops and not downgrade_raises),
        raises=downgrade_raises,
    )
    return RevisionScript(
        path,
        revision,
        message="change",
        revision_location=at(3, path),
        upgrade=up,
        downgrade=down,
    )


def context(
    model: SchemaState | None = None,
    head: SchemaState | None = None,
    scripts: list[RevisionScript] | None = None,
    compare: CompareOptions | None = None,
    settings: Settings | None = None,
    dialect: str | None = None,
    replay: ReplayResult | None = None,
    with_models: bool = True,
) -> RuleContext:
    """Return a rule context over the given inputs."""
    env = Environment(
        name="migrations",
        root=ROOT,
        config_file=ROOT / "alembic.ini",
        script_location=ROOT / "migrations",
        version_locations=[ROOT / "migrations" / "versions"],
        env_py=ROOT / "migrations" / "env.py",
        model_files=[MODELS] if with_models else [],
        compare=compare or CompareOptions(),
        dialect=dialect,
    )
    head_state = head or SchemaState()
    return RuleContext(
        environment=env,
        settings=settings or Settings(),
        model_schema=model or SchemaState(),
        head_schema=head_state,
        scripts=list(scripts or []),
        revision_graph=RevisionGraph(),
        replay_result=replay or ReplayResult(head_schema=head_state),
    )


def codes(findings: list[object]) -> list[str]:
    """Return the codes of ``findings`` in order."""
    return [f.code for f in findings]  # type: ignore[attr-defined]
