"""Model parser across files, on broken input, and at code-point positions."""

from __future__ import annotations

import ast
from pathlib import Path

from model_oracle import compare_table, real_tables, static_schema, write_project

from steward_lsp.engine.findings import Severity
from steward_lsp.engine.model_parser import parse_model_module

BASE_PY = """
import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=convention)


class AuditMixin:
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())
    created_by: Mapped[str] = mapped_column(sa.String(40), index=True)
"""

TYPES_PY = """
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

intpk = Annotated[int, mapped_column(primary_key=True)]
Hash = sa.String(66)
"""

MODELS_PY = """
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import AuditMixin, Base
from .types import Hash, intpk
from . import types


class Anchor(AuditMixin, Base):
    __tablename__ = "anchors"
    id: Mapped[intpk]
    tx_hash: Mapped[str] = mapped_column(Hash, unique=True)
    chain: Mapped[Optional[str]] = mapped_column(types.Hash)
"""

PACKAGE_INIT = """
from .models import Anchor
"""


def test_cross_file_mixins_match_sqlalchemy(tmp_path: Path) -> None:
    package = write_project(
        tmp_path,
        {"base.py": BASE_PY, "types.py": TYPES_PY, "models.py": MODELS_PY},
    )
    schema, findings = static_schema(package, ["models.py"])
    real = real_tables(package, ["models", "base"])

    assert findings == []
    assert sorted(schema.tables) == ["anchors"]
    assert schema.naming_convention["uq"] == "uq_%(table_name)s_%(column_0_name)s"
    problems = compare_table(
        schema.tables["anchors"], real["anchors"], schema.naming_convention
    )
    assert problems == []


def test_mixin_column_located_in_mixin(tmp_path: Path) -> None:
    package = write_project(
        tmp_path,
        {"base.py": BASE_PY, "types.py": TYPES_PY, "models.py": MODELS_PY},
    )
    schema, _ = static_schema(package, ["models.py"])
    column = schema.tables["anchors"].columns["created_by"]

    assert column.location is not None
    assert column.location.path == (package / "base.py").resolve()
    assert column.location.span.start_line == 18


def test_models_reached_through_package(tmp_path: Path) -> None:
    package = write_project(
        tmp_path,
        {"base.py": BASE_PY, "types.py": TYPES_PY, "models.py": MODELS_PY},
    )
    (package / "__init__.py").write_text(PACKAGE_INIT)
    schema, _ = static_schema(package, ["__init__.py"])

    assert sorted(schema.tables) == ["anchors"]


BROKEN_PY = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from somewhere import make_column, table_args


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    weird: Mapped[int] = make_column()
    title: Mapped[str] = mapped_column(sa.String(80))


class Ledger(Base):
    __tablename__ = "ledger"
    __table_args__ = table_args()
    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(sa.String(LENGTH))


class Plain(Base):
    __tablename__ = "plain"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


def test_unfollowed_reported_once_per_line(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"models.py": BROKEN_PY})
    schema, findings = static_schema(package)

    lines = [finding.location.span.start_line for finding in findings]
    assert sorted(schema.tables) == ["documents", "ledger", "plain"]
    assert lines == sorted(set(lines))
    assert {13, 19, 21} <= set(lines)
    assert all(finding.code == "STW100" for finding in findings)
    assert all(finding.severity is Severity.INFORMATION for finding in findings)
    assert all("the rest of the file is still analysed" in f.message for f in findings)


def test_unfollowed_keeps_rest_of_file(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"models.py": BROKEN_PY})
    schema, _ = static_schema(package)
    documents = schema.tables["documents"]
    ledger = schema.tables["ledger"]

    assert sorted(documents.columns) == ["id", "title"]
    assert documents.uncertain is not None
    assert ledger.uncertain is not None
    assert ledger.columns["size"].type is not None
    assert not ledger.columns["size"].type.known
    assert schema.tables["plain"].uncertain is None


NON_ASCII_PY = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Café(Base):
    __tablename__ = "cafés"
    id: Mapped[int] = mapped_column(primary_key=True)
    naïve: Mapped[str] = mapped_column(sa.String(10), comment="é")
    s = "日本語"; 名前: Mapped[str] = mapped_column(sa.String(5))
"""


def test_locations_use_code_points(tmp_path: Path) -> None:
    package = write_project(tmp_path, {"models.py": NON_ASCII_PY})
    schema, _ = static_schema(package)
    table = schema.tables["cafés"]
    lines = (package / "models.py").read_text(encoding="utf-8").splitlines()
    column = table.columns["名前"]

    assert table.location is not None
    span = table.location.span
    assert lines[span.start_line][span.start_col : span.end_col] == "class Café"
    assert column.location is not None
    start = column.location.span.start_col
    assert lines[column.location.span.start_line][start:].startswith("名前: Mapped")
    end = column.location.span.end_col
    assert lines[column.location.span.end_line][:end].endswith("sa.String(5))")


def test_parse_is_pure_per_file(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    first = parse_model_module(path, MODELS_PY)
    second = parse_model_module(path, MODELS_PY)

    assert first.serial != second.serial
    assert list(first.classes) == ["Anchor"]
    assert ast.dump(first.tree) == ast.dump(second.tree)
    assert [item.module for item in first.imports] == [
        "typing",
        "sqlalchemy",
        "sqlalchemy.orm",
        "base",
        "types",
        "",
    ]


TYPES_WITH_DECORATOR_PY = """
import enum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class TrimmedString(TypeDecorator):
    impl = sa.String
    cache_ok = True


class Money(TypeDecorator):
    impl = sa.Numeric(12, 2)
    cache_ok = True


class Status(str, enum.Enum):
    draft = "draft"
    sealed = "sealed"
"""

DECORATED_MODELS_PY = """
from sqlalchemy import Column, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import Money, Status, TrimmedString


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    number = Column(TrimmedString(30), nullable=False)
    total = Column(Money())
    status: Mapped[Status]
"""


def test_project_types_match_sqlalchemy(tmp_path: Path) -> None:
    package = write_project(
        tmp_path,
        {"types.py": TYPES_WITH_DECORATOR_PY, "models.py": DECORATED_MODELS_PY},
    )
    schema, findings = static_schema(package, ["models.py"])
    real = real_tables(package, ["models"])
    invoices = schema.tables["invoices"]

    assert findings == []
    assert compare_table(invoices, real["invoices"], schema.naming_convention) == []
    assert invoices.columns["number"].type is not None
    assert invoices.columns["number"].type.kwarg("length") == 30
    assert invoices.columns["status"].type is not None
    assert invoices.columns["status"].type.args == ("draft", "sealed")


REGISTRY_PY = """
import sqlalchemy as sa
from sqlalchemy.orm import registry

mapper_registry = registry(
    metadata=sa.MetaData(naming_convention={"ix": "idx_%(column_0_label)s"})
)
"""

REGISTRY_MODELS_PY = """
from sqlalchemy.orm import Mapped, mapped_column

from .db import mapper_registry


@mapper_registry.mapped
class Sensor:
    __tablename__ = "sensors"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(index=True)
"""


def test_registry_from_other_file(tmp_path: Path) -> None:
    package = write_project(
        tmp_path, {"db.py": REGISTRY_PY, "models.py": REGISTRY_MODELS_PY}
    )
    schema, findings = static_schema(package, ["models.py"])
    real = real_tables(package, ["models"])

    assert findings == []
    assert schema.naming_convention == {"ix": "idx_%(column_0_label)s"}
    assert (
        compare_table(
            schema.tables["sensors"], real["sensors"], schema.naming_convention
        )
        == []
    )


def test_form_feed_keeps_line_numbers(tmp_path: Path) -> None:
    source = NON_ASCII_PY.replace("\n\nclass Base", "\n\x0c\nclass Base")
    package = write_project(tmp_path, {"models.py": source})
    schema, _ = static_schema(package)
    lines = (package / "models.py").read_text(encoding="utf-8").split("\n")
    column = schema.tables["cafés"].columns["名前"]

    assert column.location is not None
    span = column.location.span
    assert lines[span.start_line][span.start_col :].startswith("名前: Mapped")
