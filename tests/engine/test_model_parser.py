"""Model parser tests: each snippet is parsed statically and imported for real.

The static schema must match the ``MetaData`` SQLAlchemy builds from the
same source, table by table and column by column.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from model_oracle import compare_table, real_tables, static_schema, write_project

DECLARATIVE_HEAD = """
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal, Optional, Union

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass
"""

CASES = {
    "mapped-defaults": """
        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str]
            nickname: Mapped[Optional[str]]
            bio: Mapped[str | None]
            age: Mapped[Union[int, None]]
            score: Mapped[float]
            active: Mapped[bool]
            born: Mapped[datetime.date]
            seen: Mapped[datetime.datetime]
            at: Mapped[datetime.time]
            span: Mapped[datetime.timedelta]
            price: Mapped[decimal.Decimal]
            blob: Mapped[bytes]
            token: Mapped[uuid.UUID]
    """,
    "explicit-nullable-wins": """
        class Doc(Base):
            __tablename__ = "docs"
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[Optional[str]] = mapped_column(String(80), nullable=False)
            body: Mapped[str] = mapped_column(sa.Text, nullable=True)
            pk_optional: Mapped[Optional[int]] = mapped_column(primary_key=True)
    """,
    "string-annotations": """
        class Note(Base):
            __tablename__ = "notes"
            id: "Mapped[int]" = mapped_column(primary_key=True)
            text_: Mapped["Optional[str]"] = mapped_column("text")
    """,
    "column-style": """
        class Account(Base):
            __tablename__ = "accounts"
            id = Column(Integer, primary_key=True)
            email = Column(String(255), unique=True, nullable=False, comment="login")
            region = Column("region_code", String(8), index=True)
            created = Column(sa.DateTime(timezone=True), server_default=func.now())
            status = Column(String(10), server_default="new", default="x")
            flag = Column(sa.Boolean, server_default=text("false"))
            info_ = Column("extra", sa.JSON, info={"pii": "none"})
    """,
    "enums": """
        class Color(enum.Enum):
            red = "R"
            green = "G"

        class Paint(Base):
            __tablename__ = "paints"
            id: Mapped[int] = mapped_column(primary_key=True)
            color: Mapped[Color]
            shade: Mapped[Color] = mapped_column(sa.Enum(Color, native_enum=False))
            kind = Column(sa.Enum("matte", "gloss", name="paint_kind"))
            finish: Mapped[Literal["a", "b"]]
    """,
    "annotated-aliases": """
        intpk = Annotated[int, mapped_column(primary_key=True)]
        str50 = Annotated[str, mapped_column(String(50))]
        created = Annotated[datetime.datetime, mapped_column(server_default=func.now())]

        class Item(Base):
            __tablename__ = "items"
            id: Mapped[intpk]
            name: Mapped[str50]
            label: Mapped[Optional[str50]]
            created_at: Mapped[created]
            updated_at: Mapped[created] = mapped_column(nullable=True)
    """,
    "annotated-collection-column": """
        json_map = Annotated[dict[str, int], mapped_column(sa.JSON, nullable=False)]

        class Labelled:
            labels: Mapped[json_map]

        class Gadget(Labelled, Base):
            __tablename__ = "gadgets"
            id: Mapped[int] = mapped_column(primary_key=True)
            counts: Mapped[json_map]
    """,
    "table-args": """
        class Ledger(Base):
            __tablename__ = "ledger"
            __table_args__ = (
                sa.UniqueConstraint("chain_id", "tx_hash", name="uq_chain_tx"),
                sa.CheckConstraint("amount > 0", name="ck_amount"),
                Index("ix_ledger_tx", "tx_hash", unique=True),
                Index("ix_ledger_lower", func.lower(sa.column("tx_hash"))),
                {"schema": "chain", "comment": "entries"},
            )
            id: Mapped[int] = mapped_column(primary_key=True)
            chain_id: Mapped[int]
            tx_hash: Mapped[str] = mapped_column(String(66))
            amount: Mapped[int]
    """,
    "table-args-dict": """
        class Audit(Base):
            __tablename__ = "audit"
            __table_args__ = {"schema": "ops"}
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "foreign-keys": """
        class Parent(Base):
            __tablename__ = "parents"
            id: Mapped[int] = mapped_column(primary_key=True)

        class Child(Base):
            __tablename__ = "children"
            __table_args__ = (
                sa.ForeignKeyConstraint(["a", "b"], ["pairs.x", "pairs.y"]),
            )
            id: Mapped[int] = mapped_column(primary_key=True)
            parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
            by_attr: Mapped[Optional[int]] = mapped_column(ForeignKey(Parent.id))
            untyped = Column(ForeignKey("parents.id"), nullable=False)
            a: Mapped[int]
            b: Mapped[int]
            parent: Mapped[Parent] = relationship()
            parents: Mapped[list["Parent"]] = relationship(viewonly=True)

        class Pair(Base):
            __tablename__ = "pairs"
            x: Mapped[int] = mapped_column(primary_key=True)
            y: Mapped[int] = mapped_column(primary_key=True)
    """,
    "mixins-and-abstract": """
        class Timestamps:
            created_at: Mapped[datetime.datetime] = mapped_column(
                server_default=func.now()
            )
            updated_at = Column(sa.DateTime, onupdate=func.now())

        class Owned(Base):
            __abstract__ = True
            owner: Mapped[str] = mapped_column(String(20), index=True)

        class Thing(Timestamps, Owned):
            __tablename__ = "things"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "single-table-inheritance": """
        class Employee(Base):
            __tablename__ = "employees"
            id: Mapped[int] = mapped_column(primary_key=True)
            type: Mapped[str]
            __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "e"}

        class Manager(Employee):
            manager_level: Mapped[Optional[int]]
            __mapper_args__ = {"polymorphic_identity": "m"}

        class Engineer(Employee):
            __tablename__ = "engineers"
            id: Mapped[int] = mapped_column(
                ForeignKey("employees.id"), primary_key=True
            )
            language: Mapped[str]
            __mapper_args__ = {"polymorphic_identity": "x"}
    """,
    "declared-attr-tablename": """
        from sqlalchemy.orm import declared_attr

        class Named:
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return cls.__name__.lower()

            @declared_attr
            def tenant_id(cls) -> Mapped[int]:
                return mapped_column(ForeignKey("tenant.id"))

        class Tenant(Base):
            __tablename__ = "tenant"
            id: Mapped[int] = mapped_column(primary_key=True)

        class Invoice(Named, Base):
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "type-annotation-map": """
        class MappedBase(DeclarativeBase):
            type_annotation_map = {
                str: String(120),
                datetime.datetime: sa.DateTime(timezone=True),
            }

        class Event(MappedBase):
            __tablename__ = "events"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str]
            at: Mapped[datetime.datetime]
    """,
    "core-table": """
        metadata = sa.MetaData()
        tags = sa.Table(
            "tags",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("name", String(40), nullable=False, unique=True),
            Column("post_id", ForeignKey("posts.id")),
            sa.Index("ix_tags_name_lower", text("lower(name)")),
            schema="blog",
        )
        posts = sa.Table("posts", metadata, Column("id", Integer, primary_key=True))
    """,
    "naming-convention": """
        convention = {
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }

        class NamedBase(DeclarativeBase):
            metadata = sa.MetaData(naming_convention=convention)

        class Org(NamedBase):
            __tablename__ = "orgs"
            id: Mapped[int] = mapped_column(primary_key=True)
            slug: Mapped[str] = mapped_column(String(20), index=True)
    """,
    "declarative-base-function": """
        from sqlalchemy.orm import declarative_base

        OldBase = declarative_base(metadata=sa.MetaData(schema="legacy"))

        class Legacy(OldBase):
            __tablename__ = "legacy_rows"
            id = Column(Integer, primary_key=True)
            code = Column(String(3), sa.Identity())
    """,
    "registry-generate-base": """
        from sqlalchemy.orm import registry

        mapper_registry = registry()
        RegBase = mapper_registry.generate_base()

        class Row(RegBase):
            __tablename__ = "reg_rows"
            id = Column(Integer, primary_key=True)
    """,
    "composite-primary-key": """
        class Membership(Base):
            __tablename__ = "memberships"
            __table_args__ = (
                sa.PrimaryKeyConstraint("user_id", "group_id", name="pk_m"),
            )
            user_id: Mapped[int]
            group_id: Mapped[int]
            role: Mapped[Optional[str]]
    """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_declarative_matches_sqlalchemy(tmp_path: Path, source: str) -> None:
    package = write_project(tmp_path, {"models.py": DECLARATIVE_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    real = real_tables(package, ["models"])

    assert findings == []
    assert sorted(schema.tables) == sorted(real)
    for key, table in real.items():
        assert compare_table(schema.tables[key], table, schema.naming_convention) == []


MORE_CASES = {
    "registry-mapped-decorator": """
        from sqlalchemy.orm import registry

        reg = registry(metadata=sa.MetaData(schema="reg"))

        @reg.mapped
        class Widget:
            __tablename__ = "widgets"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[Optional[str]]
    """,
    "as-declarative": """
        from sqlalchemy.orm import as_declarative

        @as_declarative()
        class LegacyBase:
            pass

        class Gadget(LegacyBase):
            __tablename__ = "gadgets"
            id = Column(Integer, primary_key=True)
            size = Column(Integer, nullable=False, server_default=text("0"))
    """,
    "declared-attr-computed-names": """
        from sqlalchemy.orm import declared_attr

        class Plural:
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return f"{cls.__name__.lower()}s"

        class Upper:
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return "t_" + cls.__name__.upper()

        class Book(Plural, Base):
            id: Mapped[int] = mapped_column(primary_key=True)

        class Shelf(Upper, Base):
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "enum-in-type-annotation-map": """
        class Color(enum.Enum):
            red = "R"
            green = "G"

        class EnumBase(DeclarativeBase):
            type_annotation_map = {
                enum.Enum: sa.Enum(enum.Enum, native_enum=False, length=30)
            }

        class Swatch(EnumBase):
            __tablename__ = "swatches"
            id: Mapped[int] = mapped_column(primary_key=True)
            color: Mapped[Color]
    """,
    "module-level-index": """
        class Member(Base):
            __tablename__ = "members"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(80))
            team: Mapped[str] = mapped_column(String(20))

        Index("ix_members_lower_email", func.lower(Member.email), unique=True)
        member_team = Index("ix_members_team", Member.team)

        links = sa.Table("links", Base.metadata, Column("url", String(200)))
        Index("ix_links_url", links.c.url)
    """,
    "column-property-and-deferred": """
        from sqlalchemy.orm import column_property, deferred, query_expression

        class Order(Base):
            __tablename__ = "orders"
            id: Mapped[int] = mapped_column(primary_key=True)
            price: Mapped[int]
            qty: Mapped[int]
            total: Mapped[int] = column_property(
                sa.select(sa.literal(1)).scalar_subquery()
            )
            notes = deferred(Column(sa.Text))
            rank: Mapped[int] = query_expression()
    """,
    "partial-and-descending-index": """
        class Job(Base):
            __tablename__ = "jobs"
            __table_args__ = (
                Index("ix_jobs_due", "due", postgresql_where=text("done = false")),
                Index("ix_jobs_recent", sa.desc("created")),
            )
            id: Mapped[int] = mapped_column(primary_key=True)
            due: Mapped[datetime.datetime]
            created: Mapped[datetime.datetime]
            done: Mapped[bool] = mapped_column(server_default=sa.false())
    """,
    "non-native-enum": """
        class Level(enum.Enum):
            low = 1
            high = 2

        class Alert(Base):
            __tablename__ = "alerts"
            id: Mapped[int] = mapped_column(primary_key=True)
            level: Mapped[Level] = mapped_column(
                sa.Enum(Level, native_enum=False, length=20)
            )
            state = Column(
                sa.Enum("on", "off", name="alert_state", create_constraint=True)
            )
    """,
}


@pytest.mark.parametrize("source", MORE_CASES.values(), ids=MORE_CASES.keys())
def test_more_idioms_match_sqlalchemy(tmp_path: Path, source: str) -> None:
    package = write_project(tmp_path, {"models.py": DECLARATIVE_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    real = real_tables(package, ["models"])

    assert sorted(schema.tables) == sorted(real)
    assert findings == []
    for key, table in real.items():
        assert compare_table(schema.tables[key], table, schema.naming_convention) == []


def test_declared_attr_index_name(tmp_path: Path) -> None:
    source = """
        from sqlalchemy.orm import declared_attr

        class Indexed:
            @declared_attr.directive
            def __table_args__(cls):
                return (Index(f"ix_{cls.__tablename__}_code", "code"),)

        class Coupon(Indexed, Base):
            __tablename__ = "coupons"
            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(String(12))
    """
    package = write_project(tmp_path, {"models.py": DECLARATIVE_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    real = real_tables(package, ["models"])

    assert findings == []
    assert schema.tables["coupons"].uncertain is None
    problems = compare_table(schema.tables["coupons"], real["coupons"], {})
    assert problems == []


def test_computed_index_name_reported(tmp_path: Path) -> None:
    source = """
        class Coupon(Base):
            __tablename__ = "coupons"
            __table_args__ = (Index(make_name("code"), "code"),)
            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(String(12))
    """
    package = write_project(tmp_path, {"models.py": DECLARATIVE_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    lines = (package / "models.py").read_text().splitlines()

    assert [finding.code for finding in findings] == ["STW100"]
    assert "make_name" in lines[findings[0].location.span.start_line]
    assert schema.tables["coupons"].uncertain is not None
    assert sorted(schema.tables["coupons"].columns) == ["code", "id"]
