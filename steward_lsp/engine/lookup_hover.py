"""Markdown for a hover on a table or column: history, head shape, classification."""

from __future__ import annotations

import fnmatch

from steward_lsp.engine.config import Settings
from steward_lsp.engine.lookup import Symbol
from steward_lsp.engine.replay_record import HistoryEvent
from steward_lsp.engine.rules.compliance import suggest_pii_class
from steward_lsp.engine.rules.indexes import is_ledger_id
from steward_lsp.engine.schema import ColumnDef, TableDef, TypeSpec


def hover_markdown(symbol: Symbol) -> str:
    """Return the hover text of a table or column symbol as Markdown."""
    if symbol.column is not None:
        sections = _column_sections(symbol)
    else:
        sections = _table_sections(symbol)
    return "\n\n".join(section for section in sections if section)


def _table_sections(symbol: Symbol) -> list[str]:
    model = symbol.model_table()
    head = symbol.head_table()
    title = f"**table `{symbol.table}`**"
    if model is not None and model.class_name:
        where = f" in `{model.location.path.name}`" if model.location else ""
        title += f" · model `{model.class_name}`{where}"
    uncertain = symbol.environment.replay_result.uncertain_tables.get(symbol.table)

    return [
        title,
        _history_section(symbol.history()),
        _head_table_section(head),
        f"Head shape uncertain: {uncertain}." if uncertain else "",
        _table_classification(model or head, _settings(symbol)),
    ]


def _column_sections(symbol: Symbol) -> list[str]:
    model = symbol.model_column()
    head = symbol.head_column()
    lines = [f"**column `{symbol.table}.{symbol.column}`**"]
    if head is not None:
        lines.append(f"At head: {_shape(head)}.")
    else:
        lines.append("Not at head: no revision creates it, or one drops it.")
    if model is not None and (head is None or _shape(model) != _shape(head)):
        lines.append(f"Model: {_shape(model)}.")
    elif model is None:
        lines.append("No model declares it.")
    column = model or head

    return [
        "  \n".join(lines),
        _history_section(symbol.history()),
        _column_classification(column, _settings(symbol)) if column else "",
    ]


def _settings(symbol: Symbol) -> Settings:
    return symbol.environment.environment.settings


# -- history ----------------------------------------------------------------------


def _history_section(history: list[HistoryEvent]) -> str:
    if not history:
        return "**History:** no revision changes it."
    lines = ["**History** (oldest first):"]
    lines.extend(f"- {_event_line(event)}" for event in history)
    return "\n".join(lines)


def _event_line(event: HistoryEvent) -> str:
    message = f" — {event.message}" if event.message else ""
    detail = event.detail
    # alter_column details list the changes alone ("NOT NULL, type Text").
    if event.operation == "alter_column" and not detail.startswith("renamed"):
        detail = f"altered ({detail})"
    return (
        f"{detail} in `{event.revision}`{message} "
        f"(`{event.operation}`, {event.location.path.name}:"
        f"{event.location.span.start_line + 1})"
    )


# -- shape ------------------------------------------------------------------------


def _head_table_section(table: TableDef | None) -> str:
    if table is None:
        return "**At head:** not present (no revision creates it, or one drops it)."
    rows = [
        "**At head:**",
        "",
        "| column | type | constraints |",
        "| --- | --- | --- |",
    ]
    for column in table.columns.values():
        cells = [f"`{column.name}`", type_label(column.type), _constraints(column)]
        rows.append(
            "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
        )
    rows.append("")
    for index in table.indexes:
        unique = "unique " if index.unique else ""
        columns = ", ".join(index.expressions)
        rows.append(f"- {unique}index `{index.name or 'unnamed'}` on ({columns})")
    for key in table.all_foreign_keys():
        local = ", ".join(key.columns)
        remote = ", ".join(key.referred_columns)
        rows.append(f"- foreign key ({local}) → `{key.referred_table}` ({remote})")
    return "\n".join(rows).rstrip()


def _shape(column: ColumnDef) -> str:
    return f"`{type_label(column.type)}`, {_constraints(column)}"


def _constraints(column: ColumnDef) -> str:
    parts = ["NULL" if column.nullable else "NOT NULL"]
    if column.primary_key:
        parts.append("primary key")
    if column.unique:
        parts.append("unique")
    if column.server_default is not None:
        parts.append(f"server default {column.server_default}")
    return ", ".join(parts)


def type_label(spec: TypeSpec | None) -> str:
    """Return a type as ``Name(arg, key=value)``, or ``unknown`` when unread."""
    if spec is None:
        return "unknown"
    arguments = [repr(value) for value in spec.args]
    arguments.extend(f"{key}={value!r}" for key, value in spec.kwargs)
    suffix = f"({', '.join(arguments)})" if arguments else ""
    return f"{spec.name}{suffix}"


# -- ledger and PII classification -----------------------------------------------


def _table_classification(table: TableDef | None, settings: Settings) -> str:
    if table is None:
        return ""
    columns = list(table.columns.values())
    ledger = [c.name for c in columns if is_ledger_id(c, settings.ledger_id_patterns)]
    chain = [c.name for c in columns if _is_chain_id(c, settings)]
    personal = [c for c in columns if c.info.get("pii")]
    lines = ["**Classification:**"]
    lines.append(f"- ledger ids: {_names(ledger)}; chain ids: {_names(chain)}")
    lines.append(
        "- PII: "
        + (", ".join(f"`{c.name}` ({_pii_text(c)})" for c in personal) or "none")
    )
    return "\n".join(lines)


def _column_classification(column: ColumnDef, settings: Settings) -> str:
    lines = ["**Classification:**"]
    if is_ledger_id(column, settings.ledger_id_patterns):
        lines.append("- ledger id (matches `ledger_id_patterns`)")
    if _is_chain_id(column, settings):
        lines.append("- chain id (matches `chain_id_patterns`)")
    if column.info.get("pii"):
        lines.append(f"- PII: {_pii_text(column)}")
    else:
        suggested = suggest_pii_class(column, settings.pii_patterns)
        hint = f" (its name suggests `{suggested}`)" if suggested else ""
        lines.append(f"- PII: not classified{hint}")
    return "\n".join(lines)


def _pii_text(column: ColumnDef) -> str:
    retention = column.info.get("retention")
    retention_text = f"retention {retention}" if retention else "no retention"
    return f"{column.info.get('pii')}, {retention_text}"


def _is_chain_id(column: ColumnDef, settings: Settings) -> bool:
    return any(
        fnmatch.fnmatchcase(column.name, pattern)
        for pattern in settings.chain_id_patterns
    )


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none"
