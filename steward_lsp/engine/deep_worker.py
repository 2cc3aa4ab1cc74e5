"""The deep engine's worker: the project's env.py on a scratch database.

``python -m steward_lsp.engine.deep_worker SPEC`` runs in the project's
interpreter, on the project's source roots. It upgrades the scratch
database named in the JSON file SPEC to heads with the project's own
alembic.ini and env.py, then runs env.py once more with a function that
calls Alembic's ``compare_metadata`` on the ``target_metadata`` env.py
configures. It appends one JSON object a line to the results file SPEC
names: ``start`` before each revision, ``diff`` per difference, ``error``
and ``done``. The parent reads the file even after a timeout.

env.py may build its engine from a URL of its own (an environment variable,
the application's settings). So that it can reach no database but the
scratch one, every engine SQLAlchemy creates in this process is pointed at
the scratch database, and the ``database_url_env`` variable is set to it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
import sqlalchemy.engine
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, RevisionStep
from alembic.script import ScriptDirectory

_MAX_ERROR_CHARS = 1500

# Async drivers to use on the scratch database when env.py asks for an async
# engine on another backend.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+aiomysql",
    "mariadb": "mariadb+aiomysql",
}


class Results:
    """The results file: one JSON object a line, flushed at once."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, kind: str, **fields: Any) -> None:
        """Append one record of ``kind``."""
        self._stream.write(json.dumps({"kind": kind, **fields}, default=str) + "\n")
        self._stream.flush()


# Drivers that SQLAlchemy can run under an async engine, with the module each
# imports and the pip package that provides it.
_ASYNC_CAPABLE = {
    "aiosqlite": ("aiosqlite", "aiosqlite"),
    "asyncpg": ("asyncpg", "asyncpg"),
    "psycopg": ("psycopg", "psycopg[binary]"),
    "psycopg_async": ("psycopg", "psycopg[binary]"),
    "aiomysql": ("aiomysql", "aiomysql"),
    "asyncmy": ("asyncmy", "asyncmy"),
}


class AsyncDriverMissing(RuntimeError):
    """The scratch database has no async driver in this interpreter."""


def scratch_for(requested: object, scratch: sa.URL, is_async: bool) -> sa.URL:
    """Return the scratch URL, with the requested driver where the backend matches.

    An async engine gets an async driver of the scratch backend, because
    the scratch URL (``sqlite:///...``) names a sync one. Raises
    :class:`AsyncDriverMissing` when that driver is not importable.
    """
    try:
        wanted = sa.make_url(str(requested)) if requested else None
    except sa.exc.ArgumentError:
        wanted = None
    url = scratch
    if wanted is not None and wanted.get_backend_name() == scratch.get_backend_name():
        url = scratch.set(drivername=wanted.drivername)
    if not is_async or url.get_driver_name() in _ASYNC_CAPABLE:
        return url
    driver = _ASYNC_DRIVERS.get(scratch.get_backend_name())
    if driver is None:
        return url
    url = scratch.set(drivername=driver)
    _require_driver(url)
    return url


def _require_driver(url: sa.URL) -> None:
    module, package = _ASYNC_CAPABLE[url.get_driver_name()]
    try:
        __import__(module)
    except ImportError as exc:
        backend = url.get_backend_name()
        server = "a PostgreSQL server" if backend == "sqlite" else f"a {backend} server"
        raise AsyncDriverMissing(
            f"the project creates an async engine, so the {backend} scratch "
            f"database needs the async driver {module}, which {sys.executable} "
            f"cannot import ({exc}); install it there (pip install {package}), "
            f"or set scratch_url to {server} with an async driver installed"
        ) from exc


def redirect_engines(scratch_url: str) -> None:
    """Point every engine this process creates at the scratch database."""
    scratch = sa.make_url(scratch_url)
    create_engine = sa.create_engine

    def create_scratch_engine(url: object = None, *args: Any, **kwargs: Any) -> Any:
        return create_engine(scratch_for(url, scratch, False), *args, **kwargs)

    def scratch_engine_from_config(
        configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any
    ) -> Any:
        options = dict(configuration)
        options[f"{prefix}url"] = scratch_for(
            options.get(f"{prefix}url"), scratch, False
        )
        return sqlalchemy.engine.create.engine_from_config(options, prefix, **kwargs)

    for module in (sa, sqlalchemy.engine):
        _replace(module, "create_engine", create_scratch_engine)
        _replace(module, "engine_from_config", scratch_engine_from_config)

    if importlib.util.find_spec("greenlet") is None:
        # Without greenlet, SQLAlchemy 2.1's asyncio extension raises on the
        # first import only; a later import succeeds and builds engines that
        # fail later. So the project's own import must be the first: it then
        # raises SQLAlchemy's message naming the fix.
        return
    try:
        import sqlalchemy.ext.asyncio as asyncio_module
    except ImportError:
        return
    create_async_engine = asyncio_module.create_async_engine

    def create_scratch_async_engine(
        url: object = None, *args: Any, **kwargs: Any
    ) -> Any:
        return create_async_engine(scratch_for(url, scratch, True), *args, **kwargs)

    def scratch_async_engine_from_config(
        configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any
    ) -> Any:
        options = {
            key.removeprefix(prefix): value
            for key, value in configuration.items()
            if key.startswith(prefix) and key != f"{prefix}url"
        }
        options.update(kwargs)
        url = scratch_for(configuration.get(f"{prefix}url"), scratch, True)
        return create_async_engine(url, **options)

    _replace(asyncio_module, "create_async_engine", create_scratch_async_engine)
    _replace(
        asyncio_module, "async_engine_from_config", scratch_async_engine_from_config
    )


def _replace(module: Any, name: str, function: Any) -> None:
    setattr(module, name, function)


def announce_revisions(results: Results) -> None:
    """Write a ``start`` record before each revision runs, so a hang names it."""
    original_init: Any = RevisionStep.__init__

    def init(self: RevisionStep, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        run_revision = self.migration_fn
        revision = self.revision.revision

        def announced(*fn_args: Any, **fn_kwargs: Any) -> Any:
            results.write("start", revision=revision)
            return run_revision(*fn_args, **fn_kwargs)

        self.migration_fn = announced

    _replace(RevisionStep, "__init__", init)


def fault(exc: BaseException, root: Path) -> dict[str, Any]:
    """Return the error text and the innermost frame of the project, if any."""
    message = str(exc).split("(Background on this error")[0].strip()
    record: dict[str, Any] = {
        "text": f"{type(exc).__name__}: {message}"[:_MAX_ERROR_CHARS]
    }
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [frame for frame in frames if _is_inside(frame.filename, root)]
    if isinstance(exc, SyntaxError) and exc.filename and _is_inside(exc.filename, root):
        record.update(path=str(Path(exc.filename).resolve()), line=exc.lineno or 1)
    elif inside:
        record.update(
            path=str(Path(inside[-1].filename).resolve()), line=inside[-1].lineno
        )
    return record


def _is_inside(filename: str, root: Path) -> bool:
    if filename.startswith("<"):
        return False
    try:
        return Path(filename).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def _names(columns: Any) -> list[str]:
    return [str(getattr(column, "name", column)) for column in columns]


def _default_text(default: Any, dialect: Any) -> str | None:
    """Return a server default as SQL text, as Alembic compares it.

    The reflected side is a ``DefaultClause`` around a text clause. The
    model's side may wrap a string, a text clause or a function, and a
    clause is compiled for the scratch database's dialect.
    """
    if default is None:
        return None
    arg = getattr(default, "arg", default)
    if isinstance(arg, str):
        return arg
    try:
        compiled = arg.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    except (AttributeError, sa.exc.SQLAlchemyError):
        return str(arg)
    return str(compiled)


def serialize_diff(diff: Any, dialect: Any = None) -> dict[str, Any]:
    """Return one entry of ``compare_metadata``'s output as JSON-ready fields.

    ``dialect`` compiles the model's server default of a ``modify_default``.
    """
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        table = diff[1]
        return {"diff": kind, "schema": table.schema, "table": table.name}
    if kind in ("add_column", "remove_column"):
        _, schema, table_name, column = diff
        return {
            "diff": kind,
            "schema": schema,
            "table": table_name,
            "column": column.name,
        }
    if kind.startswith("modify_"):
        _, schema, table_name, column_name = diff[:4]
        database: str | None
        model: str | None
        if kind == "modify_default":
            database = _default_text(diff[5], dialect)
            model = _default_text(diff[6], dialect)
        else:
            database, model = str(diff[5]), str(diff[6])
        return {
            "diff": kind,
            "schema": schema,
            "table": table_name,
            "column": column_name,
            "database": database,
            "model": model,
        }
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        return {
            "diff": kind,
            "schema": index.table.schema,
            "table": index.table.name,
            "name": index.name,
            "columns": _names(index.expressions),
            "unique": bool(index.unique),
        }
    if kind in ("add_fk", "remove_fk"):
        key = diff[1]
        return {
            "diff": kind,
            "schema": key.parent.schema,
            "table": key.parent.name,
            "name": key.name,
            "columns": list(key.column_keys),
            "referred": key.referred_table.name,
        }
    if kind in ("add_constraint", "remove_constraint"):
        constraint = diff[1]
        return {
            "diff": kind,
            "schema": constraint.table.schema,
            "table": constraint.table.name,
            "name": constraint.name,
            "columns": _names(constraint.columns),
            "constraint": type(constraint).__name__,
        }
    return {"diff": kind, "text": repr(diff[1:])[:_MAX_ERROR_CHARS]}


def _primary_key(record: dict[str, Any], metadata: Any, inspector: Any) -> list[str]:
    """Return the primary-key columns of the table a constraint difference is on.

    Alembic's difference carries a copy of the constraint on a table without
    its other constraints, so the key comes from the model's table for an
    added constraint and from the database for a removed one.
    """
    table, schema = record["table"], record["schema"]
    if record["diff"] == "add_constraint":
        key = f"{schema}.{table}" if schema else table
        for each in metadata if isinstance(metadata, (list, tuple)) else [metadata]:
            if key in each.tables:
                return _names(each.tables[key].primary_key.columns)
        return []
    try:
        found = inspector.get_pk_constraint(table, schema=schema)
    except sa.exc.SQLAlchemyError:
        return []
    return list(found.get("constrained_columns") or [])


def _flatten(diffs: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for diff in diffs:
        # Column modifications arrive as a list of tuples per column.
        flat.extend(diff if isinstance(diff, list) else [diff])
    return flat


def alembic_config(spec: dict[str, Any]) -> Config:
    """Return the project's Alembic config, with the scratch URL in it."""
    config_file = spec.get("config_file")
    if config_file and config_file.endswith(".ini"):
        config = Config(config_file, ini_section=spec["section"])
    elif config_file:
        config = Config(toml_file=config_file)
    else:
        config = Config()
        config.set_main_option("script_location", spec["script_location"])
    # Percent signs are interpolation in Alembic's config values.
    config.set_main_option("sqlalchemy.url", spec["url"].replace("%", "%%"))
    return config


def upgrade_to_heads(spec: dict[str, Any], results: Results) -> Config | None:
    """Upgrade the scratch database to heads; return the config, None on error."""
    root = Path(spec["root"]).resolve()
    for folder in reversed(spec["source_roots"]):
        sys.path.insert(0, folder)
    os.environ[spec["database_url_env"]] = spec["url"]
    redirect_engines(spec["url"])
    announce_revisions(results)
    config = alembic_config(spec)

    try:
        command.upgrade(config, "heads")
    except BaseException as exc:  # noqa: BLE001 - SystemExit from env.py too
        results.write("error", phase="upgrade", **fault(exc, root))
        return None
    return config


def run_with_models(
    spec: dict[str, Any],
    config: Config,
    results: Results,
    function: Callable[[MigrationContext, Any], None],
) -> bool:
    """Run env.py with ``function(context, target_metadata)`` as its migration.

    Returns whether it ran; an error is written to ``results``.
    """
    root = Path(spec["root"]).resolve()
    ran: list[bool] = []

    def migrate(_heads: object, context: MigrationContext) -> list[Any]:
        ran.append(True)
        metadata = context.opts.get("target_metadata")
        if metadata is None:
            raise RuntimeError(
                "env.py passes no target_metadata to context.configure, so "
                "there are no models to compare"
            )
        function(context, metadata)
        return []

    try:
        script = ScriptDirectory.from_config(config)
        with EnvironmentContext(config, script, fn=migrate):
            script.run_env()
    except BaseException as exc:  # noqa: BLE001 - SystemExit from env.py too
        results.write("error", phase="compare", **fault(exc, root))
        return False
    if not ran:
        error = RuntimeError(
            "env.py did not call context.run_migrations(), so nothing was compared"
        )
        results.write("error", phase="compare", **fault(error, root))
        return False
    return True


def run(spec: dict[str, Any], results: Results) -> int:
    """Upgrade the scratch database to heads and compare it with the models."""
    config = upgrade_to_heads(spec, results)
    if config is None:
        return 1
    records: list[dict[str, Any]] = []

    def compare(context: MigrationContext, metadata: Any) -> None:
        inspector = sa.inspect(context.bind)
        for diff in _flatten(compare_metadata(context, metadata)):
            record = serialize_diff(diff, context.dialect)
            if record["diff"] in ("add_constraint", "remove_constraint"):
                record["primary_key"] = _primary_key(record, metadata, inspector)
            records.append({"dialect": context.dialect.name, **record})

    if not run_with_models(spec, config, results, compare):
        return 1
    for record in records:
        results.write("diff", **record)
    results.write("done")
    return 0


def main(argv: list[str]) -> int:
    """Run the worker on the spec file ``argv[0]``."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    with open(spec["results"], "a", encoding="utf-8") as stream:
        return run(spec, Results(stream))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
