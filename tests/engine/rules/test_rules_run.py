"""run_rules: every family runs, and a failing family does not stop the rest."""

from __future__ import annotations

import logging

from rule_builders import column, context, schema, script, table, typ

from steward_lsp.engine import rules


def test_run_rules_combines_families():
    model = schema(table("anchors", column("tx_hash", typ("String", 66), 2)))
    revision = script("a1", [], downgrade_present=False)
    found = rules.run_rules(context(model, scripts=[revision]))
    assert {f.code for f in found} == {"STW101", "STW201", "STW501", "STW502"}


def test_failing_family_is_logged_and_skipped(monkeypatch, caplog):
    def broken(_context):
        raise RuntimeError("boom")

    monkeypatch.setattr(rules, "RULE_FAMILIES", (broken, *rules.RULE_FAMILIES))
    model = schema(table("anchors", column("tx_hash", typ("String", 66), 2)))
    with caplog.at_level(logging.ERROR):
        found = rules.run_rules(context(model))
    assert "STW201" in {f.code for f in found}
    assert "rule family broken failed" in caplog.text
