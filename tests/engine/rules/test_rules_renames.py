"""Drift that is a rename: a probable column rename, names from a convention."""

from __future__ import annotations

import pytest
from rule_builders import (
    MODELS,
    column,
    context,
    revision_path,
    schema,
    script,
    table,
    typ,
)

from steward_lsp.engine.rules.drift_tables import check_drift
from steward_lsp.engine.schema import IndexDef, UniqueConstraintDef

HEAD = revision_path("a1")

CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
}


def receipts(*extra, path=MODELS, **fields):
    return table(
        "receipts",
        column("id", typ("Integer"), 6, path, primary_key=True, nullable=False),
        *extra,
        line=5,
        path=path,
        **fields,
    )


def run(model, head, convention=None, dialect=None):
    rule_context = context(
        schema(model, naming_convention=convention),
        schema(head),
        scripts=[script("a1")],
        dialect=dialect,
    )
    return check_drift(rule_context)


def summary(findings):
    return sorted(
        (
            f.code,
            f.data.get("column") or f.data.get("index"),
            f.data.get("renamed_from"),
        )
        for f in findings
    )


def test_one_column_each_side_is_rename():
    model = receipts(column("note", typ("String", 200), 7))
    head = receipts(column("memo", typ("String", 200), 12, HEAD), path=HEAD)

    [finding] = run(model, head)

    assert finding.code == "STW103"
    assert finding.data["column"] == "note"
    assert finding.data["renamed_from"] == "memo"
    assert finding.data["fix"] == (
        "op.alter_column('receipts', 'memo', new_column_name='note')"
    )
    assert "probably a rename" in finding.message


def test_rename_beside_added_other_type():
    model = receipts(
        column("note", typ("String", 200), 7),
        column("copies", typ("Integer"), 8),
    )
    head = receipts(column("memo", typ("String", 200), 12, HEAD), path=HEAD)

    findings = run(model, head)

    assert summary(findings) == [
        ("STW103", "copies", None),
        ("STW103", "note", "memo"),
    ]


def test_two_renames_in_one_table():
    model = receipts(
        column("note", typ("String", 200), 7),
        column("copies", typ("Integer"), 8),
    )
    head = receipts(
        column("memo", typ("String", 200), 12, HEAD),
        column("count", typ("Integer"), 13, HEAD),
        path=HEAD,
    )

    findings = run(model, head)

    assert summary(findings) == [
        ("STW103", "copies", "count"),
        ("STW103", "note", "memo"),
    ]


@pytest.mark.parametrize(
    "model_columns, head_columns",
    [
        pytest.param(
            [column("note", typ("Integer"), 7)],
            [column("memo", typ("String", 200), 12, HEAD)],
            id="other-type",
        ),
        pytest.param(
            [
                column("note", typ("String", 200), 7),
                column("tag", typ("String", 200), 8),
            ],
            [column("memo", typ("String", 200), 12, HEAD)],
            id="two-added",
        ),
        pytest.param(
            [column("note", typ("String", 200), 7)],
            [
                column("memo", typ("String", 200), 12, HEAD),
                column("label", typ("String", 200), 13, HEAD),
            ],
            id="two-removed",
        ),
    ],
)
def test_ambiguous_columns_drop_and_add(model_columns, head_columns):
    model = receipts(*model_columns)
    head = receipts(*head_columns, path=HEAD)

    findings = run(model, head)

    added = sorted(f.data["column"] for f in findings if f.code == "STW103")
    removed = sorted(f.data["column"] for f in findings if f.code == "STW104")
    assert added == sorted(c.name for c in model_columns)
    assert removed == sorted(c.name for c in head_columns)
    assert all("renamed_from" not in f.data for f in findings)


def test_primary_key_column_not_paired():
    model = receipts(column("code", typ("Integer"), 7, primary_key=True))
    head = receipts(column("number", typ("Integer"), 12, HEAD), path=HEAD)

    findings = run(model, head)

    assert summary(findings) == [("STW103", "code", None), ("STW104", "number", None)]


def _convention_tables(head_name, model_name=None):
    model = receipts(
        column("owner", typ("Integer"), 7),
        column("day", typ("Integer"), 8),
        indexes=[IndexDef(model_name, ("owner", "day"))],
    )
    head = receipts(
        column("owner", typ("Integer"), 12, HEAD),
        column("day", typ("Integer"), 13, HEAD),
        indexes=[IndexDef(head_name, ("owner", "day"))],
        path=HEAD,
    )
    return model, head


@pytest.mark.parametrize(
    "dialect, sql",
    [
        pytest.param(
            "postgresql",
            "ALTER INDEX ix_receipts_owner RENAME TO ix_receipts_owner_day",
            id="postgresql",
        ),
        pytest.param(
            "mysql",
            "ALTER TABLE receipts RENAME INDEX ix_receipts_owner TO "
            "ix_receipts_owner_day",
            id="mysql",
        ),
        pytest.param("sqlite", None, id="sqlite"),
    ],
)
def test_convention_index_name_renamed(dialect, sql):
    model, head = _convention_tables("ix_receipts_owner")

    [finding] = run(model, head, CONVENTION, dialect)

    assert finding.code == "STW107"
    assert finding.data["index"] == "ix_receipts_owner_day"
    assert finding.data["renamed_from"] == "ix_receipts_owner"
    assert finding.data["rename_sql"] == sql
    assert "differ only by the models' naming convention" in finding.message


def test_index_without_convention_drops_and_creates():
    model, head = _convention_tables("ix_receipts_owner", "ix_receipts_owner_day")

    findings = run(model, head, {}, "postgresql")

    assert summary(findings) == [
        ("STW107", "ix_receipts_owner", None),
        ("STW107", "ix_receipts_owner_day", None),
    ]


def test_explicit_model_index_name_not_paired():
    model, head = _convention_tables("ix_receipts_owner", "receipts_by_owner")

    findings = run(model, head, CONVENTION, "postgresql")

    assert summary(findings) == [
        ("STW107", "ix_receipts_owner", None),
        ("STW107", "receipts_by_owner", None),
    ]


def test_two_head_twins_not_paired():
    model, head = _convention_tables("ix_receipts_owner")
    head.indexes.append(IndexDef("receipts_owner_day", ("owner", "day")))

    findings = run(model, head, CONVENTION, "postgresql")

    assert summary(findings) == [
        ("STW107", "ix_receipts_owner", None),
        ("STW107", "ix_receipts_owner_day", None),
        ("STW107", "receipts_owner_day", None),
    ]


def _unique_tables():
    model = receipts(
        column("digest", typ("String", 64), 7),
        uniques=[UniqueConstraintDef(("digest",))],
    )
    head = receipts(
        column("digest", typ("String", 64), 12, HEAD),
        uniques=[UniqueConstraintDef(("digest",), "receipts_digest_key")],
        path=HEAD,
    )
    return model, head


@pytest.mark.parametrize(
    "dialect, head_kind, sql",
    [
        pytest.param(
            "postgresql",
            "unique",
            "ALTER TABLE receipts RENAME CONSTRAINT receipts_digest_key TO "
            "uq_receipts_digest",
            id="postgresql",
        ),
        pytest.param(
            "mysql",
            "index",
            "ALTER TABLE receipts RENAME INDEX receipts_digest_key TO "
            "uq_receipts_digest",
            id="mysql",
        ),
        pytest.param("sqlite", "unique", None, id="sqlite"),
    ],
)
def test_convention_unique_name_renamed(dialect, head_kind, sql):
    model, head = _unique_tables()

    [finding] = run(model, head, CONVENTION, dialect)

    assert finding.code == "STW108"
    assert finding.data["model"] == {
        "name": "uq_receipts_digest",
        "columns": ["digest"],
    }
    assert finding.data["renamed_from"] == "receipts_digest_key"
    assert finding.data["head_kind"] == head_kind
    assert finding.data["rename_sql"] == sql
