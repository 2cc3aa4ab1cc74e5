"""Drift between the model schema and the head schema: STW101-STW109.

The comparison mirrors Alembic's autogenerate (``alembic.autogenerate.compare``
in Alembic 1.20): tables by schema and name, then within each table present
on both sides its columns, indexes, unique and foreign-key constraints. A
table whose head shape is uncertain is left out entirely, since its drift
cannot be known.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.drift_columns import compare_columns
from steward_lsp.engine.rules.drift_constraints import (
    compare_constraints,
    unmatched_table_indexes,
)
from steward_lsp.engine.rules.scope import RevisionIndex, TablePair, pair_tables
from steward_lsp.engine.schema import SchemaState, TableDef


def check_drift(context: RuleContext) -> list[Finding]:
    """Compare the model schema with the head schema and report drift.

    An environment without model files (env.py sets ``target_metadata =
    None``) has nothing to compare, and Alembic refuses to autogenerate for
    it, so no drift is reported. Neither is it when the models found declare
    no table while the chain builds some (a configuration problem), or while
    a model file has no parse at all (a syntax error on the first read),
    because the tables that file declares are unknown.
    """
    if not context.environment.model_files or context.models_unusable:
        return []
    if context.unparsed_model_files:
        # A model file that never parsed may declare any table, so every
        # comparison against the models would be a guess.
        return []
    if context.head_uncertain_everywhere():
        return []
    revisions = RevisionIndex(context.scripts, context.replay_result.history)
    findings: list[Finding] = _other_binds(context.model_schema)
    pairs = pair_tables(
        context.model_schema,
        context.head_schema,
        context.environment.compare,
        context.settings.exclude_tables,
        context.dialect,
    )
    for pair in pairs:
        if _is_uncertain(pair, context):
            continue
        if pair.model is not None and pair.model.bind_key is not None:
            continue
        convention = context.model_schema.naming_convention
        if pair.model is not None:
            convention = context.model_schema.convention_of(pair.model)
        if pair.model is not None and pair.head is None:
            findings.extend(_table_missing_at_head(pair.model))
            findings.extend(
                unmatched_table_indexes(pair.model, convention, False, revisions)
            )
        elif pair.model is None and pair.head is not None:
            findings.extend(_table_missing_from_model(pair.head, revisions))
            findings.extend(
                unmatched_table_indexes(
                    pair.head, convention, True, revisions, context.dialect
                )
            )
        elif pair.model is not None and pair.head is not None:
            findings.extend(compare_columns(pair.model, pair.head, context, revisions))
            findings.extend(
                compare_constraints(pair.model, pair.head, context, revisions)
            )
    return findings


def _other_binds(model_schema: SchemaState) -> list[Finding]:
    """Report, once per Flask-SQLAlchemy bind, that its tables are not compared.

    A bind is another database. Flask-Migrate's multi-database template
    migrates it with the ``upgrade_<bind>()`` functions of each revision,
    while the head steward replays is the default database's, so comparing
    those tables with it would report every one missing.
    """
    by_bind: dict[str, list[TableDef]] = {}
    for table in model_schema.tables.values():
        if table.bind_key is not None:
            by_bind.setdefault(table.bind_key, []).append(table)
    findings: list[Finding] = []
    for bind_key, tables in sorted(by_bind.items()):
        located = [t for t in tables if t.location is not None]
        if not located:
            continue
        names = ", ".join(sorted(t.key for t in tables))
        message = (
            f"the tables of Flask-SQLAlchemy bind {bind_key!r} ({names}) belong "
            "to another database, and steward compares only the default "
            "database's tables with this migration chain, so their drift is "
            "not checked"
        )
        location = located[0].location
        assert location is not None
        findings.append(
            Finding(
                "STW100",
                message,
                location,
                severity=Severity.INFORMATION,
                data={"bind_key": bind_key},
            )
        )
    return findings


def _is_uncertain(pair: TablePair, context: RuleContext) -> bool:
    tables = [t for t in (pair.model, pair.head) if t is not None]
    if any(t.uncertain for t in tables):
        return True
    return context.is_table_uncertain(pair.key)


def _table_missing_at_head(model: TableDef) -> list[Finding]:
    if model.location is None:
        return []
    declared_by = f" (class {model.class_name})" if model.class_name else ""
    message = (
        f"table {model.key} is declared by the model{declared_by} but no "
        "migration creates it at head; author a migration that creates it"
    )
    return [Finding("STW101", message, model.location, data={"table": model.key})]


def _table_missing_from_model(
    head: TableDef, revisions: RevisionIndex
) -> list[Finding]:
    if head.location is None:
        return []
    message = (
        f"table {head.key} exists at head{revisions.describe(head.location)} "
        "but no model declares it; declare a model for it or author a migration "
        "that drops it"
    )
    return [Finding("STW102", message, head.location, data={"table": head.key})]
