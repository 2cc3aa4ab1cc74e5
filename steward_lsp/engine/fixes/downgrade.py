"""Fixes of revisions that downgrade cannot roll back: STW301 and STW302.

STW301 writes the whole downgrade from the upgrade's operations, inverted
in reverse order; STW302 adds the one missing inverse where it runs in the
right order. Upgrades with raw SQL or calls the parser cannot follow get no
generated downgrade, because their inverse is unknown.
"""

from __future__ import annotations

import ast

from alembic.operations import ops

from steward_lsp.engine.fixes.inverse_ops import (
    InverseContext,
    inverse_operations,
    render_operations,
)
from steward_lsp.engine.fixes.registry import Fix, FixRequest, TextEdit, fixer
from steward_lsp.engine.fixes.source import SourceFile, module_alias
from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.rules.inverse import forward_key, inverse_key
from steward_lsp.engine.rules.reversal import unreversed_operations
from steward_lsp.engine.schema import Span

_UNKNOWN_INVERSE = {"execute", "bulk_insert"}


@fixer("STW301")
def write_downgrade(request: FixRequest) -> Fix | None:
    """Return the fix that writes downgrade() as the inverse of upgrade()."""
    source = SourceFile(request.text)
    script = parse_revision(request.finding.location.path, request.text)
    upgrade = script.upgrade
    if upgrade.opaque or any(op.name in _UNKNOWN_INVERSE for op in upgrade.operations):
        return None
    context = _context(request, script)
    needed = unreversed_operations(upgrade.operations, [], context.convention)
    lines = _render(source, list(reversed(needed)), context)
    if not lines:
        return None

    functions = _functions(source)
    downgrade = functions.get("downgrade")
    if downgrade is None:
        upgrade_node = functions.get("upgrade")
        if upgrade_node is None:
            return None
        edit = _new_downgrade(source, upgrade_node, lines)
        return Fix("Write downgrade() that undoes upgrade()", (edit,), safe=True)

    edit = _replace_body(source, downgrade, lines)
    if script.downgrade.raises:
        title = "Replace the raise in downgrade() with the inverse of upgrade()"
        return Fix(title, (edit,), safe=False)
    return Fix("Write downgrade() that undoes upgrade()", (edit,), safe=True)


@fixer("STW302")
def add_inverse(request: FixRequest) -> Fix | None:
    """Return the fix that adds the missing inverse of one operation to downgrade()."""
    source = SourceFile(request.text)
    script = parse_revision(request.finding.location.path, request.text)
    upgrade = script.upgrade.operations
    position = next(
        (
            i
            for i, op in enumerate(upgrade)
            if op.location.span == request.finding.location.span
        ),
        None,
    )
    downgrade = _functions(source).get("downgrade")
    if position is None or downgrade is None:
        return None
    lines = _render(source, [upgrade[position]], _context(request, script))
    if not lines:
        return None

    edit = _insert_in_order(source, downgrade, script, position, lines)
    return Fix(f"Add {lines[0].rstrip('(,')} to downgrade()", (edit,), safe=True)


def _context(request: FixRequest, script: RevisionScript) -> InverseContext:
    analysis = request.analysis
    if analysis is None:
        return InverseContext(None)
    before = None
    if script.revision is not None:
        before = analysis.replay_result.schema_before.get(script.revision)
    return InverseContext(
        before,
        analysis.environment.dialect,
        analysis.model_schema.naming_convention,
    )


def _render(
    source: SourceFile, operations: list[Operation], context: InverseContext
) -> list[str]:
    """Return the lines of the inverses of ``operations``; none when one is unknown."""
    inverses: list[ops.MigrateOperation] = []
    for op in operations:
        found = inverse_operations(op, context)
        if found is None:
            return []
        inverses.extend(found)
    if not inverses:
        return []

    sa_alias = module_alias(source, "sqlalchemy")
    code = "\n".join(
        render_operations(inverses, f"{sa_alias or 'sa'}.", f"{_op_alias(source)}.")
    )
    if sa_alias is None and "sa." in code:
        return []
    return source.requote(code).split("\n")


def _op_alias(source: SourceFile) -> str:
    for node in source.tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "alembic":
            for alias in node.names:
                if alias.name == "op":
                    return alias.asname or alias.name
    return "op"


def _functions(source: SourceFile) -> dict[str, ast.FunctionDef]:
    return {
        node.name: node
        for node in source.tree.body
        if isinstance(node, ast.FunctionDef) and node.name in ("upgrade", "downgrade")
    }


def _indent(source: SourceFile, function: ast.FunctionDef) -> str:
    first = source.span(function.body[0])
    return source.line_indent(first.start_line)


def _block(lines: list[str], indent: str) -> str:
    return "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _new_downgrade(
    source: SourceFile, upgrade: ast.FunctionDef, lines: list[str]
) -> TextEdit:
    """Return the edit that adds downgrade() after upgrade(), shaped like it."""
    indent = _indent(source, upgrade)
    returns = f" -> {ast.unparse(upgrade.returns)}" if upgrade.returns else ""
    docstring = ""
    if ast.get_docstring(upgrade) is not None:
        docstring = f'{indent}"""Downgrade schema."""\n'
    text = f"\n\n\ndef downgrade(){returns}:\n{docstring}{_block(lines, indent)}"
    end = source.span(upgrade).end_line
    return TextEdit(Span(end, source.line_end(end), end, source.line_end(end)), text)


def _replace_body(
    source: SourceFile, downgrade: ast.FunctionDef, lines: list[str]
) -> TextEdit:
    """Return the edit that puts ``lines`` in place of the body after the docstring."""
    indent = _indent(source, downgrade)
    body = downgrade.body
    statements = body[1:] if ast.get_docstring(downgrade) is not None else body
    if not statements:
        end = source.span(body[-1])
        at = Span(end.end_line, end.end_col, end.end_line, end.end_col)
        return TextEdit(at, "\n" + _block(lines, indent))
    first, last = source.span(statements[0]), source.span(statements[-1])
    span = Span(first.start_line, first.start_col, last.end_line, last.end_col)
    return TextEdit(span, _block(lines, indent)[len(indent) :])


def _insert_in_order(
    source: SourceFile,
    downgrade: ast.FunctionDef,
    script: RevisionScript,
    position: int,
    lines: list[str],
) -> TextEdit:
    """Return the edit that adds ``lines`` before the inverses of earlier upgrade ops.

    downgrade() undoes upgrade() backwards, so the inverse of operation
    ``position`` runs after those of later operations and before those of
    earlier ones.
    """
    earlier = {
        inverse_key(key)
        for op in script.upgrade.operations[:position]
        if (key := forward_key(op)) is not None
    }
    indent = _indent(source, downgrade)
    for statement in downgrade.body:
        span = source.span(statement)
        inverts_earlier = any(
            forward_key(op) in earlier
            for op in script.downgrade.operations
            if span.start_line <= op.location.span.start_line <= span.end_line
        )
        if inverts_earlier:
            at = Span(span.start_line, span.start_col, span.start_line, span.start_col)
            return TextEdit(at, _block(lines, indent)[len(indent) :] + "\n" + indent)

    last = source.span(downgrade.body[-1])
    at = Span(
        last.end_line,
        source.line_end(last.end_line),
        last.end_line,
        source.line_end(last.end_line),
    )
    return TextEdit(at, "\n" + _block(lines, indent))
