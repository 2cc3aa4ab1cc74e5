"""Index and constraint drift: STW107 (indexes) and STW108 (constraints).

Autogenerate matches indexes by name, and named unique constraints by name
and unnamed ones by their columns. Primary keys are not compared. Foreign keys
and CHECK constraints are compared in :mod:`drift_foreign_keys`.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.drift_foreign_keys import (
    compare_checks,
    compare_foreign_keys,
)
from steward_lsp.engine.rules.drift_renames import (
    ShapeSides,
    convention_name_changes,
    name_change_findings,
)
from steward_lsp.engine.rules.scope import RevisionIndex, columns_text, finding_at
from steward_lsp.engine.rules.table_shape import (
    IndexShape,
    UniqueShape,
    reconcile_unique_kinds,
    table_indexes,
    table_uniques,
)
from steward_lsp.engine.schema import TableDef

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
    convention = context.model_schema.convention_of(model)
    dialect = context.dialect
    model_indexes = table_indexes(model, convention)
    model_uniques = table_uniques(model, convention)
    head_indexes = table_indexes(head, convention)
    head_uniques = table_uniques(head, convention)
    # An index= or unique= flag the parser could not read leaves the
    # indexes and unique constraints on that column unknown, so none of
    # them is compared.
    unread = {
        column.name
        for column in model.columns.values()
        if column.unread & {"index", "unique"}
    }
    if unread:
        model_indexes = [i for i in model_indexes if not unread & set(i.expressions)]
        head_indexes = [i for i in head_indexes if not unread & set(i.expressions)]
        model_uniques = [u for u in model_uniques if not unread & set(u.columns)]
        head_uniques = [u for u in head_uniques if not unread & set(u.columns)]
    if dialect in _UNIQUE_IS_INDEX:
        head_indexes, head_uniques = reconcile_unique_kinds(
            model_indexes, model_uniques, head_indexes, head_uniques
        )
    sides = ShapeSides(model_indexes, model_uniques, head_indexes, head_uniques)
    changes = convention_name_changes(model.name, sides, convention, dialect)
    rest = sides.without(changes)
    return [
        *name_change_findings(model, changes, dialect, revisions),
        *_compare_indexes(
            model, rest.model_indexes, rest.head_indexes, dialect, revisions
        ),
        *_compare_uniques(
            model, head, rest.model_uniques, rest.head_uniques, dialect, revisions
        ),
        *compare_foreign_keys(model, head, dialect, revisions),
        *compare_checks(model, head, convention, revisions),
    ]


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
                f"index {index.name} on {model.key}{columns_text(index.expressions)} "
                "is declared by the model but missing at head; author a migration "
                "that creates it"
            )
            findings.extend(
                finding_at(
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
                finding_at(
                    "STW107",
                    message,
                    index.location or model.location,
                    related,
                    _index_data(model, index, existing),
                )
            )
        elif _same_predicate(index, existing, dialect) is False:
            findings.extend(
                _predicate_finding(model, index, existing, dialect, revisions)
            )
    for existing in head_indexes:
        if existing.name is None or existing.name in model_names:
            continue
        columns = columns_text(existing.expressions)
        message = (
            f"index {existing.name} on {model.key}{columns} exists at head"
            f"{revisions.describe(existing.location)} but the model "
            "does not declare it; declare it in the model or author a migration "
            "that drops it"
        )
        related = revisions.related(existing.location, f"index {existing.name} built")
        findings.extend(
            finding_at(
                "STW107",
                message,
                model.location,
                related,
                _index_data(model, None, existing),
            )
        )
    return findings


def _same_predicate(
    model: IndexShape, head: IndexShape, dialect: str | None
) -> bool | None:
    """Return whether two partial indexes have one predicate on ``dialect``.

    None means neither index is partial there.
    """
    model_where = model.predicate(dialect)
    head_where = head.predicate(dialect)
    if model_where is None and head_where is None:
        return None
    return _predicate_text(model_where) == _predicate_text(head_where)


def _predicate_text(text: str | None) -> str | None:
    if text is None:
        return None
    spaced = " ".join(text.split())
    while spaced.startswith("(") and spaced.endswith(")"):
        spaced = spaced[1:-1].strip()
    return spaced.lower()


def _predicate_finding(
    model: TableDef,
    index: IndexShape,
    existing: IndexShape,
    dialect: str | None,
    revisions: RevisionIndex,
) -> list[Finding]:
    """Report a partial index whose WHERE clause differs between the sides.

    Alembic (1.20) does not compare index predicates, so the finding carries
    ``alembic`` False, as other checks autogenerate never makes do.
    """
    model_where = index.predicate(dialect)
    head_where = existing.predicate(dialect)
    message = (
        f"index {index.name} on {model.key}: model says WHERE "
        f"{model_where or '(none)'}, migrations build WHERE "
        f"{head_where or '(none)'} at head{revisions.describe(existing.location)}; "
        "author a migration that recreates it (autogenerate does not compare "
        "index predicates)"
    )
    data = _index_data(model, index, existing)
    data["predicate"] = {"model": model_where, "head": head_where}
    data["alembic"] = False
    related = revisions.related(existing.location, f"index {index.name} built")
    location = index.location or model.location
    return finding_at("STW107", message, location, related, data)


def _is_expression_index(index: IndexShape) -> bool:
    return not all(_is_identifier(expr) for expr in index.expressions)


def _is_identifier(text: str) -> bool:
    return text.isidentifier()


def _index_text(index: IndexShape) -> str:
    kind = "UNIQUE " if index.unique else ""
    return f"{kind}{columns_text(index.expressions)}"


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
                f"{columns_text(unique.columns)} is declared by the model but "
                "missing at head; author a migration that creates it"
            )
            findings.extend(
                finding_at(
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
                f"{columns_text(unique.columns)}, migrations build "
                f"{columns_text(changed.columns)} at head"
                f"{revisions.describe(changed.location)}; author a migration that "
                "recreates it"
            )
            related = revisions.related(
                changed.location, f"constraint {unique.name} built"
            )
            findings.extend(
                finding_at(
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
            f"{columns_text(existing.columns)} exists at head"
            f"{revisions.describe(existing.location)} but the model does not declare "
            "it; declare it in the model or author a migration that drops it"
        )
        related = revisions.related(existing.location, "unique constraint built")
        findings.extend(
            finding_at(
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


def unmatched_table_indexes(
    table: TableDef,
    convention: dict[str, str],
    at_head: bool,
    revisions: RevisionIndex,
    dialect: str | None = None,
) -> list[Finding]:
    """Report the indexes of a table present on one side only.

    Autogenerate lists them beside the added or removed table (a
    ``create_index`` after ``create_table``, a ``drop_index`` before
    ``drop_table``), so they are drift findings of their own. On MySQL and
    MariaDB the unique constraints of a removed table are reflected as
    unique indexes, so they are listed too.
    """
    indexes = table_indexes(table, convention)
    if at_head and dialect in _UNIQUE_IS_INDEX:
        uniques = table_uniques(table, convention)
        indexes, _ = reconcile_unique_kinds([], [], indexes, uniques)
    findings: list[Finding] = []
    for index in indexes:
        if index.name is None:
            continue
        columns = columns_text(index.expressions)
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
        findings.extend(finding_at("STW107", message, location, [], data))
    return findings
