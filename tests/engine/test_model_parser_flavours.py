"""Flask-SQLAlchemy and SQLModel models, parsed statically and compared for real."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from model_oracle import compare_table, real_tables, static_schema, write_project

from steward_lsp.engine.models.table_names import snake_case

FLASK_HEAD = """
from typing import Optional

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy(metadata=sa.MetaData(naming_convention={"ix": "ix_%(column_0_label)s"}))
"""

FLASK_CASES = {
    "column-style": """
        class UserAccount(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            email = db.Column(db.String(120), unique=True, nullable=False)
            team_id = db.Column(db.Integer, db.ForeignKey("team.id"), index=True)

        class Team(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            name = db.Column(db.String(50), server_default="core")
    """,
    "explicit-tablename": """
        class Role(db.Model):
            __tablename__ = "roles"
            id = db.Column(db.Integer, primary_key=True)
    """,
    "mapped-style": """
        class APIKey(db.Model):
            id: Mapped[int] = mapped_column(primary_key=True)
            label: Mapped[Optional[str]] = mapped_column(db.String(30))
    """,
    "single-table-inheritance": """
        class Vehicle(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            kind = db.Column(db.String(10))
            __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "v"}

        class Truck(Vehicle):
            payload = db.Column(db.Integer)
            __mapper_args__ = {"polymorphic_identity": "t"}
    """,
    "single-table-explicit-tablename": """
        class Member(db.Model):
            __tablename__ = "members"
            id = db.Column(db.Integer, primary_key=True)
            role = db.Column(db.String(10))
            __mapper_args__ = {"polymorphic_on": role, "polymorphic_identity": "m"}

        class Moderator(Member):
            __tablename__ = "moderators"
            __mapper_args__ = {"polymorphic_identity": "mod"}
    """,
    "db-table": """
        tags = db.Table(
            "post_tags",
            db.Column("post_id", db.Integer, primary_key=True),
            db.Column("tag", db.String(20), primary_key=True),
        )
    """,
}


@pytest.mark.parametrize("source", FLASK_CASES.values(), ids=FLASK_CASES.keys())
def test_flask_matches_sqlalchemy(tmp_path: Path, source: str) -> None:
    package = write_project(tmp_path, {"models.py": FLASK_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    real = real_tables(package, ["models"])

    assert findings == []
    assert sorted(schema.tables) == sorted(real)
    for key, table in real.items():
        assert compare_table(schema.tables[key], table, schema.naming_convention) == []


@pytest.mark.parametrize(
    "name",
    [
        "User",
        "UserRole",
        "HTTPResponse",
        "APIKey2",
        "Version2Log",
        "ABC",
        "a",
        "OAuth2Token",
    ],
)
def test_snake_case_matches_flask(name: str) -> None:
    from flask_sqlalchemy.model import camel_to_snake_case

    assert snake_case(name) == camel_to_snake_case(name)


SQLMODEL_HEAD = """
import datetime
import decimal
import uuid
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

SQLModel.metadata.clear()
"""

SQLMODEL_CASES = {
    "fields": """
        class Hero(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            name: str = Field(index=True)
            secret_name: str = Field(max_length=40)
            age: Optional[int] = None
            power: float = 1.0
            born: datetime.datetime
            day: datetime.date
            token: uuid.UUID
            price: decimal.Decimal = Field(max_digits=10, decimal_places=2)
            nick: Optional[str] = Field(default=None, nullable=False, unique=True)
    """,
    "explicit-tablename": """
        class Team(SQLModel, table=True):
            __tablename__ = "teams"
            id: Optional[int] = Field(default=None, primary_key=True)
            name: str = Field(max_length=50)
    """,
    "base-model-fields": """
        class TeamBase(SQLModel):
            name: str = Field(index=True)
            headquarters: str

        class Team(TeamBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)

        class TeamCreate(TeamBase):
            pass
    """,
    "foreign-keys-and-sa-column": """
        class Team(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)

        class Player(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            team_id: Optional[int] = Field(default=None, foreign_key="team.id")
            team: Optional[Team] = Relationship()
            joined: datetime.datetime = Field(
                sa_column=sa.Column(
                    sa.DateTime(timezone=True), server_default=sa.func.now()
                )
            )
            note: str = Field(
                sa_type=sa.Text, sa_column_kwargs={"comment": "free text"}
            )
    """,
}


@pytest.mark.parametrize("source", SQLMODEL_CASES.values(), ids=SQLMODEL_CASES.keys())
def test_sqlmodel_matches_sqlalchemy(tmp_path: Path, source: str) -> None:
    package = write_project(tmp_path, {"models.py": SQLMODEL_HEAD + dedent(source)})
    schema, findings = static_schema(package)
    real = real_tables(package, ["models"])

    assert findings == []
    assert sorted(schema.tables) == sorted(real)
    for key, table in real.items():
        assert compare_table(schema.tables[key], table, schema.naming_convention) == []
