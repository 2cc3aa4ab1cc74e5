"""The data-access scan on real query snippets, and STW203 through steward check."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from steward_lsp.engine.analysis import ParseCache, Workspace
from steward_lsp.engine.queries import (
    FileScan,
    ProjectQueries,
    UseKind,
    project,
    scan_source,
)
from steward_lsp.engine.queries.resolve import index_needs
from steward_lsp.engine.schema import (
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    SchemaState,
    TableDef,
    TypeSpec,
    UniqueConstraintDef,
)

Use = tuple[str, str, str | None, int]


def scan(source: str) -> FileScan:
    text = textwrap.dedent(source)
    return scan_source(Path("/project/app/queries.py"), text)


def uses(source: str) -> set[Use]:
    """Return (kind, entity, attribute, 1-based line) of each column use."""
    return {
        (use.kind.value, use.entity, use.attribute, use.location.span.start_line + 1)
        for use in scan(source).uses
    }


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            """\
            stmt = select(Notarization).where(Notarization.status == "submitted")
            """,
            {("filter", "Notarization", "status", 1)},
            id="select-where",
        ),
        pytest.param(
            """\
            stmt = select(Anchor).where(
                and_(
                    Anchor.chain_id == chain,
                    or_(Anchor.memo.is_(None), ~Anchor.spent),
                )
            )
            """,
            {("filter", "Anchor", "chain_id", 3), ("filter", "Anchor", "memo", 4)},
            id="and-or-not",
        ),
        pytest.param(
            """\
            stmt = select(Anchor).where(
                Anchor.memo != "x",
                Anchor.chain_id.not_in(chains),
                Anchor.note.ilike(pattern),
                sa.not_(Anchor.spent),
                sa.or_(Anchor.tx_hash.startswith("0x"), Anchor.rank > 3),
            )
            """,
            {("filter", "Anchor", "tx_hash", 6), ("filter", "Anchor", "rank", 6)},
            id="negations-not-recorded",
        ),
        pytest.param(
            """\
            rows = session.query(Anchor).filter(Anchor.tx_hash.in_(hashes)).all()
            """,
            {("filter", "Anchor", "tx_hash", 1)},
            id="session-query-filter",
        ),
        pytest.param(
            """\
            anchor = session.query(Anchor).filter_by(tx_hash=tx, chain_id=chain).one()
            """,
            {("filter", "Anchor", "tx_hash", 1), ("filter", "Anchor", "chain_id", 1)},
            id="session-query-filter-by",
        ),
        pytest.param(
            """\
            stmt = select(Anchor).join(Receipt, Anchor.receipt_id == Receipt.id)
            stmt = stmt.filter_by(note="late")
            """,
            {
                ("join", "Anchor", "receipt_id", 1),
                ("join", "Receipt", "id", 1),
                ("filter", "Receipt", "note", 2),
            },
            id="join-then-filter-by-on-joined",
        ),
        pytest.param(
            """\
            stmt = select(Document).order_by(
                Document.created_at.desc(), desc(Document.id)
            )
            """,
            {("order", "Document", "created_at", 2), ("order", "Document", "id", 2)},
            id="order-by-desc",
        ),
        pytest.param(
            """\
            user = User.query.filter_by(email=email).first_or_404()
            page = User.query.order_by(User.joined_at.desc().nulls_last()).all()
            """,
            {("filter", "User", "email", 1), ("order", "User", "joined_at", 2)},
            id="flask-model-query",
        ),
        pytest.param(
            """\
            one = session.get(Document, document_id)
            two = Document.query.get_or_404(document_id)
            three = db.session.query(Document).get(document_id)
            config = settings.get("key", None)
            """,
            {
                ("get", "Document", None, 1),
                ("get", "Document", None, 2),
                ("get", "Document", None, 3),
            },
            id="primary-key-get",
        ),
        pytest.param(
            """\
            older = aliased(Anchor)
            stmt = select(older).where(older.memo == memo)
            """,
            {("filter", "Anchor", "memo", 2)},
            id="aliased-entity",
        ),
        pytest.param(
            """\
            def f(session):
                stmt = select(Tenant).where(Tenant.region == region)
                return session.scalars(stmt.filter_by(slug=slug))
            """,
            {("filter", "Tenant", "region", 2), ("filter", "Tenant", "slug", 3)},
            id="statement-bound-to-a-name",
        ),
        pytest.param(
            """\
            total = select(func.count()).select_from(Anchor).filter_by(memo=memo)
            """,
            {("filter", "Anchor", "memo", 1)},
            id="select-from-filter-by",
        ),
        pytest.param(
            """\
            session.execute(update(Anchor).filter_by(memo=memo).values(spent=True))
            session.execute(delete(Anchor).where(Anchor.chain_id == chain))
            """,
            {("filter", "Anchor", "memo", 1), ("filter", "Anchor", "chain_id", 2)},
            id="update-delete",
        ),
    ],
)
def test_scan_records_column_uses(source: str, expected: set[Use]) -> None:
    assert uses(source) == expected


def test_scan_ignores_file_without_queries() -> None:
    found = scan("import os\n\nprint(os.environ['HOME'])\n")

    assert found.is_empty()


def test_scan_rejects_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        scan("stmt = select(A).where(A.x ==\n")


def test_scan_joins_share_query_key() -> None:
    found = scan(
        """\
        stmt = (
            select(Notarization)
            .where(Notarization.status == "pending")
            .order_by(Notarization.created_at)
        )
        other = select(Notarization).order_by(Notarization.created_at)
        """
    )
    first, second, third = sorted(found.uses, key=lambda u: u.location.span)

    assert first.query == second.query
    assert third.query != first.query


def test_scan_relationship_loads() -> None:
    found = scan(
        """\
        stmt = (
            select(Tenant)
            .options(selectinload(Tenant.notarizations).joinedload(Notarization.anchors))
            .join(Tenant.invoices)
            .where(Tenant.owners.any(Owner.email == email))
        )
        """
    )
    loads = {(load.entity, load.attribute) for load in found.loads}

    assert loads == {
        ("Tenant", "notarizations"),
        ("Notarization", "anchors"),
        ("Tenant", "invoices"),
        ("Tenant", "owners"),
    }
    assert {(u.entity, u.attribute) for u in found.uses} == {("Owner", "email")}


def test_scan_relationship_declarations() -> None:
    found = scan(
        """\
        class Tenant(Base):
            __tablename__ = "tenants"
            id = mapped_column("tenant_id", primary_key=True)
            slug = Column(String(40))
            notarizations: Mapped[list["Notarization"]] = relationship(
                back_populates="tenant"
            )
            owner: Mapped[Optional["Owner"]] = relationship()
            tags = relationship("app.models.Tag", secondary="tenant_tags")
        """
    )
    declared = {(d.attribute, d.target, d.secondary) for d in found.relationships}

    assert declared == {
        ("notarizations", "Notarization", None),
        ("owner", "Owner", None),
        ("tags", "Tag", "tenant_tags"),
    }
    assert found.column_names == {"Tenant": {"id": "tenant_id"}}


def test_scan_engine_pool_options() -> None:
    found = scan(
        """\
        engine = create_engine(
            "postgresql+psycopg://app@db/app", pool_size=10, pool_pre_ping=True
        )
        lazy = sqlalchemy.ext.asyncio.create_async_engine(url, poolclass=NullPool)
        """
    )
    first, second = found.engines

    assert first.function == "create_engine"
    assert first.url == "postgresql+psycopg://app@db/app"
    assert first.options == {"pool_size": "10", "pool_pre_ping": "True"}
    assert first.location.span.start_line == 0
    assert second.function == "create_async_engine"
    assert second.url is None
    assert second.options == {"poolclass": "NullPool"}


def test_scan_join_partner_outside_models() -> None:
    found = scan(
        """\
        stmt = select(Document).where(Document.owner_id == current_user.id)
        """
    )
    owner = next(u for u in found.uses if u.attribute == "owner_id")

    assert owner.kind is UseKind.JOIN
    assert owner.partner == ("current_user", "id")


# -- mapping uses to tables ----------------------------------------------


def table(name: str, class_name: str | None, *columns: str) -> TableDef:
    """Return a table whose first column is the primary key."""
    defs = {
        column: ColumnDef(column, None, primary_key=position == 0)
        for position, column in enumerate(columns)
    }
    return TableDef(name, columns=defs, class_name=class_name)


def needs(schema: SchemaState, source: str) -> set[tuple[str, str, bool]]:
    """Return (table, columns, covered) of each lookup ``source`` makes."""
    queries = ProjectQueries()
    queries.add(scan(source))
    return {
        (need.table.key, ",".join(need.columns), need.covered)
        for need in index_needs(queries, schema)
    }


def test_resolve_core_table_columns() -> None:
    accounts = table("accounts", None, "id", "email", "region")
    accounts.indexes.append(IndexDef("ix_accounts_region", ("region",)))
    schema = SchemaState({"accounts": accounts})

    found = needs(
        schema,
        """        accounts = Table("accounts", metadata, Column("id", Integer))
        stmt = select(accounts).where(
            accounts.c.email == email, accounts.c.region == region
        )
        by_id = select(accounts).filter_by(id=1)
        """,
    )

    assert found == {
        ("accounts", "email", False),
        ("accounts", "region", True),
        ("accounts", "id", True),
    }


def test_resolve_inherited_columns() -> None:
    employees = table("employees", "Employee", "id", "name", "kind")
    engineers = table("engineers", "Engineer", "id", "level")
    schema = SchemaState({"employees": employees, "engineers": engineers})

    found = needs(
        schema,
        """        class Manager(Employee):
            pass

        class Engineer(Employee):
            __tablename__ = "engineers"

        a = select(Manager).where(Manager.name == name)
        b = select(Engineer).where(Engineer.name == name, Engineer.level == 3)
        c = session.get(Manager, 1)
        """,
    )

    assert found == {
        ("employees", "name", False),
        ("engineers", "level", False),
        ("employees", "id", True),
    }


def test_resolve_renamed_column_and_order() -> None:
    filings = table("filings", "Filing", "filing_id", "doc_title", "status", "filed")
    filings.indexes.append(IndexDef("ix_filings_status_filed", ("status", "filed")))
    schema = SchemaState({"filings": filings})

    found = needs(
        schema,
        """        class Filing(Base):
            id = mapped_column("filing_id", primary_key=True)
            title = mapped_column("doc_title", String(50))

        a = select(Filing).where(Filing.title == t)
        b = select(Filing).where(Filing.status == s).order_by(Filing.filed)
        c = select(Filing).order_by(Filing.filed.desc())
        d = select(Filing).order_by(Filing.id)
        """,
    )

    assert found == {
        ("filings", "doc_title", False),
        ("filings", "status", True),
        ("filings", "filed", True),
        ("filings", "filed", False),
        ("filings", "filing_id", True),
    }


def test_resolve_query_narrowed_by_index() -> None:
    notes = table("notes", "Note", "id", "owner_id", "status", "created")
    notes.columns["owner_id"].index = True
    schema = SchemaState({"notes": notes})
    queries = ProjectQueries()
    queries.add(
        scan(
            """\
            def f(session):
                stmt = select(Note).filter_by(owner_id=owner)
                stmt = stmt.where(Note.status == "open").order_by(Note.created)
                other = select(Note).where(Note.status == "open")
            """
        )
    )

    found = {
        (need.location.span.start_line + 1, need.columns, need.by_other_filter)
        for need in index_needs(queries, schema)
        if not need.covered
    }

    assert found == {
        (3, ("status",), True),
        (3, ("created",), True),
        (4, ("status",), False),
    }


def test_resolve_skips_boolean_filters() -> None:
    users = table("users", "User", "id", "banned", "name")
    users.columns["banned"].type = TypeSpec("Boolean")
    schema = SchemaState({"users": users})

    found = needs(
        schema,
        """\
        stmt = select(User).where(User.banned == False, User.name == name)
        """,
    )

    assert found == {("users", "name", False)}


def test_resolve_relationship_through_association() -> None:
    tenants = table("tenants", "Tenant", "id")
    tags = table("tags", "Tag", "id")
    links = table("tenant_tags", None, "id", "tenant_id", "tag_id")
    links.columns["tenant_id"].foreign_keys.append(
        ForeignKeyDef(("tenant_id",), "tenants", ("id",))
    )
    links.columns["tag_id"].foreign_keys.append(
        ForeignKeyDef(("tag_id",), "tags", ("id",))
    )
    schema = SchemaState({"tenants": tenants, "tags": tags, "tenant_tags": links})

    found = needs(
        schema,
        """\
        tenant_tags_table = Table("tenant_tags", Base.metadata)

        class Tenant(Base):
            tags = relationship("Tag", secondary=tenant_tags_table)

        stmt = select(Tag).options(selectinload(Tenant.tags))
        """,
    )

    assert found == {("tenant_tags", "tenant_id", False)}


def reported(schema: SchemaState, source: str) -> set[tuple[int, str, str, str]]:
    """Return (1-based line, table, columns, kind) of each lookup STW203 reports."""
    queries = ProjectQueries()
    queries.add(scan(source))
    return {
        (
            need.location.span.start_line + 1,
            need.table.key,
            ",".join(need.columns),
            need.kind.value,
        )
        for need in index_needs(queries, schema)
        if not need.covered and not need.by_other_filter
    }


def test_resolve_underscore_attribute_names() -> None:
    visits = table("visits", "Visit", "id", "user_id", "hidden", "created")
    visits.columns["user_id"].index = True
    schema = SchemaState({"visits": visits})

    found = reported(
        schema,
        """\
        class Visit(Base):
            _user_id: Mapped[int] = mapped_column("user_id", index=True)
            _hidden: Mapped[int] = mapped_column(name="hidden")

        a = select(Visit).where(Visit._user_id == user).order_by(Visit.created)
        b = select(Visit).where(Visit._hidden == flag)
        """,
    )

    assert found == {(6, "visits", "hidden", "filter")}


def test_resolve_same_table_comparison_not_join() -> None:
    credits = table("credits", "Credit", "id", "owner_id", "amount", "used", "at")
    credits.columns["owner_id"].index = True
    payments = table("payments", "Payment", "id", "credit_id", "at")
    schema = SchemaState({"credits": credits, "payments": payments})

    found = reported(
        schema,
        """\
        a = select(Credit).where(Credit.owner_id == owner, Credit.amount > Credit.used)
        b = select(Credit).where(Credit.amount > Credit.used)
        c = select(Credit).where(
            select(Payment.id).where(Payment.at > Credit.at).exists()
        )
        older = aliased(Credit)
        d = select(Credit).join(older, older.amount == Credit.used)
        e = select(Payment).join(Credit, Payment.credit_id == Credit.id)
        """,
    )

    assert found == {
        (7, "credits", "amount", "join"),
        (7, "credits", "used", "join"),
        (8, "payments", "credit_id", "join"),
    }


def owned_cards_schema() -> SchemaState:
    """Return owners with cards, whose owner_id is indexed, and notes, whose is not."""
    owners = table("owners", "Owner", "id")
    cards = table("cards", "Card", "id", "owner_id", "label")
    notes = table("notes", "Note", "id", "owner_id", "label")
    for holder in (cards, notes):
        holder.columns["owner_id"].foreign_keys.append(
            ForeignKeyDef(("owner_id",), "owners", ("id",))
        )
    cards.columns["owner_id"].index = True
    return SchemaState({"owners": owners, "cards": cards, "notes": notes})


def test_resolve_relationship_filter_uses_foreign_key() -> None:
    found = reported(
        owned_cards_schema(),
        """\
        class Card(Base):
            owner: Mapped["Owner"] = relationship(back_populates="cards")

        class Note(Base):
            owner = relationship("Owner")

        a = select(Card).where(Card.owner == owner, Card.label == "x")
        b = select(Note).where(Note.owner == owner)
        c = session.query(Card).filter_by(owner=owner).order_by(Card.label)
        """,
    )

    assert found == {(8, "notes", "owner_id", "filter")}


def test_resolve_relationship_filter_picks_foreign_keys() -> None:
    accounts = table("accounts", "Account", "id")
    transfers = table("transfers", "Transfer", "id", "sender_id", "receiver_id")
    for name in ("sender_id", "receiver_id"):
        transfers.columns[name].foreign_keys.append(
            ForeignKeyDef((name,), "accounts", ("id",))
        )
    transfers.columns["sender_id"].index = True
    schema = SchemaState({"accounts": accounts, "transfers": transfers})

    found = reported(
        schema,
        """\
        class Transfer(Base):
            sender = relationship("Account", foreign_keys=[sender_id])
            receiver = relationship("Account", foreign_keys="Transfer.receiver_id")
            either = relationship("Account", primaryjoin=some_join)

        a = select(Transfer).where(Transfer.sender == account)
        b = select(Transfer).where(Transfer.receiver == account)
        c = select(Transfer).where(Transfer.either == account)
        """,
    )

    assert found == {(7, "transfers", "receiver_id", "filter")}


def test_resolve_steps_after_unresolved_start() -> None:
    cards = table("cards", "Card", "id", "owner_id", "label")
    cards.columns["owner_id"].index = True
    schema = SchemaState({"cards": cards})

    found = reported(
        schema,
        """\
        base = select(Card).where(Card.owner_id == owner)

        class Repo:
            def narrowed(self, owner, label):
                statement = self.get_base_statement().where(Card.owner_id == owner)
                if label:
                    statement = statement.where(Card.label == label)
                return statement

            def built(self, owner, label):
                statement = self.get_base_statement()
                statement = statement.where(Card.owner_id == owner)
                return statement.where(Card.label == label)

        def by_label(statement, label):
            return statement.where(Card.label == label)

        def from_module(label):
            return base.where(Card.label == label)
        """,
    )

    assert found == {(16, "cards", "label", "filter")}


def test_scan_statement_name_stays_in_function() -> None:
    found = scan(
        """\
        def first(owner):
            statement = select(Card).where(Card.owner_id == owner)
            return statement.where(Card.label == "a")

        def second(statement, label):
            return statement.where(Card.label == label)

        def third(label):
            statement = make_statement()
            return statement.where(Card.label == label)
        """
    )
    keys = {use.location.span.start_line + 1: use.query for use in found.uses}

    assert keys[3] == keys[2]
    assert keys[6] != keys[2]
    assert keys[10] == (9, 16)


def test_resolve_joined_inheritance_narrowed_by_child() -> None:
    submissions = table("submissions", "Submission", "id", "kind", "date")
    solves = table("solves", "Solve", "id", "challenge_id", "user_id")
    solves.uniques.append(UniqueConstraintDef(("challenge_id", "user_id")))
    schema = SchemaState({"submissions": submissions, "solves": solves})

    found = reported(
        schema,
        """\
        class Solve(Submission):
            __tablename__ = "solves"

        a = Solve.query.filter_by(challenge_id=challenge).order_by(Solve.date.asc())
        b = Solve.query.order_by(Solve.date)
        c = select(Solve).where(Solve.kind == kind)
        """,
    )

    assert found == {
        (5, "submissions", "date", "order"),
        (6, "submissions", "kind", "filter"),
    }


# -- STW203 through the analysis and the CLI ------------------------------

ALEMBIC_INI = """\
[alembic]
script_location = migrations
sqlalchemy.url = sqlite:///app.sqlite
"""

ENV_PY = """\
from alembic import context

from app.models import Base

target_metadata = Base.metadata
"""

MODELS_PY = """\
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (Index("ix_accounts_region_created", "region", "created"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(320), unique=True)
    region: Mapped[str] = mapped_column(String(20))
    created: Mapped[int] = mapped_column()
    nickname: Mapped[str] = mapped_column("nick", String(40))

    keys: Mapped[list["ApiKey"]] = relationship()


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
"""

REVISION = '''\
"""create accounts and api keys"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(320), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("nick", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handle"),
    )
    op.create_index("ix_accounts_region_created", "accounts", ["region", "created"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_keys_account_id", "api_keys", ["account_id"])


def downgrade():
    op.drop_table("api_keys")
    op.drop_table("accounts")
'''

QUERIES_PY = """\
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Account, ApiKey


def by_handle(session, handle):
    return session.scalars(select(Account).where(Account.handle == handle)).first()


def in_region(session, region):
    stmt = select(Account).where(Account.region == region).order_by(Account.created)
    return session.scalars(stmt).all()


def by_created(session):
    return session.scalars(select(Account).order_by(Account.created)).all()


def by_nickname(session, nickname):
    return session.query(Account).filter_by(nickname=nickname).all()


def by_label(session, label):
    query = session.query(ApiKey)
    return query.filter(ApiKey.label == label).all()  # steward: ignore[STW203] tiny


def with_keys(session):
    return session.scalars(select(Account).options(selectinload(Account.keys))).all()
"""


@pytest.fixture
def query_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    files = {
        "alembic.ini": ALEMBIC_INI,
        "migrations/env.py": ENV_PY,
        "migrations/versions/0001_create.py": REVISION,
        "app/__init__.py": "",
        "app/models.py": MODELS_PY,
        "app/queries.py": QUERIES_PY,
        "tests/test_queries.py": "q = session.query(Account).filter_by(region=1)\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_check(root: Path) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "steward_lsp", "check", ".", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    findings: list[dict[str, object]] = json.loads(completed.stdout)
    return findings


def test_check_reports_unindexed_query_columns(query_project: Path) -> None:
    findings = run_check(query_project)
    reported = {(f["path"], f["line"], f["code"]) for f in findings}

    assert reported == {
        ("app/queries.py", 17, "STW203"),
        ("app/queries.py", 21, "STW203"),
    }


def test_check_stw203_severity(query_project: Path) -> None:
    findings = run_check(query_project)
    nickname = next(f for f in findings if f["line"] == 21)

    assert nickname["severity"] == "information"


def test_stw203_data_names_index(query_project: Path) -> None:
    result = Workspace(query_project).analyze()
    nickname = next(
        f
        for f in result.all_findings()
        if f.code == "STW203" and f.location.span.start_line == 20
    )

    assert nickname.data == {
        "table": "accounts",
        "column": "nick",
        "columns": ["nick"],
        "use": "filter",
        "index": {"name": "ix_accounts_nick", "columns": ["nick"]},
    }


def test_edited_buffer_changes_findings(query_project: Path) -> None:
    workspace = Workspace(query_project)
    workspace.analyze()
    queries_py = (query_project / "app" / "queries.py").resolve()
    edited = QUERIES_PY.replace("Account.created)).all()", "Account.handle)).all()")

    workspace.set_document(queries_py, edited)
    result = workspace.analyze()
    lines = {
        f.location.span.start_line + 1
        for f in result.findings[queries_py]
        if f.code == "STW203"
    }

    assert lines == {21}


def test_loaded_relationship_uses_foreign_key(query_project: Path) -> None:
    models = query_project / "app" / "models.py"
    models.write_text(MODELS_PY.replace(", index=True)", ")"), encoding="utf-8")
    findings = run_check(query_project)
    loads = [f for f in findings if f["code"] == "STW203" and f["line"] == 30]

    assert len(loads) == 1
    assert "loading Account.keys joins on api_keys.account_id" in str(
        loads[0]["message"]
    )


def test_scanner_rescans_only_changed_file(
    query_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned: list[Path] = []

    def counting_scan(path: Path, text: str) -> FileScan:
        scanned.append(path)
        return scan_source(path, text)

    monkeypatch.setattr(project, "scan_source", counting_scan)
    workspace = Workspace(query_project)
    environment = workspace.environments()[0]
    scanner = project.DataAccessScanner(ParseCache[FileScan]())
    texts = {
        path: path.read_text(encoding="utf-8")
        for path in scanner.files(environment, query_project)
    }
    scanner.scan(environment, query_project, texts.__getitem__, {})
    first_pass = len(scanned)
    queries_py = (query_project / "app" / "queries.py").resolve()
    texts[queries_py] += "\n# edited\n"
    scanned.clear()

    merged = scanner.scan(environment, query_project, texts.__getitem__, {})

    assert first_pass == len(texts)
    assert scanned == [queries_py]
    assert merged.uses


def test_scanner_skips_tests_and_revisions(query_project: Path) -> None:
    environment = Workspace(query_project).environments()[0]
    scanner = project.DataAccessScanner(ParseCache[FileScan]())
    names = {
        path.relative_to(query_project.resolve()).as_posix()
        for path in scanner.files(environment, query_project)
    }

    assert names == {"app/__init__.py", "app/models.py", "app/queries.py"}


def test_scanner_reuses_unchanged_merge(query_project: Path) -> None:
    environment = Workspace(query_project).environments()[0]
    scanner = project.DataAccessScanner(ParseCache[FileScan]())
    texts = {
        path: path.read_text(encoding="utf-8")
        for path in scanner.files(environment, query_project)
    }
    first = scanner.scan(environment, query_project, texts.__getitem__, {})
    again = scanner.scan(environment, query_project, texts.__getitem__, {})
    queries_py = (query_project / "app" / "queries.py").resolve()
    texts[queries_py] += "\n# edited\n"
    edited = scanner.scan(environment, query_project, texts.__getitem__, {})
    texts[queries_py] = "\n" + texts[queries_py]
    shifted = scanner.scan(environment, query_project, texts.__getitem__, {})

    assert again is first
    assert edited is first
    assert shifted is not first
    assert len(shifted.uses) == len(first.uses)


def test_scanner_survives_deep_nesting(query_project: Path) -> None:
    deep = query_project / "app" / "deep.py"
    deep.write_text(
        "stmt = select(Account).where(Account.nickname == 1)\n"
        + "chain = "
        + "a." * 200_000
        + "b\n"
        + "negated = "
        + "-" * 100_000
        + "1\n",
        encoding="utf-8",
    )

    findings = run_check(query_project)

    assert ("app/queries.py", 21, "STW203") in {
        (f["path"], f["line"], f["code"]) for f in findings
    }
