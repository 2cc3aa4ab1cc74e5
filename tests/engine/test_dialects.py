"""Dialects by name, as settings and URLs give them, in the type rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from steward_lsp.engine.rules.type_compare import compare_types
from steward_lsp.engine.schema import TypeSpec
from steward_lsp.engine.sqla.dialects import load_dialect


@pytest.mark.parametrize("name", ["sqlite", "postgresql", "mysql", "mariadb"])
def test_load_dialect_names(name: str) -> None:
    dialect = load_dialect(name)

    assert isinstance(dialect, sa.engine.Dialect)
    assert dialect.name == name


def test_load_dialect_unknown_name() -> None:
    with pytest.raises(sa.exc.NoSuchModuleError):
        load_dialect("no_such_dialect")


def test_load_dialect_invalid_name() -> None:
    with pytest.raises(sa.exc.NoSuchModuleError):
        load_dialect("not a name")


def test_compare_types_on_mariadb() -> None:
    model, head = TypeSpec("String", (100,)), TypeSpec("String", (200,))

    comparison = compare_types(model, head, "mariadb")

    assert comparison is not None
    assert comparison.differs
    same = compare_types(TypeSpec("String", (200,)), head, "mariadb")
    assert same is not None
    assert not same.differs
