"""``steward document-state``: golden files, contract facts, retention, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient
from state_docs import (
    REPOSITORY,
    WORKSPACES,
    check_golden,
    client,  # noqa: F401 - the language-server fixture
    copy_reference,
    execute_generator,
    generated_texts,
    steward,
    write_keys_project,
)

from steward_lsp.engine.generate.document_state_retention import (
    duration_seconds,
    retention_order,
)

COMMAND = "document-state"
CONTRACT = "docs/data-contract.md"
RETENTION = "docs/retention-matrix.md"

# Two more tables in the keys project: an audit of receipts and its notes,
# so the lineage of the receipts' ledger id runs through two foreign keys.
AUDIT_MODELS = """\
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base


class ReceiptAudit(Base):
    __tablename__ = "receipt_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("ledger.receipts.id"), index=True, doc="Receipt audited."
    )


class AuditNote(Base):
    __tablename__ = "audit_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("receipt_audits.id"), index=True)
    text: Mapped[str] = mapped_column(String(200), comment="Note | with a pipe.")
"""


@pytest.mark.parametrize("workspace", sorted(WORKSPACES))
def test_golden(workspace: str) -> None:
    texts = generated_texts(COMMAND, WORKSPACES[workspace])

    assert sorted(texts) == [CONTRACT, RETENTION]
    check_golden(COMMAND, workspace, texts)


def test_output_is_byte_deterministic(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)

    copied = generated_texts(COMMAND, root)

    assert copied == generated_texts(COMMAND, REPOSITORY)
    for text in copied.values():
        assert str(tmp_path) not in text


def test_contract_rows_carry_revision_and_classification(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    contract = generated_texts(COMMAND, root)[CONTRACT]

    rows = _rows(contract)
    assert rows["people.email"][6:8] == ["email", "P2Y"]
    assert rows["people.email"][9] == "`0001` create people"
    # Added by the second revision, after fax was dropped there.
    assert rows["people.phone"][9] == "`0002` add phone, replace fax"
    assert rows["people.home_address"][6] == "unclassified, looks like address (STW601)"
    assert rows["people.home_address"][9] == "no revision"
    assert rows["passports.person_id"][4] == "FK → people.id, UK"
    assert rows["ledger.receipts.tx_hash"][4] == "ledger id"
    assert rows["profiles.bio"][8] == "Free text."
    assert rows["memberships.group_id"][3] == "NOT NULL"
    assert rows["people.manager_id"][3] == "NULL"


def test_contract_lists_ledger_and_pii_findings() -> None:
    contract = generated_texts(COMMAND, WORKSPACES["defects"])[CONTRACT]

    accounts = _section(contract, "### `accounts`")
    assert "- STW601 column accounts.email looks like personal data" in accounts
    assert "- STW602 column accounts.phone is classified as PII" in accounts
    assert "STW104" not in accounts
    anchors = _section(contract, "### `anchors`")
    assert anchors.count("- STW502 ") == 2
    receipts = _section(contract, "### `receipts`")
    assert "- STW501 table receipts stores ledger id receipt_tx_hash" in receipts


def test_lineage_follows_foreign_keys_transitively(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)
    (root / "app" / "audit.py").write_text(AUDIT_MODELS, encoding="utf-8")
    models = root / "app" / "models.py"
    models.write_text(
        models.read_text(encoding="utf-8") + "\n\nfrom app import audit  # noqa\n",
        encoding="utf-8",
    )

    contract = generated_texts(COMMAND, root)[CONTRACT]

    lineage = contract[contract.index("### Ledger-id lineage") :].splitlines()
    assert lineage[2:] == [
        "- `ledger.receipts` stores ledger id `tx_hash`, with chain id `chain_id`",
        "  - refers to `people` through `ledger.receipts(person_id)` → `people(id)`",
        "  - referenced by `receipt_audits` through `receipt_audits(receipt_id)` → "
        "`ledger.receipts(id)`",
        "    - referenced by `audit_notes` through `audit_notes(audit_id)` → "
        "`receipt_audits(id)`",
    ]
    rows = _rows(contract)
    assert rows["receipt_audits.receipt_id"][8] == "Receipt audited."
    assert rows["audit_notes.text"][8] == "Note \\| with a pipe."


def test_retention_matrix_orders_periods(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    matrix = generated_texts(COMMAND, root)[RETENTION].splitlines()

    assert "| PII class | P30D | P2Y | P10Y |" in matrix
    assert "| email |  | `people` |  |" in matrix
    assert "| national_id |  |  | `passports` |" in matrix
    assert "- `people.home_address`: looks like address" in matrix


def test_retention_without_period_is_reported() -> None:
    matrix = generated_texts(COMMAND, WORKSPACES["defects"])[RETENTION]

    assert "| `accounts` | `phone` | phone | none (STW602) |" in matrix
    assert "- `accounts.email`: looks like email" in matrix


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("P90D", 90 * 86_400),
        ("P1Y", 31_556_952),
        ("P1Y2M", 31_556_952 + 2 * 2_629_746),
        ("P2W", 14 * 86_400),
        ("PT36H", 36 * 3_600),
        ("P", None),
        ("PT", None),
        ("P1DT", None),
        ("forever", None),
        ("7 years", None),
    ],
)
def test_duration_seconds(text: str, seconds: int | None) -> None:
    assert duration_seconds(text) == seconds


def test_retention_order_puts_unknown_last() -> None:
    periods = ["forever", "none (STW602)", "P7Y", "P90D", "P1Y"]

    ordered = sorted(periods, key=retention_order)

    assert ordered == ["P90D", "P1Y", "P7Y", "forever", "none (STW602)"]


def test_cli_check_after_model_edit(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)

    written = steward(COMMAND, ".", cwd=root)

    assert written.returncode == 0, written.stderr
    assert "wrote docs/data-contract.md" in written.stdout
    assert "wrote docs/retention-matrix.md" in written.stdout
    assert steward(COMMAND, "--check", ".", cwd=root).returncode == 0

    users = root / "examples/quantumnotary/quantumnotary/models/access.py"
    text = users.read_text(encoding="utf-8")
    users.write_text(text.replace('"retention": "P7Y"', '"retention": "P5Y"', 1))
    stale = steward(COMMAND, "--check", ".", cwd=root)

    assert stale.returncode == 1
    assert "docs/retention-matrix.md is out of date" in stale.stderr
    assert "docs/data-contract.md is out of date" in stale.stderr


def test_repository_docs_are_current() -> None:
    checked = steward(COMMAND, "--check", ".", cwd=REPOSITORY)

    assert checked.returncode == 0, checked.stderr


async def test_server_command_writes_the_contract(
    client: LanguageClient,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    root = copy_reference(tmp_path)

    result = await execute_generator(client, root, "steward.documentState")

    contract = root / CONTRACT
    assert result["written"] == [
        from_fs_path(str(contract)),
        from_fs_path(str(root / RETENTION)),
    ]
    assert result["summary"] == "7 table(s) and 56 column(s) in data-contract.md"
    expected = generated_texts(COMMAND, REPOSITORY)[CONTRACT]
    assert contract.read_text(encoding="utf-8") == expected


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n### ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def _rows(contract: str) -> dict[str, list[str]]:
    """Return the contract's column rows keyed by ``table.column``."""
    rows: dict[str, list[str]] = {}
    table = None
    for line in contract.splitlines():
        if line.startswith("### `"):
            table = line[5:-1]
        elif table and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[f"{table}.{cells[0].strip('`')}"] = cells
    return rows
