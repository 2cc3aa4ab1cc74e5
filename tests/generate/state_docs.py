"""Helpers of the model-state and document-state tests.

Golden files live under ``golden/<command>/<workspace>/``. Running the tests
with ``STEWARD_UPDATE_GOLDEN=1`` rewrites them from what the generators write
now, so read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import (
    ClientServerConfig,
    LanguageClient,
    client_capabilities,
    make_test_lsp_client,
)

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.generate import GenerateRequest, GenerateResult, generator_named

REPOSITORY = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
MERMAID = REPOSITORY / "tests" / "mermaid"

# The bundled reference: the repository root (its alembic.ini, migrations/
# and the QuantumNotary models), and the defect example.
WORKSPACES = {
    "quantumnotary": REPOSITORY,
    "defects": REPOSITORY / "examples" / "defects",
}
REFERENCE_FILES = (
    "alembic.ini",
    "pyproject.toml",
    "migrations",
    "examples/quantumnotary",
)

# A project whose foreign keys cover every cardinality the diagram draws.
KEYS_MODELS = '''\
"""People, their papers and groups: one of each kind of foreign key."""

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    email: Mapped[str] = mapped_column(
        String(320), info={"pii": "email", "retention": "P2Y"}
    )
    phone: Mapped[str | None] = mapped_column(
        String(32), info={"pii": "phone", "retention": "P30D"}
    )
    home_address: Mapped[str | None] = mapped_column(String(200))


class Passport(Base):
    __tablename__ = "passports"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    number: Mapped[str] = mapped_column(
        String(20), info={"pii": "national_id", "retention": "P10Y"}
    )
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("issuers.id"), index=True)


class Profile(Base):
    __tablename__ = "profiles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    bio: Mapped[str | None] = mapped_column(String(500), comment="Free text.")


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


memberships = Table(
    "memberships",
    Base.metadata,
    Column("person_id", ForeignKey("people.id"), primary_key=True),
    Column("group_id", ForeignKey("groups.id"), primary_key=True),
)


class MembershipCard(Base):
    __tablename__ = "membership_cards"
    __table_args__ = (
        ForeignKeyConstraint(
            ["person_id", "group_id"],
            ["memberships.person_id", "memberships.group_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column()
    group_id: Mapped[int | None] = mapped_column()


class End(Base):
    """A table and a column whose names are Mermaid keywords."""

    __tablename__ = "end"

    pk: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = {"schema": "ledger"}

    id: Mapped[int] = mapped_column(primary_key=True)
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
    chain_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
'''

KEYS_ENV = """\
from alembic import context

from app.models import Base

target_metadata = Base.metadata
"""

KEYS_INI = """\
[alembic]
script_location = migrations
sqlalchemy.url = sqlite:///keys.sqlite3
"""

KEYS_FIRST_REVISION = '''\
"""create people"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("fax", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("people")
'''

KEYS_SECOND_REVISION = '''\
"""add phone, replace fax"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.add_column("people", sa.Column("phone", sa.String(32), nullable=True))
    op.drop_column("people", "fax")


def downgrade():
    op.add_column("people", sa.Column("fax", sa.String(32), nullable=True))
    op.drop_column("people", "phone")
'''


def write_keys_project(root: Path) -> Path:
    """Write the project of :data:`KEYS_MODELS` under ``root`` and return it."""
    files = {
        "alembic.ini": KEYS_INI,
        "migrations/env.py": KEYS_ENV,
        "migrations/versions/0001_create_people.py": KEYS_FIRST_REVISION,
        "migrations/versions/0002_add_phone.py": KEYS_SECOND_REVISION,
        "app/__init__.py": "",
        "app/models.py": KEYS_MODELS,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root.resolve()


def copy_reference(destination: Path) -> Path:
    """Copy the bundled reference workspace (without docs/) to ``destination``."""
    root = destination / "reference"
    root.mkdir()
    for name in REFERENCE_FILES:
        source = REPOSITORY / name
        target = root / name
        if source.is_dir():
            shutil.copytree(
                source, target, ignore=shutil.ignore_patterns("__pycache__", "build")
            )
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return root.resolve()


def run_generator(
    command: str, root: Path, options: dict[str, object] | None = None
) -> GenerateResult:
    """Analyse ``root`` in this process and run the generator ``command``."""
    result = Workspace(root).analyze()
    request = GenerateRequest(root, result, options or {})
    return generator_named(command).run(request)


def generated_texts(command: str, root: Path) -> dict[str, str]:
    """Return the generator's files as name (relative to root) to text."""
    result = run_generator(command, root)
    return {file.path.relative_to(root).as_posix(): file.text for file in result.files}


def check_golden(command: str, workspace: str, texts: dict[str, str]) -> None:
    """Compare ``texts`` with the golden files, or rewrite them on request."""
    folder = GOLDEN / command.replace("-", "_") / workspace
    if os.environ.get("STEWARD_UPDATE_GOLDEN") == "1":
        if folder.exists():
            shutil.rmtree(folder)
        for name, text in texts.items():
            path = folder / Path(name).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    expected = {
        path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())
    }
    actual = {Path(name).name: text for name, text in texts.items()}
    assert sorted(actual) == sorted(expected), f"golden files in {folder}"
    for name, text in actual.items():
        assert text == expected[name], (
            f"{name} differs from {folder / name}; rerun with "
            "STEWARD_UPDATE_GOLDEN=1 to accept the change"
        )


def steward(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m steward_lsp`` with ``args`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def parse_mermaid(paths: list[Path]) -> list[dict[str, object]]:
    """Parse ``paths`` with Mermaid's parser in Node and return what it read.

    Skips when Node or ``tests/mermaid/node_modules`` is missing, except
    under CI, where it fails: install with ``npm ci --prefix tests/mermaid``.
    """
    import json

    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed"
    elif not (MERMAID / "node_modules" / "mermaid").is_dir():
        missing = "tests/mermaid/node_modules is missing"
    if missing is not None:
        reason = f"{missing}; run `npm ci --prefix tests/mermaid`"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the Mermaid check must run)")
        pytest.skip(reason)
    assert node is not None
    completed = subprocess.run(
        [node, str(MERMAID / "parse-er.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    parsed: list[dict[str, object]] = json.loads(completed.stdout)
    return parsed


def _make_client() -> LanguageClient:
    """Return a test client that also accepts the server's watcher registration."""
    client = make_test_lsp_client()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        return None

    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "steward_lsp.server"],
    client_factory=_make_client,
)
CLIENT = "visual-studio-code"


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the language server over stdio; import it into a test module."""
    yield
    await lsp_client.shutdown_session()


async def execute_generator(
    client: LanguageClient,
    root: Path,
    command: str,
    options: dict[str, Any] | None = None,
) -> Any:
    """Open ``root`` as the workspace folder and run ``command`` with ``options``."""
    folder_uri = from_fs_path(str(root))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(CLIENT),
            root_uri=folder_uri,
            workspace_folders=[types.WorkspaceFolder(uri=folder_uri, name=root.name)],
        )
    )
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[options or {}])
    )
