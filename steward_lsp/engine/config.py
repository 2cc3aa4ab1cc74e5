"""Settings: one typed tree, read from ``[tool.steward]`` and then the client.

Each field documents itself in its ``metadata["doc"]``; the VS Code
``package.json`` and the settings reference are generated from these fields,
so a setting is declared once, here.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steward_lsp.engine.rules_catalogue import CODE_SELECTOR_ADVICE, matches_some_rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration value is invalid; the message names file and key.

    ``partial`` contains the settings with every valid key applied, when the
    error is about some keys only, so a caller can drop just those.
    ``messages`` lists one message per invalid key, to report one per line.
    """

    def __init__(
        self,
        message: str,
        partial: Settings | None = None,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.partial = partial
        self.messages = messages or [message]


class InvalidTomlError(ConfigError):
    """A pyproject.toml is not valid TOML, so none of its settings are known."""


def invalid_toml(pyproject: Path, exc: tomllib.TOMLDecodeError) -> InvalidTomlError:
    """Return the error for ``exc``, with the file, line and column first."""
    text = str(exc)
    # tomllib ends its messages with "(at line L, column C)" (Python 3.11+).
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    where = str(pyproject)
    if match is not None:
        where = f"{pyproject}:{match.group(1)}:{match.group(2)}"
        text = text[: match.start()]
    return InvalidTomlError(
        f"{where}: invalid TOML: {text}; fix the file, because steward cannot "
        "read its [tool.steward] settings"
    )


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


# SQLAlchemy's names of the dialects whose rules steward applies.
DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle")


@dataclass
class Settings:
    """steward settings, with defaults that fit the QuantumNotary schema."""

    ledger_id_patterns: list[str] = field(
        default_factory=lambda: [
            "ledger_id",
            "*_ledger_id",
            "tx_hash",
            "*_tx_hash",
            "anchor_id",
            "*_anchor_id",
        ],
        metadata=_doc("Column-name glob patterns that mark a ledger-id column."),
    )
    chain_id_patterns: list[str] = field(
        default_factory=lambda: ["chain_id", "network", "*_chain_id"],
        metadata=_doc("Column-name glob patterns that mark a chain or network id."),
    )
    ledger_id_min_length: int = field(
        default=64,
        metadata=_doc("Minimum length of a string ledger-id column, in characters."),
    )
    pii_patterns: dict[str, list[str]] = field(
        default_factory=lambda: {
            "email": ["email", "*_email", "email_*"],
            "phone": ["phone", "*_phone", "phone_*", "mobile"],
            "name": ["first_name", "last_name", "full_name", "*_name_personal"],
            "address": ["address", "*_address", "street", "postcode", "zip_code"],
            "national_id": ["ssn", "national_id", "passport_*", "tax_id"],
            "ip": ["ip", "ip_address", "*_ip", "remote_addr"],
        },
        metadata=_doc("PII class to column-name glob patterns that suggest it."),
    )
    models: list[str] = field(
        default_factory=list,
        metadata=_doc(
            "Model modules or files to read, when env.py does not name them "
            "through target_metadata."
        ),
    )
    dialect: str | None = field(
        default=None,
        metadata=_doc(
            "Database dialect, as SQLAlchemy names it: postgresql, mysql, "
            "mariadb, sqlite, mssql or oracle. Read from sqlalchemy.url in "
            "alembic.ini when unset. When neither gives it, STW306 is skipped "
            "and steward shows a note."
        ),
    )
    select: list[str] = field(
        default_factory=list,
        metadata=_doc("Rule codes or prefixes to report; all rules when empty."),
    )
    ignore: list[str] = field(
        default_factory=list,
        metadata=_doc("Rule codes or prefixes never to report."),
    )
    per_file_ignores: dict[str, list[str]] = field(
        default_factory=dict,
        metadata=_doc("File glob to rule codes ignored in matching files."),
    )
    exclude_tables: list[str] = field(
        default_factory=list,
        metadata=_doc("Table-name glob patterns left out of drift comparison."),
    )
    exclude: list[str] = field(
        default_factory=list,
        metadata=_doc(
            "Folder glob patterns, relative to the workspace root, that "
            "discovery does not search for Alembic environments or models "
            "(fixture projects, vendored code)."
        ),
    )
    allowed_heads: int = field(
        default=1,
        metadata=_doc("Number of heads an environment may have before STW401."),
    )
    head_branches: list[str] = field(
        default_factory=list,
        metadata=_doc(
            "Branch labels whose heads are intended (a plugin chain, an "
            "expand/contract pair): a head on such a branch does not count "
            "toward allowed_heads."
        ),
    )
    deep: bool = field(
        default=False,
        metadata=_doc(
            "Run the deep engine (the project's migrations and env.py on a "
            "scratch database, compared with Alembic) in steward check and, in "
            "the editor, on save. It executes the project's code."
        ),
    )
    python: str | None = field(
        default=None,
        metadata=_doc(
            "Python interpreter that runs the project's revision files on a "
            "scratch database (verify-migrations, the round trip of "
            "author-migration, the deep engine): a path, relative to the "
            "folder of alembic.ini, or a command on PATH. It needs SQLAlchemy and "
            "Alembic installed. Steward's own interpreter when unset."
        ),
    )
    scratch_url: str | None = field(
        default=None,
        metadata=_doc(
            "SQLAlchemy URL of a PostgreSQL or MySQL/MariaDB server on which "
            "steward creates a scratch database for each run (named "
            "steward_scratch_ and a random suffix) and drops it after; a "
            "temporary SQLite file when unset. The STEWARD_SCRATCH_URL "
            "environment variable, when set, takes its place. "
            "The database named in the URL is only connected to, never written."
        ),
    )
    database_url_env: str = field(
        default="DATABASE_URL",
        metadata=_doc(
            "Environment variable holding the live database URL, which the "
            "STW111 check and the EXPLAIN plans of optimize-db read."
        ),
    )
    output_dir: str = field(
        default="docs",
        metadata=_doc(
            "Folder, relative to the project root, for the documents the "
            "generator commands write."
        ),
    )
    rollback_slo: float = field(
        default=5.0,
        metadata=_doc(
            "Maximum time a downgrade may take in the round trip on the "
            "scratch database, in seconds; a slower downgrade fails "
            "verify-migrations."
        ),
    )


def settings_fields() -> list[dataclasses.Field[Any]]:
    """Return the fields of :class:`Settings` in declaration order."""
    return list(dataclasses.fields(Settings))


def merge_settings(base: Settings, values: dict[str, Any], source: str) -> Settings:
    """Return ``base`` updated with ``values``, validating each key.

    Keys may be spelled with dashes or underscores. Raises :class:`ConfigError`
    naming ``source`` and each key that is unknown or has an invalid value
    (wrong type, unknown dialect, unknown rule code). Its ``partial``
    contains the result with the other keys applied.
    """
    known = {f.name: f for f in settings_fields()}
    updates: dict[str, Any] = {}
    errors: list[str] = []
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            errors.append(f"{source}: unknown setting {raw_key!r}")
            continue
        try:
            updates[key] = _check_value(known[key], value, source, raw_key)
        except ConfigError as exc:
            errors.append(str(exc))
    merged = dataclasses.replace(base, **updates)
    if errors:
        raise ConfigError("; ".join(errors), partial=merged, messages=errors)
    return merged


def _check_value(fld: dataclasses.Field[Any], value: Any, source: str, key: str) -> Any:
    if callable(fld.default_factory):
        default = fld.default_factory()
    else:
        default = fld.default
    if value is None:
        return default
    expected: type | tuple[type, ...]
    if isinstance(default, bool):
        expected = bool
    elif isinstance(default, float):
        expected = (int, float)
    elif isinstance(default, int):
        expected = int
    elif isinstance(default, list):
        expected = list
    elif isinstance(default, dict):
        expected = dict
    else:
        expected = str
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(
            f"{source}: setting {key!r} must be {_type_name(expected)}, got {value!r}"
        )
    # Every list setting is a list of strings, and every table maps strings
    # to lists of strings (tests/editors/test_settings_schema.py checks it).
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{source}: setting {key!r} must be a list of strings, got {value!r}"
        )
    if isinstance(value, dict):
        for name, item in value.items():
            _check_table_entry(name, item, source, key)
    check = _VALUE_CHECKS.get(fld.name)
    return value if check is None else check(value, source, key)


def _check_table_entry(name: str, item: Any, source: str, key: str) -> None:
    if isinstance(item, list) and all(isinstance(entry, str) for entry in item):
        return
    if isinstance(item, str):
        raise ConfigError(
            f"{source}: setting {key!r} maps {name!r} to the string {item!r}, "
            f"where a list is expected; write {json.dumps([item])}"
        )
    raise ConfigError(
        f"{source}: setting {key!r} maps {name!r} to {item!r}, where a list "
        "of strings is expected"
    )


def _check_dialect(value: str, source: str, key: str) -> str | None:
    """Return the dialect name of ``value``, lower-case and without a driver.

    ``postgresql+psycopg`` gives ``postgresql``, and an empty string gives
    None (unset).
    """
    if not value.strip():
        return None
    name = value.strip().split("+", 1)[0].lower()
    if name in DIALECTS:
        return name
    # SQLAlchemy (2.1.9 checked) has no "postgres" dialect, so the setting
    # rejects that name too, and the close match suggests postgresql.
    close = difflib.get_close_matches(name, DIALECTS, n=1)
    advice = f'write "{close[0]}"' if close else "write one of them"
    raise ConfigError(
        f"{source}: setting {key!r} is {value!r}, which is not a SQLAlchemy "
        f"dialect that steward supports ({', '.join(DIALECTS)}); {advice}"
    )


def _check_code_list(value: list[str], source: str, key: str) -> list[str]:
    for selector in value:
        _check_code(selector, f"{source}: setting {key!r}")
    return value


def _check_code_table(
    value: dict[str, list[str]], source: str, key: str
) -> dict[str, list[str]]:
    for pattern, selectors in value.items():
        for selector in selectors:
            _check_code(selector, f"{source}: setting {key!r} for {pattern!r}")
    return value


def _check_code(selector: str, where: str) -> None:
    """Raise ConfigError when ``selector`` is no rule code or prefix of one.

    Blank selectors match nothing and are skipped, as the ignore rules do.
    """
    code = selector.strip().upper()
    if code and not matches_some_rule(code):
        raise ConfigError(
            f"{where}: {selector!r} matches no rule code; {CODE_SELECTOR_ADVICE}"
        )


def _at_least(
    minimum: float, exclusive: bool = False
) -> Callable[[Any, str, str], Any]:
    """Return a check that a number setting is at least (or above) ``minimum``."""

    def check(value: Any, source: str, key: str) -> Any:
        if value > minimum or (value == minimum and not exclusive):
            return value
        bound = f"above {minimum:g}" if exclusive else f"{minimum:g} or more"
        raise ConfigError(f"{source}: setting {key!r} must be {bound}, got {value!r}")

    return check


# Checks of a value beyond its type, by field name. Each returns the value to
# store or raises ConfigError.
_VALUE_CHECKS: dict[str, Callable[[Any, str, str], Any]] = {
    "dialect": _check_dialect,
    "select": _check_code_list,
    "ignore": _check_code_list,
    "per_file_ignores": _check_code_table,
    "allowed_heads": _at_least(1),
    "ledger_id_min_length": _at_least(0),
    "rollback_slo": _at_least(0, exclusive=True),
}


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return "a number"
    return {
        bool: "true or false",
        int: "an integer",
        list: "a list",
        dict: "a table",
        str: "a string",
    }[expected]


def load_pyproject_settings(pyproject: Path) -> Settings:
    """Read ``[tool.steward]`` from ``pyproject``; defaults when absent.

    Raises :class:`InvalidTomlError` when the file is not valid TOML, and
    :class:`ConfigError` when a value is invalid.
    """
    if not pyproject.is_file():
        return Settings()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise invalid_toml(pyproject, exc) from exc
    except UnicodeDecodeError as exc:
        raise InvalidTomlError(
            f"{pyproject}: not UTF-8 ({exc.reason} at byte {exc.start}); TOML "
            "files are UTF-8, so save it as UTF-8"
        ) from exc
    section = data.get("tool", {}).get("steward", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.steward] must be a table")
    return merge_settings(Settings(), section, f"{pyproject} [tool.steward]")
