"""Constraint names steward predicts against the names SQLAlchemy gives.

SQLAlchemy builds each fixture in a subprocess (see naming_oracle.py) and
renders the names through its PostgreSQL DDL compiler. Tables in a schema
matter: SQLAlchemy's ``column_X_label`` tokens include the schema, while
``table_name`` and ``referred_table_name`` do not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from model_oracle import static_schema, write_project
from naming_oracle import sqlalchemy_names, steward_names

SCHEMA_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

CONVENTION = {convention}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=CONVENTION)


class Actor(Base):
    __tablename__ = "actors"
    __table_args__ = {{"schema": "audit"}}
    id: Mapped[int] = mapped_column(primary_key=True)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        sa.Index(None, "at", "kind"),
        sa.UniqueConstraint("kind", "seq"),
        sa.CheckConstraint("seq > 0", name="seq_positive"),
        {{"schema": "audit"}},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    seq: Mapped[int]
    at: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("audit.actors.id"))


plain = sa.Table(
    "plain",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tag", sa.String(5), index=True, unique=True),
)
"""

# A dotted schema name (a database and a schema, as on SQL Server) exists
# only for the naming oracle; PostgreSQL cannot create it.
DOTTED_TABLE = """
nested = sa.Table(
    "nested",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tag", sa.String(5), index=True),
    sa.Column("actor_id", sa.ForeignKey("audit.actors.id")),
    schema="tenant.v2",
)
"""

CONVENTIONS = {
    "labels": {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(column_0_N_label)s",
        "fk": "fk_%(column_0_label)s_%(referred_table_name)s",
        "pk": "pk_%(column_0_label)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    },
    "joined-labels": {
        "ix": "ix_%(column_0N_label)s",
        "uq": "uq_%(table_name)s_%(column_0N_label)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_column_0_name)s",
        "pk": "pk_%(table_name)s",
    },
    "names-only": {
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    },
    "no-index-entry": {"uq": "uq_%(column_0_label)s"},
    "default": None,
}


def _project(tmp_path: Path, convention: dict[str, str] | None, extra: str) -> Path:
    source = SCHEMA_MODELS.format(convention=repr(convention or {})) + extra
    return write_project(tmp_path, {"models.py": source})


@pytest.mark.parametrize("convention", CONVENTIONS.values(), ids=CONVENTIONS.keys())
def test_schema_names_match_sqlalchemy(
    tmp_path: Path, convention: dict[str, str] | None
) -> None:
    package = _project(tmp_path, convention, DOTTED_TABLE)
    schema, findings = static_schema(package)
    expected = sqlalchemy_names(package, "models")

    assert findings == []
    assert sorted(schema.tables) == sorted(expected)
    predicted = steward_names(schema)
    for key, names in expected.items():
        assert predicted[key] == names, key


def test_schema_label_in_index_name(tmp_path: Path) -> None:
    package = _project(tmp_path, None, DOTTED_TABLE)
    schema, _ = static_schema(package)
    names = steward_names(schema)

    assert "ix_audit_events_kind" in names["audit.events"]["ix"]
    assert names["tenant.v2.nested"]["ix"] == ["ix_tenant_v2_nested_tag"]
    assert names["plain"]["ix"] == ["ix_plain_tag"]


# CREATE INDEX needs a name, so a convention without an "ix" entry cannot
# create the unnamed Index() of the fixture.
CREATABLE = {
    key: value for key, value in CONVENTIONS.items() if key != "no-index-entry"
}


@pytest.mark.postgresql
@pytest.mark.parametrize("convention", CREATABLE.values(), ids=CREATABLE.keys())
def test_postgresql_creates_predicted_names(
    tmp_path: Path, postgresql_url: str, convention: dict[str, str] | None
) -> None:
    engine = sa.create_engine(postgresql_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA audit"))
    package = _project(tmp_path, convention, "")
    schema, _ = static_schema(package)
    predicted = steward_names(schema)

    sqlalchemy_names(package, "models", create_on=postgresql_url)

    inspector = sa.inspect(engine)
    for table in schema.tables.values():
        indexes = inspector.get_indexes(table.name, schema=table.schema)
        # The index behind a UNIQUE constraint is listed with the constraint.
        created = sorted(
            str(index["name"])
            for index in indexes
            if "duplicates_constraint" not in index
        )
        assert created == predicted[table.key]["ix"], table.key
        uniques = inspector.get_unique_constraints(table.name, schema=table.schema)
        predicted_uniques = predicted[table.key]["uq"]
        assert isinstance(predicted_uniques, list)
        if None not in predicted_uniques:
            created_uniques = sorted(str(unique["name"]) for unique in uniques)
            assert created_uniques == predicted_uniques, table.key
    engine.dispose()


FIXTURE = Path(__file__).parents[1] / "workspaces" / "metadata_conventions" / "models"


def test_each_metadata_keeps_its_convention() -> None:
    schema, findings = static_schema(FIXTURE)
    expected = {
        **sqlalchemy_names(FIXTURE, "core"),
        **sqlalchemy_names(FIXTURE, "plugin"),
    }

    assert findings == []
    assert sorted(schema.tables) == ["accounts", "widgets"]
    assert steward_names(schema) == expected
    assert expected["widgets"]["ix"] == [
        "plugin_ix_widgets_kind",
        "plugin_ix_widgets_kind_size",
    ]
    assert expected["accounts"]["ix"] == ["core_ix_accounts_region"]


def test_several_conventions_leave_alembic_default() -> None:
    schema, _ = static_schema(FIXTURE)

    # Alembic's operations get no convention from a list of MetaData.
    assert schema.naming_convention == {}
