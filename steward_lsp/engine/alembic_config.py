"""Reading Alembic's own configuration: alembic.ini and ``[tool.alembic]``.

The rules follow ``alembic/config.py`` of Alembic 1.16 to 1.20. The ini file
is read with :class:`configparser.ConfigParser` with ``here`` as a default,
so ``%(here)s`` expands to the ini folder. Ini options take priority over
``[tool.alembic]`` in the pyproject.toml beside it. ``version_locations`` is
split on ``path_separator`` (or the deprecated ``version_path_separator``),
``prepend_sys_path`` on ``path_separator`` only, and either on Alembic's
legacy separators when none is set. A separator is read only when the list
it splits is set, so an unused invalid one is no problem, as in Alembic.
"""

from __future__ import annotations

import configparser
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)

MAIN_SECTION = "alembic"

_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
# Alembic's legacy splitting when no path_separator is configured.
_LEGACY_VERSION_SPLIT = re.compile(r", *|(?: +)")
_LEGACY_SYS_PATH_SPLIT = re.compile(r", *|(?: +)|\:")

# Dialect names as they appear before "+driver" in a SQLAlchemy URL.
_DIALECTS = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    # NOTE: MariaDB is analysed with MySQL's rules; SQLAlchemy's mariadb
    # dialect is a thin variant of its mysql one.
    "mariadb": "mysql",
    "oracle": "oracle",
    "mssql": "mssql",
}


@dataclass
class AlembicConfig:
    """The options of one Alembic configuration section, as Alembic reads them.

    ``source`` names where they came from (``alembic.ini [alembic]``) for
    messages. Paths are still strings as written, after ``%(here)s``
    expansion; :mod:`steward_lsp.engine.discovery` resolves them. ``dialect``
    is only the dialect name of ``sqlalchemy.url``, never the URL itself,
    which may hold credentials.
    """

    folder: Path
    source: str
    section: str = MAIN_SECTION
    ini_file: Path | None = None
    toml_file: Path | None = None
    script_location: str | None = None
    version_locations: list[str] | None = None
    prepend_sys_path: list[str] = field(default_factory=list)
    file_template: str | None = None
    dialect: str | None = None
    problems: list[str] = field(default_factory=list)


def read_ini_sections(ini_file: Path) -> tuple[configparser.ConfigParser | None, str]:
    """Parse ``ini_file`` as Alembic does; return the parser or None and an error."""
    ini_folder = ini_file.resolve().parent.as_posix()
    parser = configparser.ConfigParser(defaults={"here": ini_folder})
    try:
        with ini_file.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except UnicodeDecodeError as exc:
        return None, (
            f"{ini_file}: not UTF-8 (byte {exc.object[exc.start]:#04x} at offset "
            f"{exc.start}), and steward reads ini files as UTF-8; save it as UTF-8"
        )
    except configparser.MissingSectionHeaderError as exc:
        return None, (
            f"{ini_file}:{exc.lineno}: the file has no section header before its "
            f"first setting {exc.line.strip()!r}; add [alembic] above it, as "
            "`alembic init` writes it"
        )
    except (configparser.Error, OSError) as exc:
        # configparser messages span lines; one problem is printed per line.
        reason = " ".join(str(exc).split())
        return None, f"{ini_file}: cannot be read as an Alembic ini file: {reason}"
    return parser, ""


def environment_sections(parser: configparser.ConfigParser) -> list[str]:
    """Return the sections that configure an environment.

    Alembic reads ``[alembic]`` by default and another section with
    ``alembic --name SECTION``; any section with a ``script_location`` is one.
    An ``[alembic]`` without one is an environment only when no other section
    names one: Flask-Migrate passes script_location in code, while a file
    whose ``[core]`` and ``[tenant]`` each name one is run with ``--name``.
    """
    sections = [s for s in parser.sections() if parser.has_option(s, "script_location")]
    if MAIN_SECTION in parser.sections() and not sections:
        sections.insert(0, MAIN_SECTION)
    return sections


def read_tool_alembic(toml_file: Path) -> tuple[dict[str, object] | None, str]:
    """Return the ``[tool.alembic]`` table of ``toml_file`` (None when absent)."""
    try:
        text = toml_file.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, OSError) as exc:
        logger.warning("%s cannot be read: %s", toml_file, exc)
        return None, ""
    except tomllib.TOMLDecodeError as exc:
        # An invalid pyproject.toml of some other tool (a project template,
        # a vendored package) must not stop the check of this workspace.
        if "tool.alembic" not in text:
            logger.warning("%s is not valid TOML: %s", toml_file, exc)
            return None, ""
        return None, f"{toml_file}: invalid TOML: {exc}"
    tool = data.get("tool", {})
    table = tool.get("alembic") if isinstance(tool, dict) else None
    if table is None:
        return None, ""
    if not isinstance(table, dict):
        return None, f"{toml_file}: [tool.alembic] must be a table"
    return table, ""


def build_config(
    folder: Path,
    parser: configparser.ConfigParser | None,
    section: str,
    ini_file: Path | None,
    toml_table: dict[str, object] | None,
    toml_file: Path | None,
) -> AlembicConfig:
    """Combine an ini section and ``[tool.alembic]`` the way Alembic does."""
    source = f"{ini_file} [{section}]" if ini_file else f"{toml_file} [tool.alembic]"
    config = AlembicConfig(folder, source, section, ini_file, toml_file)
    reader = _OptionReader(config, parser, section, toml_table, toml_file)

    config.script_location = reader.string("script_location")
    config.file_template = reader.string("file_template")
    # Alembic reads a separator only to split a list that is set, and
    # prepend_sys_path ignores the deprecated version_path_separator.
    config.version_locations = reader.paths(
        "version_locations",
        ("path_separator", "version_path_separator"),
        _LEGACY_VERSION_SPLIT,
    )
    config.prepend_sys_path = (
        reader.paths("prepend_sys_path", ("path_separator",), _LEGACY_SYS_PATH_SPLIT)
        or []
    )
    url = reader.raw_ini("sqlalchemy.url")
    config.dialect = dialect_from_url(url) if url else None
    return config


def dialect_from_url(url: str) -> str | None:
    """Return the dialect name of a SQLAlchemy URL, or None when not literal.

    ``postgresql+psycopg://user:secret@host/db`` gives ``postgresql``. Only the
    scheme is looked at, so no credential leaves this function. Placeholders
    such as Alembic's template ``driver://user:pass@localhost/dbname`` or
    ``${DATABASE_URL}`` give None.
    """
    scheme, sep, _ = url.strip().partition(":")
    if not sep:
        return None
    backend = scheme.split("+", 1)[0].lower()
    return _DIALECTS.get(backend)


class _OptionReader:
    """Look up one option in the ini section first, then in ``[tool.alembic]``."""

    def __init__(
        self,
        config: AlembicConfig,
        parser: configparser.ConfigParser | None,
        section: str,
        toml_table: dict[str, object] | None,
        toml_file: Path | None,
    ) -> None:
        self.config = config
        self.parser = (
            parser if parser is not None and parser.has_section(section) else None
        )
        self.section = section
        self.toml = toml_table or {}
        toml_folder = toml_file.resolve().parent.as_posix() if toml_file else ""
        self.toml_args = {"here": toml_folder}
        self.toml_file = toml_file

    def ini(self, name: str) -> str | None:
        if self.parser is None or not self.parser.has_option(self.section, name):
            return None
        try:
            return self.parser.get(self.section, name)
        except configparser.Error as exc:
            self.config.problems.append(
                f"{self.config.source}: invalid value of {name!r}: {exc}; "
                "escape a literal % as %%"
            )
            return None

    def raw_ini(self, name: str) -> str | None:
        if self.parser is None or not self.parser.has_option(self.section, name):
            return None
        return self.parser.get(self.section, name, raw=True)

    def toml_value(self, name: str) -> object:
        value = self.toml.get(name)
        try:
            if isinstance(value, str):
                return value % self.toml_args
            if isinstance(value, list):
                return [
                    item % self.toml_args for item in value if isinstance(item, str)
                ]
        except (KeyError, ValueError) as exc:
            self.config.problems.append(
                f"{self.toml_file} [tool.alembic]: invalid value of {name!r}: "
                f"{exc!r}; escape a literal % as %%"
            )
            return None
        return value

    def string(self, name: str) -> str | None:
        value = self.ini(name)
        if value is not None:
            return value.strip() or None
        toml_value = self.toml_value(name)
        if toml_value is None:
            return None
        if not isinstance(toml_value, str):
            self.config.problems.append(
                f"{self.toml_file} [tool.alembic]: {name!r} must be a string"
            )
            return None
        return toml_value

    def separator(self, names: tuple[str, ...]) -> str | None:
        for name in names:
            value = self.string(name)
            if value is None:
                continue
            if value in _SEPARATORS:
                return _SEPARATORS[value]
            self.config.problems.append(
                f"{self.config.source}: {name} = {value!r} is not valid; use one "
                "of space, newline, os, ':' or ';'"
            )
            return None
        return None

    def paths(
        self, name: str, separator_names: tuple[str, ...], legacy: re.Pattern[str]
    ) -> list[str] | None:
        text = self.ini(name)
        if text:
            separator = self.separator(separator_names)
            if separator is None:
                return [part for part in legacy.split(text.strip()) if part]
            return [part.strip() for part in text.split(separator) if part.strip()]
        value = self.toml_value(name)
        if value is None:
            return None
        if isinstance(value, list):
            return [str(item) for item in value]
        self.config.problems.append(
            f"{self.toml_file} [tool.alembic]: {name!r} must be a list of strings"
        )
        return None
