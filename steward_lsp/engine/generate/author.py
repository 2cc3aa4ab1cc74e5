"""``steward author-migration``: a new revision for the drift of an environment.

The drift findings (STW101-STW109) become Alembic operations
(:mod:`author_ops`), rendered by Alembic's renderer into the project's
``script.py.mako`` at the path of its ``file_template``
(:mod:`author_render`), with ``down_revision`` the current heads. With
``--seed`` a backfill stub for the added columns comes along
(:mod:`author_seed`). Unless ``--no-round-trip`` is given, the new revision
then runs upgrade, downgrade and upgrade on a scratch database, and the
report of that run is written too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.generate import (
    GenerateError,
    GenerateRequest,
    GenerateResult,
    Option,
    output_dir,
    select_environment,
)
from steward_lsp.engine.generate.output import GeneratedFile

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.generate.author_plan import Plan

COMMAND = "author-migration"

OPTIONS: tuple[Option, ...] = (
    Option(
        "message",
        "the revision message, as for `alembic revision -m`",
        short="-m",
        required=True,
    ),
    Option("seed", "also write a backfill stub for the added columns", kind=bool),
    Option(
        "scratch_url",
        "SQLAlchemy URL of a database server for the round trip; steward "
        "creates a scratch database there and drops it (default: "
        "STEWARD_SCRATCH_URL, else the scratch_url setting, else a temporary "
        "SQLite file)",
    ),
    Option(
        "no_round_trip",
        "write the revision without running it on a scratch database",
        kind=bool,
    ),
)

NO_DRIFT = "no drift: nothing to author"

DEFAULT_MESSAGE = "sync models with migrations"
"""The message of a revision an editor requests without one (a code lens).

The command line requires ``-m``, so only the server's callers can omit it.
"""

# Graph findings that make Alembic itself reject the revision chain.
_BROKEN_GRAPH_CODES = ("STW402", "STW403", "STW404")


@dataclass
class AuthoredRevision:
    """A rendered revision: its id, file, plan and the heads it follows."""

    revision_id: str
    message: str
    file: GeneratedFile
    plan: Plan
    down_revision: tuple[str, ...]


def generate(request: GenerateRequest) -> GenerateResult:
    """Return the new revision, and the seed stub and round-trip report."""
    from steward_lsp.engine.generate import author_render

    message = request.option("message", DEFAULT_MESSAGE)
    if not str(message).strip():
        raise GenerateError("a revision message is required: pass -m MESSAGE")
    analysis = drifted_environment(request)
    check_authorable(analysis)

    authored = author_revision(analysis, str(message).strip())
    notes = [*uncertain_notes(analysis), *unfollowed_notes(analysis)]
    if authored is None:
        return GenerateResult(summary=NO_DRIFT, notes=notes)
    result = GenerateResult(
        files=[authored.file],
        summary=f"revision {authored.revision_id} written for the drift of "
        f"{analysis.environment.name}",
        notes=[*authored.plan.notes, *notes],
    )
    if len(authored.down_revision) > 1:
        heads = ", ".join(authored.down_revision)
        result.notes.append(f"the revision merges the heads {heads}")
    hooks = author_render.post_write_hooks(analysis.environment)
    if hooks:
        result.notes.append(
            f"alembic.ini names post_write_hooks ({', '.join(hooks)}), which "
            "steward does not run; run them on the new revision"
        )
    if request.option("seed", False):
        result.files.extend(_seed_files(analysis, authored))
    if request.option("no_round_trip", False):
        return result
    _round_trip(request, analysis, authored, result)
    return result


def drifted_environment(request: GenerateRequest) -> EnvironmentAnalysis:
    """Return the environment of ``--env``, else the only one with drift.

    An editor's code action cannot pass ``--env``, so in a workspace with
    several environments the one whose models drifted is chosen, when
    exactly one did.
    """
    from steward_lsp.engine.generate.author_drift import DRIFT_CODES

    name = request.option("env")
    environments = request.analysis.environments
    if name is None and len(environments) > 1:
        drifted = [
            environment
            for environment in environments
            if any(f.code in DRIFT_CODES for f in environment.findings)
        ]
        if len(drifted) == 1:
            return drifted[0]
    return select_environment(request.analysis, name)


def check_authorable(analysis: EnvironmentAnalysis) -> None:
    """Raise GenerateError when the drift of ``analysis`` cannot be trusted."""
    environment = analysis.environment
    if not environment.model_files:
        raise GenerateError(
            f"{environment.name}: steward found no model files for this "
            "environment (env.py sets no target_metadata it can follow); set "
            "target_metadata, or list the modules in [tool.steward] models"
        )
    blocking = [
        f for f in analysis.findings if f.code in (*_BROKEN_GRAPH_CODES, "STW001")
    ]
    if blocking:
        listed = "; ".join(
            f"{f.location.path.name}: {f.code} {f.message}" for f in blocking[:3]
        )
        raise GenerateError(
            f"{environment.name}: fix these first, because Alembic cannot load "
            f"the revisions or steward cannot read them: {listed}"
        )
    heads = parent_heads(analysis)
    all_intended = bool(analysis.revision_graph.heads) and not heads
    if all_intended or 1 < len(heads) <= environment.settings.allowed_heads:
        listed = ", ".join(analysis.revision_graph.heads)
        raise GenerateError(
            f"{environment.name}: the heads {listed} are branches that the "
            "allowed_heads or head_branches settings permit, and steward does "
            "not choose one; run `alembic revision --autogenerate --head "
            "BRANCH@head` instead"
        )
    everywhere = analysis.replay_result.uncertain_everywhere
    if everywhere:
        raise GenerateError(
            f"{environment.name}: the shape at head is unknown ({everywhere}); "
            "run `alembic revision --autogenerate` against a database instead"
        )


def author_revision(
    analysis: EnvironmentAnalysis,
    message: str,
    *,
    revision_id: str | None = None,
    create_date: Any = None,
) -> AuthoredRevision | None:
    """Return the revision file for the drift of ``analysis``, or None if none.

    ``revision_id`` and ``create_date`` default to a new id and now, as
    Alembic chooses them; tests fix both.
    """
    from alembic.operations import ops
    from alembic.util import rev_id

    from steward_lsp.engine.generate import author_render
    from steward_lsp.engine.generate.author_drift import (
        compared_pairs,
        group_drift,
        rule_context,
    )
    from steward_lsp.engine.generate.author_ops import plan_operations

    context = rule_context(analysis)
    drifts = group_drift(analysis.findings, compared_pairs(context))
    if not drifts:
        return None
    plan = plan_operations(
        list(drifts.values()),
        context.dialect,
        analysis.model_schema,
        analysis.head_schema,
    )
    if not plan.operations:
        raise GenerateError(
            f"{analysis.environment.name}: the drift needs changes steward "
            "cannot write: " + "; ".join(plan.notes)
        )
    environment = analysis.environment
    directory = author_render.script_directory(environment)
    revision = author_render.Revision(
        revision_id=revision_id or rev_id(),
        down_revision=tuple(parent_heads(analysis)),
        message=message,
        create_date=create_date or author_render.create_date(directory),
    )
    batch = environment.compare.render_as_batch or context.dialect == "sqlite"
    body = author_render.render_body(
        ops.UpgradeOps(plan.operations), context.dialect, render_as_batch=batch
    )
    text = author_render.render_revision(environment, revision, body)
    path = author_render.revision_path(directory, environment, revision)
    return AuthoredRevision(
        revision.revision_id,
        message,
        GeneratedFile(path, text, marked=False),
        plan,
        revision.down_revision,
    )


def parent_heads(analysis: EnvironmentAnalysis) -> list[str]:
    """Return the heads the new revision follows: all but the intended ones.

    A head on a branch of the ``head_branches`` setting (a plugin chain) is
    meant to stay a head, so the revision does not merge it. An environment
    without revisions has no heads, and gets a first revision.
    """
    from steward_lsp.engine.graph import _branches_of

    graph = analysis.revision_graph
    intended = set(analysis.environment.settings.head_branches)
    return [head for head in graph.heads if not (_branches_of(graph, head) & intended)]


def uncertain_notes(analysis: EnvironmentAnalysis) -> list[str]:
    """Return a note for each compared table whose head shape is uncertain."""
    from steward_lsp.engine.generate.author_drift import compared_pairs, rule_context

    context = rule_context(analysis)
    notes = []
    for pair in compared_pairs(context):
        tables = [t for t in (pair.model, pair.head) if t is not None]
        reason = context.replay_result.uncertain_tables.get(pair.key) or next(
            (t.uncertain for t in tables if t.uncertain), None
        )
        if reason:
            notes.append(
                f"table {pair.key}: no operations, because its shape at head is "
                f"uncertain ({reason}); compare it with the model by hand"
            )
    return notes


def unfollowed_notes(analysis: EnvironmentAnalysis) -> list[str]:
    """Return a note for each model construct the parser could not follow.

    Those are STW100 findings: what such a construct sets (a comment, a
    server default) is unknown, so the revision cannot cover it.
    """
    return [
        f"{f.location.path.name}:{f.location.span.start_line + 1}: {f.message}; "
        "the revision covers only what steward could read"
        for f in analysis.findings
        if f.code == "STW100"
    ]


def _seed_files(
    analysis: EnvironmentAnalysis, authored: AuthoredRevision
) -> list[GeneratedFile]:
    from steward_lsp.engine.generate.author_seed import seed_stub

    if not authored.plan.added_columns:
        return []
    return [seed_stub(analysis.environment, authored.revision_id, authored.plan)]


def _round_trip(
    request: GenerateRequest,
    analysis: EnvironmentAnalysis,
    authored: AuthoredRevision,
    result: GenerateResult,
) -> None:
    from steward_lsp.engine import roundtrip
    from steward_lsp.engine.generate.output import with_mark
    from steward_lsp.engine.roundtrip_scratch import scratch_server_url

    settings = analysis.environment.settings
    scratch_url = scratch_server_url(
        request.option("scratch_url"), settings.scratch_url
    )
    note = roundtrip.dialect_note(analysis.environment, scratch_url)
    if note is not None:
        # NOTE: a revision rendered for another dialect uses ALTER forms that
        # SQLite rejects outside batch mode, so the round trip there can fail
        # for no fault of the revision, which the note in the report states.
        result.notes.append(f"round trip: {note}")
    try:
        report = roundtrip.run_round_trip(
            analysis,
            revisions=[authored.revision_id],
            scratch_url=scratch_url,
            extra_files=(authored.file,),
            slo_seconds=settings.rollback_slo,
        )
    except roundtrip.RoundTripError as exc:
        result.notes.append(f"round trip not run: {exc}")
        result.failed = True
        return
    folder = output_dir(request, analysis) / "migrations"
    path = folder / f"{authored.revision_id}-test-report.md"
    title = f"Round trip of revision {authored.revision_id} ({authored.message})"
    result.files.append(
        with_mark(path, COMMAND, roundtrip.render_report(report, title))
    )
    if report.failed:
        result.failed = True
        result.summary = (
            f"revision {authored.revision_id}: the round trip failed; see "
            f"{Path(path).name}"
        )
