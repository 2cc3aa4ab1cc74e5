"""Index and constraint drift: STW107 (indexes) and STW108 (constraints).

Autogenerate matches indexes by name, named unique constraints by name and
unnamed ones by their columns, and foreign keys by their columns, referred
table and referred columns, ignoring names. Primary keys are not compared.
Alembic does not compare CHECK constraints at all. They are reported here only
when a named constraint is present on one side and absent on the other.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding, RelatedLocation
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.scope import RevisionIndex, normalize_schema
from steward_lsp.engine.rules.table_shape import (
    IndexShape,
    UniqueShape,
    reconcile_unique_kinds,
    table_indexes,
    table_uniques,
)
from steward_lsp.engine.schema import ForeignKeyDef, Location, TableDef

# Dialects whose reflection names an unnamed unique constraint, so an extra
# unnamed one at head shows up in Alembic's comparison. SQLite reports it
# without a name and Alembic then cannot list it as removed.
_UNNAMED_UNIQUE_INVISIBLE = {"sqlite"}

# Dialects whose unique constraints are unique indexes.
_UNIQUE_IS_INDEX = {"mysql", "mariadb"}


def compare_constraints(
    model: TableDef, head: TableDef, context: RuleContext, revisions: RevisionIndex
) -> list[Finding]:
    """Compare indexes, unique, foreign-key and check constraints of a table."""
    convention = context.model_schema.naming_convention
    dialect = context.dialect
    model_indexes = table_indexes(model, convention)
    model_uniques = table_uniques(model, convention)
    head_indexes = table_indexes(head, convention)
    head_uniques = table_uniques(head, convention)
    if dialect in _UNIQUE_IS_INDEX:
        head_indexes, head_uniques = reconcile_unique_kinds(
            model_indexes, model_uniques, head_indexes, head_uniques
        )
    return [
        *_compare_indexes(model, model_indexes, head_indexes, dialect, revisions),
        *_compare_uniques(model, head, model_uniques, head_uniques, dialect, revisions),
        *_compare_foreign_keys(model, head, dialect, revisions),
        *_compare_checks(model, head, convention, revisions),
    ]


def _columns_text(columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(columns) + ")"


def _compare_indexes(
    model: TableDef,
    model_indexes: list[IndexShape],
    head_indexes: list[IndexShape],
    dialect: str | None,
    revisions: RevisionIndex,
) -> list[Finding]:
    head_by_name = {i.name: i for i in head_indexes if i.name}
    model_names = {i.name for i in model_indexes if i.name}
    findings: list[Finding] = []
    for index in model_indexes:
        if index.name is None:
            continue
        existing = head_by_name.get(index.name)
        if existing is None and _is_expression_index(index) and dialect == "sqlite":
            # Alembic skips expression indexes that SQLite cannot reflect.
            continue
        if existing is None:
            message = (
                f"index {index.name} on {model.key}{_columns_text(index.expressions)} "
                "is declared by the model but missing at head; author a migration "
                "that creates it"
            )
            findings.extend(
                _finding(
                    "STW107",
                    message,
                    index.location or model.location,
                    [],
                    _index_data(model, index, None),
                )
            )
        elif _is_expression_index(index) or _is_expression_index(existing):
            # Each side spells expression text its own way, so only the name
            # is compared.
            continue
        elif (existing.expressions, existing.unique) != (
            index.expressions,
            index.unique,
        ):
            message = (
                f"index {index.name} on {model.key}: model says "
                f"{_index_text(index)}, migrations build {_index_text(existing)} at "
                f"head{revisions.describe(existing.location)}; author a migration "
                "that recreates it"
            )
            related = revisions.related(existing.location, f"index {index.name} built")
            findings.extend(
                _finding(
                    "STW107",
                    message,
                    index.location or model.location,
                    related,
                    _index_data(model, index, existing),
                )
            )
    for existing in head_indexes:
        if existing.name is None or existing.name in model_names:
            continue
        columns = _columns_text(existing.expressions)
        message = (
            f"index {existing.name} on {model.key}{columns} exists at head"
            f"{revisions.describe(existing.location)} but the model "
            "does not declare it; declare it in the model or author a migration "
            "that drops it"
        )
        related = revisions.related(existing.location, f"index {existing.name} built")
        findings.extend(
            _finding(
                "STW107",
                message,
                model.location,
                related,
                _index_data(model, None, existing),
            )
        )
    return findings


def _is_expression_index(index: IndexShape) -> bool:
    return not all(_is_identifier(expr) for expr in index.expressions)


def _is_identifier(text: str) -> bool:
    return text.isidentifier()


def _index_text(index: IndexShape) -> str:
    kind = "UNIQUE " if index.unique else ""
    return f"{kind}{_columns_text(index.expressions)}"


def _index_data(
    table: TableDef, model: IndexShape | None, head: IndexShape | None
) -> dict[str, object]:
    data: dict[str, object] = {"table": table.key, "kind": "index"}
    named = model or head
    if named is not None:
        data["index"] = named.name
    if model is not None:
        data["model"] = {"columns": list(model.expressions), "unique": model.unique}
    if head is not None:
        data["head"] = {"columns": list(head.expressions), "unique": head.unique}
    return data


def _compare_uniques(
    model: TableDef,
    head: TableDef,
    model_uniques: list[UniqueShape],
    head_uniques: list[UniqueShape],
    dialect: str | None,
    revisions: RevisionIndex,
) -> list[Finding]:
    head_by_name = {u.name: u for u in head_uniques if u.name}
    head_signatures = {frozenset(u.columns) for u in head_uniques}
    model_names = {u.name for u in model_uniques if u.name}
    unnamed_model_signatures = {
        frozenset(u.columns) for u in model_uniques if not u.name
    }
    findings: list[Finding] = []
    for unique in model_uniques:
        if unique.name is None:
            missing = frozenset(unique.columns) not in head_signatures
            changed = None
        else:
            changed = head_by_name.get(unique.name)
            missing = changed is None
        if missing:
            message = (
                f"unique constraint {_unique_label(unique)} on {model.key}"
                f"{_columns_text(unique.columns)} is declared by the model but "
                "missing at head; author a migration that creates it"
            )
            findings.extend(
                _finding(
                    "STW108",
                    message,
                    unique.location or model.location,
                    [],
                    _unique_data(model, unique, None),
                )
            )
        elif changed is not None and set(changed.columns) != set(unique.columns):
            message = (
                f"unique constraint {unique.name} on {model.key}: model says "
                f"{_columns_text(unique.columns)}, migrations build "
                f"{_columns_text(changed.columns)} at head"
                f"{revisions.describe(changed.location)}; author a migration that "
                "recreates it"
            )
            related = revisions.related(
                changed.location, f"constraint {unique.name} built"
            )
            findings.extend(
                _finding(
                    "STW108",
                    message,
                    unique.location or model.location,
                    related,
                    _unique_data(model, unique, changed),
                )
            )
    for existing in head_uniques:
        signature = frozenset(existing.columns)
        if existing.name is None:
            if dialect in _UNNAMED_UNIQUE_INVISIBLE:
                continue
            if signature in unnamed_model_signatures or any(
                frozenset(u.columns) == signature for u in model_uniques
            ):
                continue
        elif existing.name in model_names or signature in unnamed_model_signatures:
            continue
        message = (
            f"unique constraint {_unique_label(existing)} on {head.key}"
            f"{_columns_text(existing.columns)} exists at head"
            f"{revisions.describe(existing.location)} but the model does not declare "
            "it; declare it in the model or author a migration that drops it"
        )
        related = revisions.related(existing.location, "unique constraint built")
        findings.extend(
            _finding(
                "STW108",
                message,
                model.location,
                related,
                _unique_data(model, None, existing),
            )
        )
    return findings


def _unique_label(unique: UniqueShape) -> str:
    return unique.name or "(unnamed)"


def _unique_data(
    table: TableDef, model: UniqueShape | None, head: UniqueShape | None
) -> dict[str, object]:
    data: dict[str, object] = {"table": table.key, "kind": "unique"}
    if model is not None:
        data["model"] = {"name": model.name, "columns": list(model.columns)}
    if head is not None:
        data["head"] = {"name": head.name, "columns": list(head.columns)}
    return data


def _fk_signature(
    fk: ForeignKeyDef, dialect: str | None
) -> tuple[tuple[str, ...], str | None, str, tuple[str, ...], str | None, str | None]:
    return (
        fk.columns,
        normalize_schema(fk.referred_schema, dialect),
        fk.referred_table,
        fk.referred_columns,
        _fk_action(fk.ondelete, dialect),
        _fk_action(fk.onupdate, dialect),
    )


def _fk_action(action: str | None, dialect: str | None) -> str | None:
    if action is None:
        return None
    upper = " ".join(action.upper().split())
    # NO ACTION is every dialect's default, and MySQL reports RESTRICT as unset.
    if upper == "NO ACTION" or (
        upper == "RESTRICT" and dialect in ("mysql", "mariadb")
    ):
        return None
    return upper


def _fk_text(fk: ForeignKeyDef) -> str:
    referred = (
        f"{fk.referred_schema}.{fk.referred_table}"
        if fk.referred_schema
        else fk.referred_table
    )
    text = (
        f"{_columns_text(fk.columns)} -> {referred}{_columns_text(fk.referred_columns)}"
    )
    if fk.ondelete:
        text += f" ON DELETE {fk.ondelete.upper()}"
    if fk.onupdate:
        text += f" ON UPDATE {fk.onupdate.upper()}"
    return text


def _compare_foreign_keys(
    model: TableDef, head: TableDef, dialect: str | None, revisions: RevisionIndex
) -> list[Finding]:
    model_fks = {_fk_signature(fk, dialect): fk for fk in model.all_foreign_keys()}
    head_fks = {_fk_signature(fk, dialect): fk for fk in head.all_foreign_keys()}
    findings: list[Finding] = []
    for signature, fk in model_fks.items():
        if signature in head_fks:
            continue
        message = (
            f"foreign key {_fk_text(fk)} on {model.key} is declared by the model but "
            "missing at head; author a migration that creates it"
        )
        location = fk.location or _column_location(model, fk) or model.location
        findings.extend(
            _finding(
                "STW108",
                message,
                location,
                [],
                {"table": model.key, "kind": "foreign_key", "model": _fk_data(fk)},
            )
        )
    for signature, fk in head_fks.items():
        if signature in model_fks:
            continue
        message = (
            f"foreign key {_fk_text(fk)} on {head.key} exists at head"
            f"{revisions.describe(fk.location)} but the model does not declare it; "
            "declare it in the model or author a migration that drops it"
        )
        related = revisions.related(fk.location, "foreign key built")
        findings.extend(
            _finding(
                "STW108",
                message,
                model.location,
                related,
                {"table": model.key, "kind": "foreign_key", "head": _fk_data(fk)},
            )
        )
    return findings


def _column_location(table: TableDef, fk: ForeignKeyDef) -> Location | None:
    if len(fk.columns) == 1 and fk.columns[0] in table.columns:
        return table.columns[fk.columns[0]].location
    return None


def _fk_data(fk: ForeignKeyDef) -> dict[str, object]:
    return {
        "name": fk.name,
        "columns": list(fk.columns),
        "referred_schema": fk.referred_schema,
        "referred_table": fk.referred_table,
        "referred_columns": list(fk.referred_columns),
        "ondelete": fk.ondelete,
        "onupdate": fk.onupdate,
    }


def _compare_checks(
    model: TableDef,
    head: TableDef,
    convention: dict[str, str],
    revisions: RevisionIndex,
) -> list[Finding]:
    """Report named CHECK constraints present on one side only.

    Alembic's autogenerate does not compare CHECK constraints, so these
    findings have no counterpart in ``compare_metadata``; ``data["alembic"]``
    is false to say so. Unnamed checks are never reported, because their SQL
    text is spelled differently by each side and by each database.
    """
    model_names = _check_names(model, convention)
    head_names = _check_names(head, convention)
    findings: list[Finding] = []
    for check in model.checks:
        names = _names_of(check.name, model.name, convention)
        if names and not names & head_names:
            message = (
                f"check constraint {check.name} on {model.key} is declared by the "
                "model but missing at head; author a migration that creates it"
            )
            findings.extend(
                _finding(
                    "STW108",
                    message,
                    check.location or model.location,
                    [],
                    {
                        "table": model.key,
                        "kind": "check",
                        "name": check.name,
                        "alembic": False,
                    },
                )
            )
    for check in head.checks:
        names = _names_of(check.name, head.name, convention)
        if names and not names & model_names:
            message = (
                f"check constraint {check.name} on {head.key} exists at head"
                f"{revisions.describe(check.location)} but the model does not "
                "declare it; declare it in the model or author a migration that "
                "drops it"
            )
            related = revisions.related(check.location, f"check {check.name} built")
            findings.extend(
                _finding(
                    "STW108",
                    message,
                    model.location,
                    related,
                    {
                        "table": head.key,
                        "kind": "check",
                        "name": check.name,
                        "alembic": False,
                    },
                )
            )
    return findings


def _check_names(table: TableDef, convention: dict[str, str]) -> set[str]:
    names: set[str] = set()
    for check in table.checks:
        names |= _names_of(check.name, table.name, convention)
    return names


def _names_of(name: str | None, table: str, convention: dict[str, str]) -> set[str]:
    # ``op.f()`` marks a name as final, which source text alone cannot always
    # tell, so both the name as written and its convention form count.
    if name is None:
        return set()
    final = convention_name(convention, "ck", table, (), name)
    return {name, final} if final else {name}


def _finding(
    code: str,
    message: str,
    location: Location | None,
    related: list[RelatedLocation],
    data: dict[str, object],
) -> list[Finding]:
    if location is None:
        return []
    return [Finding(code, message, location, related=related, data=data)]


def unmatched_table_indexes(
    table: TableDef,
    convention: dict[str, str],
    at_head: bool,
    revisions: RevisionIndex,
) -> list[Finding]:
    """Report the indexes of a table present on one side only.

    Autogenerate lists them beside the added or removed table (a
    ``create_index`` after ``create_table``, a ``drop_index`` before
    ``drop_table``), so they are drift findings of their own.
    """
    findings: list[Finding] = []
    for index in table_indexes(table, convention):
        if index.name is None:
            continue
        columns = _columns_text(index.expressions)
        if at_head:
            message = (
                f"index {index.name} on {table.key}{columns} exists at head"
                f"{revisions.describe(index.location)} with a table no model "
                "declares; the migration that drops the table drops it too"
            )
            data = _index_data(table, None, index)
        else:
            message = (
                f"index {index.name} on {table.key}{columns} is declared by the "
                "model but its table is missing at head; the migration that "
                "creates the table must create it too"
            )
            data = _index_data(table, index, None)
        location = index.location or table.location
        findings.extend(_finding("STW107", message, location, [], data))
    return findings
