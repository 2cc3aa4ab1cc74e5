"""``steward model-state``: the data model as a Mermaid diagram, with notes.

Writes ``data-model.mmd``, an ``erDiagram`` of every table the models
declare, and ``integrity-notes.md`` (see
:mod:`steward_lsp.engine.generate.model_state_notes`). A workspace with
several Alembic environments gets one diagram whose entity names start with
the environment's name, so equal table names in two chains stay apart.

Each foreign key is one relationship, drawn from the referred table to the
table that has the key. The referred side is ``||`` (exactly one) when
every foreign-key column is NOT NULL and ``|o`` (zero or one) otherwise; the
holding side is ``o|`` (one-to-one) when the foreign-key columns contain a
unique column set, and ``o{`` (one-to-many) otherwise. The line is solid
(identifying) when the foreign-key columns are part of the holder's primary
key, dashed otherwise. An association table (only foreign-key columns, all
in its primary key) is kept as an entity with its two identifying
one-to-many edges, which together are the many-to-many relationship; a
``%%`` comment names it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from steward_lsp.engine.generate import (
    GenerateRequest,
    GenerateResult,
    Option,
    output_dir,
)
from steward_lsp.engine.generate.output import with_mark

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.generate.tables import Reference
    from steward_lsp.engine.schema import ColumnDef, TableDef

COMMAND = "model-state"
DIAGRAM_NAME = "data-model.mmd"
NOTES_NAME = "integrity-notes.md"

OPTIONS: tuple[Option, ...] = ()

_NOT_A_WORD = re.compile(r"[^A-Za-z0-9_]+")
# Words that Mermaid's erDiagram lexer (mermaid 11.17) reads as keywords,
# in any case, before it tries an entity name: such a name is written quoted.
_ENTITY_KEYWORDS = frozenset(
    {"acctitle", "accdescr", "class", "classdef", "end", "erdiagram"}
    | {"many", "one", "style", "subgraph", "to"}
)
# Inside an entity the lexer reads these as key markers, not attribute names.
_KEY_MARKERS = frozenset({"pk", "fk", "uk"})
_INDENT = "    "


def generate(request: GenerateRequest) -> GenerateResult:
    """Return the diagram and the integrity notes of the workspace's models."""
    from steward_lsp.engine.generate.model_state_notes import render_notes
    from steward_lsp.engine.generate.tables import chosen_environments, references

    environments = chosen_environments(request)
    folder = output_dir(request, environments[0])
    prefixed = len(environments) > 1
    body = ["erDiagram"]
    edges = 0
    notes: list[str] = []
    for analysis in environments:
        edges += sum(1 for r in references(analysis) if r.parent is not None)
        body.extend(render_environment(analysis, prefixed))
        if not analysis.model_schema.tables:
            notes.append(
                f"environment {analysis.environment.name} declares no model tables"
            )
    tables = sum(len(a.model_schema.tables) for a in environments)
    files = [
        with_mark(folder / DIAGRAM_NAME, COMMAND, "\n".join(body)),
        with_mark(folder / NOTES_NAME, COMMAND, render_notes(environments, request)),
    ]
    summary = f"{tables} table(s) and {edges} relationship(s) in {DIAGRAM_NAME}"
    return GenerateResult(files=files, summary=summary, notes=notes)


def render_environment(analysis: EnvironmentAnalysis, prefixed: bool) -> list[str]:
    """Return the diagram lines of one environment: entities, then edges."""
    from steward_lsp.engine.generate.tables import (
        association_parents,
        references,
        sorted_tables,
    )

    environment = analysis.environment
    dialect = environment.dialect or "default"
    prefix = mermaid_word(environment.name) + "__" if prefixed else ""
    lines = [f"{_INDENT}%% environment {environment.name}, dialect {dialect}"]
    for table in sorted_tables(analysis):
        lines.extend(_entity(analysis, table, prefix))
    for table in sorted_tables(analysis):
        linked = association_parents(table)
        if linked is not None:
            lines.append(
                f"{_INDENT}%% {table.key} is an association table: "
                f"{' and '.join(linked)} are many-to-many through it"
            )
    for reference in references(analysis):
        if reference.parent is None:
            lines.append(
                f"{_INDENT}%% {reference.child.key} refers to "
                f"{reference.parent_key}, which no model declares"
            )
        else:
            lines.append(_edge(reference, prefix))
    return lines


def entity_name(key: str, prefix: str = "") -> str:
    """Return a table key as an entity name: ``audit.events`` is ``audit__events``."""
    name = prefix + "__".join(mermaid_word(part) for part in key.split("."))
    return f'"{name}"' if name.lower() in _ENTITY_KEYWORDS else name


def attribute_name(column: str) -> str:
    """Return a column name as a Mermaid attribute name."""
    word = mermaid_word(column)
    return f"{word}_" if word.lower() in _KEY_MARKERS else word


def mermaid_word(text: str) -> str:
    """Return ``text`` as a Mermaid word: ``VARCHAR(66)`` is ``VARCHAR_66``.

    Mermaid's type, attribute and entity words contain letters, digits and
    underscores and do not start with a digit.
    """
    word = _NOT_A_WORD.sub("_", text).strip("_") or "_"
    return f"_{word}" if word[0].isdigit() else word


def _entity(analysis: EnvironmentAnalysis, table: TableDef, prefix: str) -> list[str]:
    lines = [f"{_INDENT}{entity_name(table.key, prefix)} {{"]
    lines.extend(
        f"{_INDENT * 2}{_attribute(analysis, table, column)}"
        for column in table.columns.values()
    )
    lines.append(f"{_INDENT}}}")
    return lines


def _attribute(
    analysis: EnvironmentAnalysis, table: TableDef, column: ColumnDef
) -> str:
    from steward_lsp.engine.generate.tables import (
        foreign_key_columns,
        is_chain_column,
        is_ledger_column,
        is_unique_column,
        sql_type,
    )

    convention = analysis.model_schema.convention_of(table)
    name = attribute_name(column.name)
    keys = [
        key
        for key, applies in (
            ("PK", column.primary_key),
            ("FK", column.name in foreign_key_columns(table)),
            ("UK", is_unique_column(table, column, convention)),
        )
        if applies
    ]
    remarks = [
        remark
        for remark, applies in (
            (f"column {column.name}", name != column.name),
            ("ledger id", is_ledger_column(column, analysis)),
            ("chain id", is_chain_column(column, analysis)),
            ("nullable", column.nullable and not column.primary_key),
        )
        if applies
    ]
    text = f"{mermaid_word(sql_type(column, analysis.environment.dialect))} {name}"
    if keys:
        text += " " + ", ".join(keys)
    if remarks:
        text += ' "' + ", ".join(remarks).replace('"', "'") + '"'
    return text


def _edge(reference: Reference, prefix: str) -> str:
    parent_side = "|o" if reference.optional else "||"
    child_side = "o|" if reference.single else "o{"
    line = "--" if reference.identifying else ".."
    label = ", ".join(reference.foreign_key.columns).replace('"', "'")
    parent = entity_name(reference.parent_key, prefix)
    child = entity_name(reference.child.key, prefix)
    return f'{_INDENT}{parent} {parent_side}{line}{child_side} {child} : "{label}"'
