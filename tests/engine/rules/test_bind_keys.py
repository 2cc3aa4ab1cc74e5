"""Flask-SQLAlchemy binds: tables of another database are left out of drift."""

from __future__ import annotations

from pathlib import Path

from steward_lsp.engine.analysis import Workspace

FIXTURE = Path(__file__).parents[2] / "workspaces" / "flask_bind_key"


def test_bind_tables_not_compared() -> None:
    result = Workspace(FIXTURE).analyze()
    findings = result.all_findings()

    drift = [f for f in findings if f.code in {"STW101", "STW103", "STW107"}]
    assert drift == []
    (analysis,) = result.environments
    binds = {key: t.bind_key for key, t in analysis.model_schema.tables.items()}
    assert binds == {
        "account": None,
        "audit_event": "audit",
        "audit_links": "audit",
        "report": "warehouse",
    }


def test_bind_finding_once_per_key() -> None:
    findings = Workspace(FIXTURE).analyze().all_findings()
    notes = [f for f in findings if "bind_key" in f.data]

    assert sorted(f.data["bind_key"] for f in notes) == ["audit", "warehouse"]
    assert all(f.code == "STW100" for f in notes)
    audit = next(f for f in notes if f.data["bind_key"] == "audit")
    assert "audit_event, audit_links" in audit.message
    assert audit.location.path.name == "app.py"


MULTIDB = Path(__file__).parents[2] / "workspaces" / "flask_multidb"


def test_multidb_replays_default_bind() -> None:
    result = Workspace(MULTIDB).analyze()
    (analysis,) = result.environments
    codes = sorted(f.code for f in result.all_findings())

    assert sorted(analysis.head_schema.tables) == ["account"]
    assert "STW110" not in codes
    assert "STW301" not in codes
    assert codes.count("STW100") == 1
    (script,) = analysis.scripts
    assert [op.name for op in script.upgrade.operations] == ["create_table"]
    assert [op.name for op in script.downgrade.operations] == ["drop_table"]
