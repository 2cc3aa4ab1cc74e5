"""``steward merge-heads``: the merge revision ``alembic merge heads`` would write.

The new revision's ``down_revision`` names every head of the environment.
It is rendered from the project's ``script.py.mako`` at the path its
``file_template`` gives, with empty ``upgrade()`` and ``downgrade()``, as
Alembic writes a merge. Nothing is written here; the caller writes the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward_lsp.engine.generate import (
    GenerateRequest,
    GenerateResult,
    Option,
    environment_holding,
    refuse_unreadable,
    select_environment,
)
from steward_lsp.engine.generate.output import GeneratedFile
from steward_lsp.engine.graph import GRAPH_ERROR_CODES

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis

DEFAULT_MESSAGE = "merge heads"

OPTIONS: tuple[Option, ...] = (
    Option(
        "message", "message of the merge revision", short="-m", default=DEFAULT_MESSAGE
    ),
)


def generate(request: GenerateRequest) -> GenerateResult:
    """Return the merge revision of the environment's heads."""
    from alembic.util import rev_id

    from steward_lsp.engine.generate import author_render

    analysis = _environment_with_heads(request)
    # Alembic cannot load a chain with a missing parent, a duplicate id or a
    # cycle, so a merge revision written into it would not run either.
    refuse_unreadable(analysis, {"STW001", *GRAPH_ERROR_CODES})
    heads = list(analysis.revision_graph.heads)
    environment = analysis.environment
    if len(heads) < 2:
        return GenerateResult(
            summary=f"{environment.name} has {len(heads)} head: nothing to merge"
        )

    directory = author_render.script_directory(environment)
    revision = author_render.Revision(
        revision_id=rev_id(),
        down_revision=tuple(heads),
        message=str(request.option("message", DEFAULT_MESSAGE)),
        create_date=author_render.create_date(directory),
    )
    text = author_render.render_revision(environment, revision, {})
    path = author_render.revision_path(directory, environment, revision)
    return GenerateResult(
        files=[GeneratedFile(path, text, marked=False)],
        summary=f"merge revision {revision.revision_id} joins {', '.join(heads)}",
    )


def _environment_with_heads(request: GenerateRequest) -> EnvironmentAnalysis:
    """Return the environment of ``--env``, else the editor's, else the branched one.

    The editor's is the one that contains the file it sent; the branched one is
    the only environment with several heads.
    """
    name = request.option("env")
    environments = request.analysis.environments
    if name is None and len(environments) > 1:
        holder = environment_holding(request.analysis, request.focus)
        if holder is not None:
            return holder
        branched = [e for e in environments if len(e.revision_graph.heads) > 1]
        if len(branched) == 1:
            return branched[0]
    return select_environment(request.analysis, name)
