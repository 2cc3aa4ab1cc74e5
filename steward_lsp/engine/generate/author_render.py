"""Render a revision file as ``alembic revision --autogenerate`` would.

The upgrade and downgrade operations go through Alembic's renderer with a
MigrationContext on the environment's dialect and no connection. The file
is the project's ``script.py.mako`` rendered with the template arguments
that Alembic's ``ScriptDirectory.generate_revision`` passes, at the path its
``file_template`` gives. Nothing is written: the caller gets the path and
the text.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from pathlib import Path

from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _render_python_into_templatevars
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import tuple_rev_as_scalar
from alembic.util import CommandError, format_as_comma
from mako.template import Template  # type: ignore[import-untyped]

from steward_lsp.engine import alembic_config
from steward_lsp.engine.generate import GenerateError
from steward_lsp.engine.project import Environment

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "script.py.mako"


@dataclass(frozen=True)
class Revision:
    """The identity of a new revision: id, parents, message and date."""

    revision_id: str
    down_revision: tuple[str, ...]
    message: str
    create_date: datetime.datetime


def render_body(
    upgrade: ops.UpgradeOps, dialect: str | None, *, render_as_batch: bool
) -> dict[str, str]:
    """Return the ``upgrades``, ``downgrades`` and ``imports`` template arguments.

    The downgrade is Alembic's own ``UpgradeOps.reverse()`` of ``upgrade``.
    """
    context = MigrationContext.configure(
        dialect_name=dialect or "sqlite",
        opts={
            "render_as_batch": render_as_batch,
            "sqlalchemy_module_prefix": "sa.",
            "alembic_module_prefix": "op.",
        },
    )
    autogen_context = AutogenContext(context, autogenerate=False)
    script = ops.MigrationScript(
        rev_id=None,
        upgrade_ops=upgrade,
        downgrade_ops=upgrade.reverse(),
    )
    arguments: dict[str, str] = {}
    try:
        # NOTE: this is the function `alembic revision --autogenerate` fills
        # the template with (Alembic 1.13 to 1.20); it is not public API.
        _render_python_into_templatevars(autogen_context, script, arguments)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a renderer may raise anything
        logger.exception("Alembic's renderer failed")
        raise GenerateError(
            f"Alembic's renderer failed on the operations ({exc!r}); run "
            "`alembic revision --autogenerate` instead and report this to steward"
        ) from exc
    return arguments


def script_directory(environment: Environment) -> ScriptDirectory:
    """Return Alembic's ScriptDirectory for the environment, loading no revision.

    ``file_template``, ``truncate_slug_length`` and ``timezone`` come from the
    environment's ini section as Alembic reads them.
    """
    options = _ini_options(environment)
    kwargs: dict[str, object] = {}
    if environment.file_template:
        kwargs["file_template"] = environment.file_template
    slug_length = options.get("truncate_slug_length")
    if slug_length:
        try:
            kwargs["truncate_slug_length"] = int(slug_length)
        except ValueError as exc:
            raise GenerateError(
                f"{environment.config_file}: truncate_slug_length must be a "
                f"whole number, not {slug_length!r}"
            ) from exc
    if options.get("timezone"):
        kwargs["timezone"] = options["timezone"]
    try:
        return ScriptDirectory(
            str(environment.script_location),
            version_locations=[str(p) for p in environment.version_locations],
            **kwargs,  # type: ignore[arg-type]
        )
    except CommandError as exc:
        raise GenerateError(f"{environment.script_location}: {exc}") from exc


def post_write_hooks(environment: Environment) -> list[str]:
    """Return the names of the ``[post_write_hooks]`` alembic.ini configures."""
    hooks = _ini_options(environment, "post_write_hooks", ("hooks",)).get("hooks")
    return hooks.replace(",", " ").split() if hooks else []


def _ini_options(
    environment: Environment,
    section: str = alembic_config.MAIN_SECTION,
    keys: tuple[str, ...] = ("truncate_slug_length", "timezone"),
) -> dict[str, str]:
    ini = environment.config_file
    if ini is None or ini.suffix != ".ini":
        return {}
    parser, _error = alembic_config.read_ini_sections(ini)
    if parser is None or not parser.has_section(section):
        return {}
    return {
        key: parser.get(section, key) for key in keys if parser.has_option(section, key)
    }


def create_date(directory: ScriptDirectory) -> datetime.datetime:
    """Return now, in the timezone the environment configures, as Alembic does."""
    try:
        return directory._generate_create_date()
    except CommandError as exc:
        raise GenerateError(f"{directory.dir}: {exc}") from exc


def revision_path(
    directory: ScriptDirectory, environment: Environment, revision: Revision
) -> Path:
    """Return the path of the new revision file by the project's file_template."""
    folder = _version_folder(environment)
    return Path(
        directory._rev_path(
            folder, revision.revision_id, revision.message, revision.create_date
        )
    )


def _version_folder(environment: Environment) -> Path:
    # NOTE: with several version locations Alembic uses the head revision's
    # folder; the first location is used here.
    if environment.version_locations:
        return environment.version_locations[0]
    return environment.script_location / "versions"


def render_revision(
    environment: Environment, revision: Revision, body: dict[str, str]
) -> str:
    """Return the revision file: the project's script.py.mako, filled in."""
    template_path = environment.script_location / TEMPLATE_NAME
    if not template_path.is_file():
        raise GenerateError(
            f"{template_path} is missing: Alembic renders new revisions from it; "
            "copy the one `alembic init` writes"
        )
    try:
        template = Template(filename=str(template_path))
        text: str = template.render_unicode(
            up_revision=revision.revision_id,
            down_revision=tuple_rev_as_scalar(revision.down_revision),
            branch_labels=None,
            depends_on=None,
            create_date=revision.create_date,
            comma=format_as_comma,
            message=revision.message,
            **body,
        )
    except Exception as exc:  # noqa: BLE001 - a template may raise anything
        raise GenerateError(f"{template_path}: cannot be rendered: {exc}") from exc
    return text
