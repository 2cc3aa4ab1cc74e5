"""Replayed head schemas against Alembic running the same chain on SQLite.

Each chain is written as revision files in a temporary script directory,
upgraded to heads with ``alembic.command.upgrade`` on a SQLite file, and
reflected with SQLAlchemy's inspector. The static replay of the same files
must describe the same tables, columns, types, nullability, primary keys,
indexes, unique constraints and foreign keys.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from steward_lsp.engine.config import Settings
from steward_lsp.engine.graph import build_graph
from steward_lsp.engine.replay import replay
from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.schema import SchemaState, TableDef, TypeSpec

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section),
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""

Chain = list[tuple[str, str | tuple[str, ...] | None, str]]

CHAINS: dict[str, Chain] = {
    "tables-columns-batch": [
        (
            "r1",
            None,
            """\
            op.create_table(
                "orgs",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("name", sa.String(80), nullable=False, unique=True),
            )
            op.create_table(
                "users",
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("email", sa.String(255), nullable=False, index=True),
                sa.Column("name", sa.String(50)),
                sa.Column("org_id", sa.Integer(), sa.ForeignKey("orgs.id")),
                sa.PrimaryKeyConstraint("id"),
            )
            """,
        ),
        (
            "r2",
            "r1",
            """\
            with op.batch_alter_table("users") as batch_op:
                batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
                batch_op.alter_column(
                    "name", existing_type=sa.String(50), type_=sa.String(100),
                    nullable=False,
                )
                batch_op.create_unique_constraint("uq_users_name", ["name"])
            op.create_index("ix_users_age", "users", ["age"], unique=False)
            """,
        ),
        (
            "r3",
            "r2",
            """\
            op.drop_index(op.f("ix_users_email"), table_name="users")
            op.create_index("ix_users_email_name", "users", ["email", "name"],
                            unique=True)
            with op.batch_alter_table("users") as batch_op:
                batch_op.drop_index("ix_users_age")
                batch_op.drop_column("age")
            op.rename_table("orgs", "organizations")
            """,
        ),
    ],
    "raw-sql-and-merge": [
        (
            "root",
            None,
            """\
            op.execute(
                "CREATE TABLE audit (id INTEGER PRIMARY KEY, note VARCHAR(40) NOT NULL)"
            )
            op.execute("CREATE INDEX ix_audit_note ON audit (note)")
            op.execute("INSERT INTO audit (id, note) VALUES (1, 'x')")
            """,
        ),
        (
            "left",
            "root",
            """\
            op.create_table(
                "tags",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("label", sa.Text(), nullable=False),
            )
            op.execute("ALTER TABLE audit ADD COLUMN actor VARCHAR(20)")
            """,
        ),
        (
            "right",
            "root",
            """\
            op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True))
            op.add_column("notes", sa.Column("body", sa.Text()))
            """,
        ),
        (
            "merge",
            ("left", "right"),
            """\
            op.rename_table("tags", "labels")
            op.execute("DROP INDEX ix_audit_note")
            op.drop_table("notes")
            """,
        ),
    ],
    "dialect-branch-and-helpers": [
        (
            "r1",
            None,
            """\
            op.create_table(
                "items",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("kind", status, nullable=False, server_default="new"),
            )
            for name in ("a", "b"):
                op.add_column("items", sa.Column(name, sa.Integer()))
            _add_flag("items", "archived")
            if op.get_bind().dialect.name == "sqlite":
                op.create_index("ix_items_kind", "items", ["kind"])
            else:
                op.create_index("ix_items_kind_pg", "items", ["kind"])
            """,
        ),
    ],
}

HELPERS = """\
status = sa.Enum("new", "done", name="item_status")


def _add_flag(table, column):
    op.add_column(table, sa.Column(column, sa.Boolean(), nullable=True))
"""


def write_chain(folder: Path, chain: Chain) -> list[Path]:
    versions = folder / "versions"
    versions.mkdir(parents=True)
    (folder / "env.py").write_text(ENV_PY, encoding="utf-8")
    paths = []
    for rev, down, body in chain:
        source = (
            f'"""revision {rev}\n\nRevision ID: {rev}\n"""\n'
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f"revision = {rev!r}\ndown_revision = {down!r}\n"
            "branch_labels = None\ndepends_on = None\n\n"
            f"{HELPERS}\n\n"
            "def upgrade():\n"
            f"{textwrap.indent(textwrap.dedent(body), '    ')}\n\n"
            "def downgrade():\n    pass\n"
        )
        path = versions / f"{rev}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    return paths


def upgrade(folder: Path, url: str) -> sa.Engine:
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "heads")
    return sa.create_engine(url, poolclass=sa.NullPool)


def replayed(paths: list[Path], dialect: str) -> SchemaState:
    scripts = [parse_revision(p, p.read_text(encoding="utf-8")) for p in paths]
    graph = build_graph(scripts, Settings(allowed_heads=10))
    result = replay(graph, dialect=dialect)
    assert result.uncertain_everywhere is None
    return result.head_schema


def build_type(spec: TypeSpec) -> sa.types.TypeEngine[Any]:
    type_class = getattr(sa.types, spec.name)
    return type_class(*spec.args, **dict(spec.kwargs))  # type: ignore[no-any-return]


def type_ddl(type_: sa.types.TypeEngine[Any], dialect: sa.engine.Dialect) -> str:
    return type_.compile(dialect=dialect)


def expected_indexes(table: TableDef) -> set[tuple[str | None, tuple[str, ...], bool]]:
    found = {(i.name, i.expressions, i.unique) for i in table.indexes}
    for column in table.columns.values():
        if column.index:
            found.add((f"ix_{table.name}_{column.name}", (column.name,), column.unique))
    return found


def expected_uniques(table: TableDef) -> set[tuple[str, ...]]:
    found = {u.columns for u in table.uniques}
    found.update((c.name,) for c in table.columns.values() if c.unique and not c.index)
    return found


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_replay_matches_alembic_on_sqlite(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    paths = write_chain(folder, CHAINS[name])
    engine = upgrade(folder, f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        compare(replayed(paths, "sqlite"), engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_replay_matches_alembic_on_postgresql(
    name: str, tmp_path: Path, postgresql_url: str
) -> None:
    folder = tmp_path / "migrations"
    paths = write_chain(folder, CHAINS[name])
    engine = upgrade(folder, postgresql_url)
    try:
        compare(replayed(paths, "postgresql"), engine)
    finally:
        engine.dispose()


def compare(head: SchemaState, engine: sa.Engine) -> None:
    """Assert that ``head`` describes the database behind ``engine``."""
    inspector = sa.inspect(engine)
    dialect = engine.dialect

    real_tables = set(inspector.get_table_names()) - {"alembic_version"}
    assert set(head.tables) == real_tables

    for table_name in sorted(real_tables):
        table = head.tables[table_name]
        real_columns = {c["name"]: c for c in inspector.get_columns(table_name)}
        assert list(table.columns) == list(real_columns), table_name
        real_pk = inspector.get_pk_constraint(table_name)["constrained_columns"]
        assert list(table.primary_key) == real_pk, table_name
        for column_name, column in table.columns.items():
            real = real_columns[column_name]
            where = f"{table_name}.{column_name}"
            # SQLite reflects a primary-key column declared without NOT NULL
            # as nullable; other databases make it NOT NULL, as replay does.
            if not (column.primary_key and real["nullable"]):
                assert column.nullable == real["nullable"], where
            assert column.type is not None, where
            assert type_ddl(build_type(column.type), dialect) == type_ddl(
                real["type"], dialect
            ), where
        real_indexes = {
            (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
            for i in inspector.get_indexes(table_name)
            # PostgreSQL lists the index behind each unique constraint too.
            if not i.get("duplicates_constraint")
        }
        assert expected_indexes(table) == real_indexes, table_name
        real_uniques = {
            tuple(u["column_names"])
            for u in inspector.get_unique_constraints(table_name)
        }
        assert expected_uniques(table) == real_uniques, table_name
        real_fks = {
            (
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                tuple(fk["referred_columns"]),
            )
            for fk in inspector.get_foreign_keys(table_name)
        }
        head_fks = {
            (fk.columns, fk.referred_table, fk.referred_columns)
            for fk in table.all_foreign_keys()
        }
        assert head_fks == real_fks, table_name


class _ChainGenerator:
    """Random valid operation sequences, tracked against a simple model.

    The model is only what the generator needs to write valid operations
    (tables, columns, indexes); the assertions compare against the database.
    """

    TYPES = (
        "sa.Integer()",
        "sa.String(20)",
        "sa.String(40)",
        "sa.Text()",
        "sa.Boolean()",
        "sa.BigInteger()",
    )

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.tables: dict[str, list[str]] = {}
        self.indexes: dict[str, str] = {}
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def chain(self, length: int) -> Chain:
        chain: Chain = []
        previous: str | None = None
        for number in range(length):
            rev = f"rev{number:02d}"
            lines: list[str] = []
            for _ in range(self.rng.randint(1, 3)):
                lines.extend(self.operation())
            chain.append((rev, previous, "\n".join(lines) + "\n"))
            previous = rev
        return chain

    def operation(self) -> list[str]:
        choices = ["create_table"]
        if self.tables:
            choices += ["add_column", "create_index", "rename_table", "batch"]
        if self.indexes:
            choices.append("drop_index")
        if len(self.tables) > 1:
            choices.append("drop_table")
        return getattr(self, "_" + self.rng.choice(choices))()

    def _column(self, name: str) -> str:
        type_ = self.rng.choice(self.TYPES)
        nullable = self.rng.choice(["True", "False"])
        return f'sa.Column("{name}", {type_}, nullable={nullable})'

    def _create_table(self) -> list[str]:
        table = self.fresh("t")
        columns = [self.fresh("c") for _ in range(self.rng.randint(1, 3))]
        self.tables[table] = ["id", *columns]
        body = ", ".join(self._column(c) for c in columns)
        return [
            f'op.create_table("{table}", '
            f'sa.Column("id", sa.Integer(), primary_key=True), {body})'
        ]

    def _add_column(self) -> list[str]:
        table = self.rng.choice(sorted(self.tables))
        column = self.fresh("c")
        self.tables[table].append(column)
        type_ = self.rng.choice(self.TYPES)
        return [f'op.add_column("{table}", sa.Column("{column}", {type_}))']

    def _create_index(self) -> list[str]:
        table = self.rng.choice(sorted(self.tables))
        column = self.rng.choice(self.tables[table])
        name = self.fresh("ix_")
        self.indexes[name] = table
        unique = self.rng.choice(["True", "False"])
        return [f'op.create_index("{name}", "{table}", ["{column}"], unique={unique})']

    def _drop_index(self) -> list[str]:
        name = self.rng.choice(sorted(self.indexes))
        table = self.indexes.pop(name)
        return [f'op.drop_index("{name}", table_name="{table}")']

    def _rename_table(self) -> list[str]:
        old = self.rng.choice(sorted(self.tables))
        new = self.fresh("t")
        self.tables[new] = self.tables.pop(old)
        for name, table in self.indexes.items():
            if table == old:
                self.indexes[name] = new
        return [f'op.rename_table("{old}", "{new}")']

    def _drop_table(self) -> list[str]:
        table = self.rng.choice(sorted(self.tables))
        del self.tables[table]
        self.indexes = {n: t for n, t in self.indexes.items() if t != table}
        return [f'op.drop_table("{table}")']

    def _batch(self) -> list[str]:
        table = self.rng.choice(sorted(self.tables))
        columns = self.tables[table]
        indexed = {n for n, t in self.indexes.items() if t == table}
        lines = [f'with op.batch_alter_table("{table}") as batch_op:']
        candidates = [c for c in columns if c != "id"]
        if candidates and not indexed and self.rng.random() < 0.5:
            dropped = self.rng.choice(candidates)
            columns.remove(dropped)
            lines.append(f'    batch_op.drop_column("{dropped}")')
        elif candidates:
            column = self.rng.choice(candidates)
            nullable = self.rng.choice(["True", "False"])
            new_name = self.fresh("c") if not indexed else column
            columns[columns.index(column)] = new_name
            lines.append(
                f'    batch_op.alter_column("{column}", existing_type={self.TYPES[1]},'
                f" type_={self.rng.choice(self.TYPES)}, nullable={nullable},"
                f' new_column_name="{new_name}")'
            )
        else:
            column = self.fresh("c")
            columns.append(column)
            lines.append(f"    batch_op.add_column({self._column(column)})")
        return lines


@pytest.mark.parametrize("seed", range(8))
def test_random_chain_matches_alembic_on_sqlite(seed: int, tmp_path: Path) -> None:
    chain = _ChainGenerator(seed).chain(length=5)
    folder = tmp_path / "migrations"
    paths = write_chain(folder, chain)
    engine = upgrade(folder, f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        compare(replayed(paths, "sqlite"), engine)
    finally:
        engine.dispose()
