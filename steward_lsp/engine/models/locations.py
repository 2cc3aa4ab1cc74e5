"""Source spans of model classes and columns, where their findings sit."""

from __future__ import annotations

from steward_lsp.engine.models.linker import ClassBinding
from steward_lsp.engine.models.summary import Attribute
from steward_lsp.engine.schema import Location, Span


def class_location(binding: ClassBinding) -> Location:
    """Return the span of ``class Name`` on the class statement's line."""
    node = binding.info.node
    module = binding.module
    line = node.lineno - 1
    text = module.lines.lines[line] if line < len(module.lines.lines) else ""
    start = module.lines.column(line, node.col_offset)
    found = text.find(node.name, start)
    end = found + len(node.name) if found >= 0 else start
    return Location(module.path, Span(line, start, line, end))


def attribute_location(owner: ClassBinding, attribute: Attribute) -> Location:
    """Return where a column is declared: the statement in the class or mixin."""
    module = owner.module
    statement = attribute.statement
    return module.lines.location(module.path, statement)
