"""Ledger rules STW501-STW502 and compliance rules STW601-STW602."""

from __future__ import annotations

from rule_builders import at, column, context, schema, table, typ

from steward_lsp.engine.config import Settings
from steward_lsp.engine.rules.compliance import check_compliance
from steward_lsp.engine.rules.ledger import check_ledger


def anchors(*columns):
    return table("anchors", column("id", line=1, primary_key=True), *columns)


def test_ledger_id_without_chain_id():
    findings = check_ledger(
        context(
            schema(
                anchors(
                    column("tx_hash", typ("String", 66), 2, nullable=False, index=True)
                )
            )
        )
    )
    assert [f.code for f in findings] == ["STW501"]
    assert findings[0].location == at(2)


def test_ledger_id_with_chain_id_is_clean():
    tables = anchors(
        column("tx_hash", typ("String", 66), 2, nullable=False),
        column("chain_id", typ("String", 32), 3, nullable=False),
    )
    settings = Settings(ledger_id_min_length=66)
    assert check_ledger(context(schema(tables), settings=settings)) == []


def test_nullable_ledger_id():
    tables = anchors(column("tx_hash", typ("String", 66), 2), column("network", line=3))
    settings = Settings(ledger_id_min_length=66)
    findings = check_ledger(context(schema(tables), settings=settings))
    assert [f.code for f in findings] == ["STW502"]
    assert findings[0].data["problem"] == "nullable"


def test_short_ledger_id():
    findings = check_ledger(
        context(
            schema(
                anchors(
                    column("anchor_id", typ("String", 32), 2, nullable=False),
                    column("chain_id", line=3),
                )
            )
        )
    )
    assert [f.code for f in findings] == ["STW502"]
    assert findings[0].data["length"] == 32
    assert "String(64)" in findings[0].message


def test_text_ledger_id_has_no_length_problem():
    findings = check_ledger(
        context(
            schema(
                anchors(
                    column("anchor_id", typ("Text"), 2, nullable=False),
                    column("chain_id", line=3),
                )
            )
        )
    )
    assert findings == []


def test_unclassified_email():
    findings = check_compliance(
        context(schema(table("users", column("contact_email", typ("String", 200), 2))))
    )
    assert [f.code for f in findings] == ["STW601"]
    assert findings[0].data["pii"] == "email"


def test_classified_email_without_retention():
    findings = check_compliance(
        context(
            schema(
                table(
                    "users",
                    column("email", typ("String", 200), 2, info={"pii": "email"}),
                )
            )
        )
    )
    assert [f.code for f in findings] == ["STW602"]


def test_classified_with_retention_is_clean():
    info = {"pii": "email", "retention": "P7Y"}
    findings = check_compliance(
        context(
            schema(table("users", column("email", typ("String", 200), 2, info=info)))
        )
    )
    assert findings == []


def test_explicitly_not_pii_is_clean():
    findings = check_compliance(
        context(
            schema(
                table(
                    "users", column("email", typ("String", 200), 2, info={"pii": False})
                )
            )
        )
    )
    assert findings == []


def test_non_personal_column_is_clean():
    findings = check_compliance(
        context(schema(table("users", column("title", typ("String", 200), 2))))
    )
    assert findings == []
