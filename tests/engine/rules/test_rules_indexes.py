"""Index rules STW201 and STW202 on model schemas built directly."""

from __future__ import annotations

import pytest
from rule_builders import at, column, context, schema, table, typ

from steward_lsp.engine.config import Settings
from steward_lsp.engine.rules.indexes import check_indexes
from steward_lsp.engine.schema import ForeignKeyDef, IndexDef, UniqueConstraintDef


def notarizations(*columns, **fields):
    return table(
        "notarizations",
        column("id", line=1, primary_key=True),
        *columns,
        line=0,
        **fields,
    )


def run(*tables, settings=None):
    return check_indexes(context(schema(*tables), settings=settings))


def test_unindexed_ledger_id_reported():
    findings = run(notarizations(column("tx_hash", typ("String", 66), 2)))
    assert [f.code for f in findings] == ["STW201"]
    assert findings[0].location == at(2)
    assert findings[0].data == {
        "table": "notarizations",
        "column": "tx_hash",
        "fix": "index=True",
    }


@pytest.mark.parametrize(
    "fields, column_fields",
    [
        pytest.param({}, {"index": True}, id="index-true"),
        pytest.param({}, {"unique": True}, id="unique-true"),
        pytest.param(
            {"indexes": [IndexDef("ix_hash_chain", ("tx_hash", "chain_id"))]},
            {},
            id="leading-in-composite",
        ),
        pytest.param(
            {"uniques": [UniqueConstraintDef(("tx_hash", "chain_id"))]},
            {},
            id="leading-in-unique",
        ),
    ],
)
def test_indexed_ledger_id_not_reported(fields, column_fields):
    ledger = column("tx_hash", typ("String", 66), 2, **column_fields)
    tables = notarizations(ledger, column("chain_id", line=3), **fields)
    assert run(tables) == []


def test_ledger_id_primary_key_not_reported():
    anchors = table(
        "anchors", column("anchor_id", typ("String", 66), 1, primary_key=True)
    )
    assert run(anchors) == []


def test_ledger_id_second_in_primary_key_reported():
    tables = notarizations(column("tx_hash", typ("String", 66), 2, primary_key=True))
    assert [f.code for f in run(tables)] == ["STW201"]


def test_ledger_id_second_in_composite_reported():
    index = IndexDef("ix_chain_hash", ("chain_id", "tx_hash"))
    tables = notarizations(
        column("tx_hash", typ("String", 66), 2),
        column("chain_id", line=3),
        indexes=[index],
    )
    assert [f.code for f in run(tables)] == ["STW201"]


def test_ledger_patterns_from_settings():
    tables = notarizations(column("receipt", typ("String", 66), 2))
    assert run(tables) == []
    settings = Settings(ledger_id_patterns=["receipt"])
    assert [f.code for f in run(tables, settings=settings)] == ["STW201"]


def test_unindexed_foreign_key_reported():
    fk = ForeignKeyDef(("tenant_id",), "tenants", ("id",))
    findings = run(notarizations(column("tenant_id", line=2, foreign_keys=[fk])))
    assert [f.code for f in findings] == ["STW202"]
    assert findings[0].location == at(2)
    assert "tenants" in findings[0].message


def test_indexed_foreign_key_not_reported():
    fk = ForeignKeyDef(("tenant_id",), "tenants", ("id",))
    ledger = column("tenant_id", line=2, foreign_keys=[fk], index=True)
    assert run(notarizations(ledger)) == []


def test_composite_foreign_key_covered_by_leading_columns():
    fk = ForeignKeyDef(
        ("tenant_id", "doc_id"), "documents", ("tenant_id", "id"), location=at(9)
    )
    index = IndexDef("ix_t_d_x", ("doc_id", "tenant_id", "created_at"))
    tables = notarizations(
        column("tenant_id", line=2),
        column("doc_id", line=3),
        foreign_keys=[fk],
        indexes=[index],
    )
    assert run(tables) == []


def test_composite_foreign_key_uncovered_on_constraint():
    fk = ForeignKeyDef(
        ("tenant_id", "doc_id"), "documents", ("tenant_id", "id"), location=at(9)
    )
    index = IndexDef("ix_tenant", ("tenant_id",))
    tables = notarizations(
        column("tenant_id", line=2),
        column("doc_id", line=3),
        foreign_keys=[fk],
        indexes=[index],
    )
    findings = run(tables)
    assert [f.code for f in findings] == ["STW202"]
    assert findings[0].location == at(9)


def test_foreign_key_in_primary_key_not_reported():
    fk = ForeignKeyDef(("document_id",), "documents", ("id",))
    link = table(
        "document_tags",
        column("document_id", line=1, primary_key=True, foreign_keys=[fk]),
        column("tag_id", line=2, primary_key=True),
    )
    assert run(link) == []


def test_prefix_index_is_redundant():
    tables = notarizations(
        column("tenant_id", line=2, index=True),
        column("created_at", line=3),
        indexes=[IndexDef("ix_tenant_created", ("tenant_id", "created_at"), at(5))],
    )
    findings = [f for f in run(tables) if f.code == "STW204"]
    assert len(findings) == 1
    assert findings[0].location == at(2)
    assert findings[0].data["covered_by"] == "index ix_tenant_created"


def test_index_on_primary_key_is_redundant():
    tables = table("tags", column("id", line=1, primary_key=True, index=True))
    findings = run(tables)
    assert [f.code for f in findings] == ["STW204"]
    assert findings[0].data["covered_by"] == "the primary key"


def test_duplicate_indexes_report_second():
    tables = notarizations(
        column("code", line=2),
        indexes=[
            IndexDef("ix_code_a", ("code",), location=at(5)),
            IndexDef("ix_code_b", ("code",), location=at(6)),
        ],
    )
    findings = run(tables)
    assert [f.code for f in findings] == ["STW204"]
    assert findings[0].location == at(6)


@pytest.mark.parametrize(
    "short",
    [
        pytest.param(IndexDef("ix_code", ("code",), True, location=at(5)), id="unique"),
        pytest.param(
            IndexDef(
                "ix_code",
                ("code",),
                False,
                {"postgresql_where": "code > 0"},
                location=at(5),
            ),
            id="partial",
        ),
        pytest.param(IndexDef("ix_kind", ("kind",), location=at(5)), id="not-prefix"),
    ],
)
def test_index_not_redundant(short):
    tables = notarizations(
        column("code", line=2),
        column("kind", line=3),
        indexes=[short, IndexDef("ix_code_kind", ("code", "kind"), location=at(6))],
    )
    assert run(tables) == []
