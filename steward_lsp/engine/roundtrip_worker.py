"""The round-trip worker: runs revisions up and down with Alembic, in a subprocess.

``python -m steward_lsp.engine.roundtrip_worker SPEC`` reads the JSON file
SPEC written by :mod:`steward_lsp.engine.roundtrip` and appends one JSON
object a line to the results file it names: ``start`` before each step,
``step`` after it, ``note`` and ``fatal``. The parent reads that file even
after a timeout, so the steps finished before it are kept.

Each revision is run alone, as one Alembic migration step, so a revision on
one branch never moves another branch. The worker imports only the standard
library, SQLAlchemy, Alembic and steward's seed module (which uses sqlglot
when installed), because it runs in the project's interpreter, on the
project's source roots.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationStep
from alembic.script import Script, ScriptDirectory

from steward_lsp.engine.roundtrip_seed import (
    SEED_FOLDER,
    SEED_HOOK_SUFFIX,
    VERSION_TABLE,
    Seeder,
    lost_rows,
    reflect,
    snapshot_rows,
)

URL_ATTRIBUTE = "steward_scratch_url"
BATCH_ATTRIBUTE = "steward_render_as_batch"
_MAX_ERROR_CHARS = 1500


def run_environment() -> None:
    """Run the requested migrations on the scratch database (steward's env.py).

    Only the revision files run; the project's own env.py never does, so no
    project setting can point the run at another database.
    """
    from alembic import context

    if context.is_offline_mode():
        raise RuntimeError("the round trip runs on a database, not in offline mode")
    config = context.config
    engine = sa.create_engine(config.attributes[URL_ATTRIBUTE], poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=None,
                transaction_per_migration=True,
                render_as_batch=config.attributes.get(BATCH_ATTRIBUTE, False),
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


class Results:
    """The results file: one JSON object a line, flushed at once."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, kind: str, **fields: Any) -> None:
        """Append one record of ``kind``."""
        self._stream.write(json.dumps({"kind": kind, **fields}) + "\n")
        self._stream.flush()


class Worker:
    """Runs the round trip of each revision in order on one scratch database."""

    def __init__(self, spec: dict[str, Any], results: Results) -> None:
        self.results = results
        self.seed = bool(spec["seed"])
        self.config = Config()
        self.config.set_main_option("script_location", spec["script_location"])
        # Alembic 1.16 and later read path_separator; earlier versions split
        # version_locations on spaces, which gives the same list.
        self.config.set_main_option("path_separator", "space")
        self.config.set_main_option(
            "version_locations", " ".join(spec["version_locations"])
        )
        if spec["recursive"]:
            self.config.set_main_option("recursive_version_locations", "true")
        self.version_locations = [Path(folder) for folder in spec["version_locations"]]
        self.seeds = Path(spec["script_location"]) / SEED_FOLDER
        self.config.attributes[URL_ATTRIBUTE] = spec["url"]
        self.config.attributes[BATCH_ATTRIBUTE] = bool(spec["render_as_batch"])
        self.script = ScriptDirectory.from_config(self.config)
        self.engine = sa.create_engine(spec["url"], poolclass=sa.NullPool)
        self.seeder = Seeder()

    def run(self, names: list[str] | None) -> None:
        """Round-trip ``names`` (every revision when None), base first."""
        order = list(reversed(list(self.script.walk_revisions())))
        selected = None if names is None else self._resolve(names)
        chosen = [r for r in order if selected is None or r.revision in selected]
        for position, revision in enumerate(chosen):
            if selected is not None and not self._prepare(revision):
                return
            if not self._round_trip(revision):
                untested = len(chosen) - position - 1
                if untested:
                    self.results.write(
                        "note",
                        text=f"stopped after {revision.revision}: {untested} later "
                        f"revision(s) not tested, because {revision.revision} "
                        "could not be applied",
                    )
                return

    def _resolve(self, names: list[str]) -> set[str]:
        revisions = set()
        for name in names:
            found = self.script.get_revision(name)
            if found is None:
                raise LookupError(f"no revision named {name!r}")
            revisions.add(found.revision)
        return revisions

    def _prepare(self, revision: Script) -> bool:
        """Upgrade to the parents of ``revision``, which is tested alone."""
        for parent in (
            *_as_tuple(revision.down_revision),
            *_as_tuple(revision.dependencies),
        ):
            try:
                command.upgrade(self.config, parent)
            except Exception as exc:
                self.results.write(
                    "step",
                    step="upgrade",
                    revision=revision.revision,
                    seconds=0.0,
                    ok=False,
                    error=f"upgrading to its parent {parent} failed: "
                    f"{describe(exc, self.version_locations)}",
                )
                return False
        return True

    def _round_trip(self, revision: Script) -> bool:
        """Seed, upgrade, downgrade, compare, upgrade again, backfill.

        Returns whether the next revisions can run.
        """
        rev = revision.revision
        if self.seed:
            for note in self.seeder.seed(self.engine):
                self.results.write("note", text=f"before {rev}: {note}")
        before_schema = reflect(self.engine)
        before_rows = snapshot_rows(self.engine)

        if self._step("upgrade", revision, lambda: self._migrate(revision, True)):
            return False
        outcome = self._step(
            "downgrade",
            revision,
            lambda: self._migrate(revision, False),
            check=lambda: self._differences(before_schema, before_rows),
        )
        if outcome == "raised":
            # The next revisions can still run when the failed downgrade left
            # the database at this revision (its transaction rolled back).
            return self._is_at(rev)
        if self._step("upgrade again", revision, lambda: self._migrate(revision, True)):
            return False
        hook = self.seeds / f"{rev}{SEED_HOOK_SUFFIX}"
        if hook.is_file():
            self._step("backfill", revision, lambda: self._backfill(hook))
        return True

    def _backfill(self, hook: Path) -> None:
        """Run the project's ``backfill(connection)`` hook of a revision."""
        spec = importlib.util.spec_from_file_location(f"steward_seed_{hook.stem}", hook)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {hook}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with self.engine.begin() as connection:
            module.backfill(connection)

    def _step(
        self,
        name: str,
        revision: Script,
        action: Callable[[], None],
        check: Callable[[], list[str]] | None = None,
    ) -> str | None:
        """Run and time ``action``, then ``check``; write the step record.

        Returns None when the step passed, ``"raised"`` when ``action``
        raised and ``"differs"`` when ``check`` found problems.
        """
        self.results.write("start", step=name, revision=revision.revision)
        started = time.perf_counter()
        outcome: str | None = None
        try:
            action()
        except Exception as exc:
            error: str | None = describe(exc, [*self.version_locations, self.seeds])
            outcome = "raised"
        else:
            error = None
        seconds = time.perf_counter() - started
        if outcome is None and check is not None:
            try:
                problems = check()
            except Exception as exc:
                problems = [
                    f"comparing with the state before the upgrade failed: "
                    f"{describe(exc)}"
                ]
            if problems:
                error = "; ".join(problems)
                outcome = "differs"
        self.results.write(
            "step",
            step=name,
            revision=revision.revision,
            seconds=seconds,
            ok=outcome is None,
            error=error,
        )
        return outcome

    def _migrate(self, revision: Script, upgrade: bool) -> None:
        """Run ``revision`` alone, up or down, through steward's env.py."""
        revision_map = self.script.revision_map
        if upgrade:
            step = MigrationStep.upgrade_from_script(revision_map, revision)
        else:
            step = MigrationStep.downgrade_from_script(revision_map, revision)

        def steps(heads: Any, context: Any) -> list[MigrationStep]:
            return [step]

        with EnvironmentContext(self.config, self.script, fn=steps):
            self.script.run_env()

    def _is_at(self, rev: str) -> bool:
        """Tell whether the version table lists ``rev`` as a current head."""
        try:
            with self.engine.connect() as connection:
                heads = MigrationContext.configure(connection).get_current_heads()
        except sa.exc.SQLAlchemyError:
            return False
        return rev in heads

    def _differences(
        self, before_schema: sa.MetaData, before_rows: dict[str, list[dict[str, Any]]]
    ) -> list[str]:
        """Describe how the database after the downgrade differs from before."""
        with self.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_name": _not_version_table},
            )
            diffs = compare_metadata(context, before_schema)
        problems = [describe_diff(diff) for diff in diffs]
        return problems + lost_rows(before_rows, snapshot_rows(self.engine))


def _not_version_table(name: str | None, type_: str, parent: Any) -> bool:
    return not (type_ == "table" and name == VERSION_TABLE)


def _as_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def describe(exc: BaseException, folders: Sequence[Path] = ()) -> str:
    """Return the error of a failed step: its message and the revision line.

    The line is the innermost traceback frame in a file under ``folders``,
    the version locations.
    """
    message = str(exc).split("(Background on this error")[0].strip()
    text = f"{type(exc).__name__}: {message}"
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if any(_under(f.filename, d) for d in folders)]
    if inside:
        text += f" (at {inside[-1].filename}, line {inside[-1].lineno})"
    return text[:_MAX_ERROR_CHARS]


def _under(filename: str, folder: Path) -> bool:
    return Path(filename).is_relative_to(folder)


_DIFF_WORDS = {
    "add_table": "table {name} was not restored",
    "remove_table": "table {name} was left behind",
    "add_index": "index {name} was not restored",
    "remove_index": "index {name} was left behind",
    "add_constraint": "constraint {name} was not restored",
    "remove_constraint": "constraint {name} was left behind",
    "add_fk": "foreign key {name} was not restored",
    "remove_fk": "foreign key {name} was left behind",
}


def describe_diff(diff: Any) -> str:
    """Describe one of Alembic's ``compare_metadata`` differences in words.

    The metadata is the schema before the upgrade, so "add" means the
    downgrade did not restore something and "remove" that it left it.
    """
    if isinstance(diff, list):
        return "; ".join(describe_diff(item) for item in diff)
    kind = diff[0]
    if kind in ("add_column", "remove_column"):
        verb = "was not restored" if kind == "add_column" else "was left behind"
        return f"column {diff[2]}.{diff[3].name} {verb}"
    if kind.startswith("modify_"):
        attribute = kind.removeprefix("modify_").replace("_", " ")
        return (
            f"column {diff[2]}.{diff[3]} {attribute} is {diff[5]}, "
            f"was {diff[6]} before the upgrade"
        )
    item = diff[1]
    name = getattr(item, "name", None) or str(item)
    table = getattr(item, "table", None)
    if table is not None and kind != "add_table" and kind != "remove_table":
        name = f"{name} on {table.name}"
    template: str = _DIFF_WORDS.get(kind, kind + " {name}")
    return template.format(name=name)


def main(argv: list[str]) -> int:
    """Run the worker on the spec file ``argv[0]``."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    with open(spec["results"], "a", encoding="utf-8") as stream:
        results = Results(stream)
        try:
            worker = Worker(spec, results)
            worker.run(spec["revisions"])
        except Exception as exc:
            results.write("fatal", text=describe(exc))
            return 1
        results.write("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
