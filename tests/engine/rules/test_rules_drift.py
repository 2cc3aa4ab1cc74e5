"""Drift rules STW101-STW109 on schema states built directly."""

from __future__ import annotations

import pytest
from rule_builders import (
    MODELS,
    at,
    column,
    context,
    revision_path,
    schema,
    script,
    table,
    typ,
)

from steward_lsp.engine.project import CompareOptions
from steward_lsp.engine.replay import ReplayResult
from steward_lsp.engine.rules.drift_tables import check_drift
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    UniqueConstraintDef,
)

HEAD = revision_path("a1")


def documents(*extra, line: int = 5, path=MODELS, **fields):
    return table(
        "documents",
        column("id", typ("Integer"), line + 1, path, primary_key=True, nullable=False),
        *extra,
        line=line,
        path=path,
        class_name="Document" if path == MODELS else None,
        **fields,
    )


def run(model, head, **kwargs):
    kwargs.setdefault("scripts", [script("a1")])
    return check_drift(context(schema(*model), schema(*head), **kwargs))


def test_identical_schemas_no_drift():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(column("title", typ("String", 200), 12, HEAD), path=HEAD)
    assert run([model], [head]) == []


def test_model_table_missing_at_head():
    findings = run([documents()], [])
    assert [f.code for f in findings] == ["STW101"]
    assert findings[0].location == at(5)
    assert "Document" in findings[0].message
    assert findings[0].data == {"table": "documents"}


def test_head_table_missing_from_model():
    findings = run([], [documents(path=HEAD)])
    assert [f.code for f in findings] == ["STW102"]
    assert findings[0].location.path == HEAD
    assert "revision a1" in findings[0].message


def test_alembic_version_never_compared():
    head = table("alembic_version", column("version_num", typ("String", 32)), path=HEAD)
    assert run([], [head]) == []


@pytest.mark.parametrize(
    "compare, patterns",
    [
        pytest.param(
            CompareOptions(exclude_tables={"legacy"}), [], id="exclude-filter"
        ),
        pytest.param(
            CompareOptions(include_tables={"documents"}), [], id="include-filter"
        ),
        pytest.param(CompareOptions(), ["leg*"], id="settings-exclude"),
    ],
)
def test_filtered_tables_not_compared(compare, patterns):
    from steward_lsp.engine.config import Settings

    head = table("legacy", column("id"), path=HEAD)
    findings = check_drift(
        context(
            schema(),
            schema(head),
            compare=compare,
            settings=Settings(exclude_tables=patterns),
        )
    )
    assert findings == []


def test_other_schema_needs_include_schemas():
    head = table("events", column("id"), path=HEAD, schema="audit")
    assert run([], [head]) == []
    with_schemas = run([], [head], compare=CompareOptions(include_schemas=True))
    assert [f.code for f in with_schemas] == ["STW102"]


def test_public_schema_is_default_on_postgresql():
    model = documents(schema="public")
    head = documents(path=HEAD)
    assert run([model], [head], dialect="postgresql") == []


def test_table_uncertain_in_replay_has_no_drift():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(path=HEAD)
    replay = ReplayResult(
        head_schema=schema(head), uncertain_tables={"documents": "raw SQL"}
    )
    findings = check_drift(context(schema(model), schema(head), replay=replay))
    assert findings == []


def test_uncertain_table_has_no_drift():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(path=HEAD, uncertain="op.execute in revision a1")
    assert run([model], [head]) == []


def test_uncertain_everywhere_has_no_drift():
    replay = ReplayResult(uncertain_everywhere="op.execute of a SQL string variable")
    findings = check_drift(context(schema(documents()), schema(), replay=replay))
    assert findings == []


def test_model_column_missing_at_head():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW103"]
    assert findings[0].location == at(7)
    assert findings[0].related[0].location == at(5, HEAD)
    assert findings[0].data == {"table": "documents", "column": "title"}


def test_head_column_missing_from_model():
    model = documents()
    head = documents(column("legacy", typ("Integer"), 14, HEAD), path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW104"]
    assert findings[0].location == at(5)
    assert findings[0].related[0].location == at(14, HEAD)
    assert "revision a1" in findings[0].related[0].message


def test_type_length_differs():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(column("title", typ("String", 100), 12, HEAD), path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW105"]
    message = findings[0].message
    assert "model says VARCHAR(200)" in message
    assert "VARCHAR(100) at head (revision a1)" in message
    assert findings[0].data["model"] == "VARCHAR(200)"
    assert findings[0].data["head"] == "VARCHAR(100)"


@pytest.mark.parametrize(
    "model_type, head_type, dialect",
    [
        pytest.param(typ("String"), typ("String", 100), None, id="length-unset"),
        pytest.param(typ("Numeric", 10, 2), typ("DECIMAL", 10, 2), None, id="synonym"),
        pytest.param(
            typ("Enum", "a", "b"), typ("String", 1), "sqlite", id="enum-varchar"
        ),
        pytest.param(
            typ("DateTime", timezone=True), typ("DateTime"), "sqlite", id="tz-on-sqlite"
        ),
    ],
)
def test_type_equal_for_alembic(model_type, head_type, dialect):
    model = documents(column("value", model_type, 7))
    head = documents(column("value", head_type, 12, HEAD), path=HEAD)
    assert run([model], [head], dialect=dialect) == []


def test_timezone_differs_on_postgresql():
    model = documents(column("at", typ("DateTime", timezone=True), 7))
    head = documents(column("at", typ("DateTime"), 12, HEAD), path=HEAD)
    assert [f.code for f in run([model], [head], dialect="postgresql")] == ["STW105"]


def test_unknown_type_never_drifts():
    unknown = typ("Encrypted")
    model = documents(column("secret", unknown, 7))
    head = documents(column("secret", typ("String", 5), 12, HEAD), path=HEAD)
    assert run([model], [head]) == []
    marked = documents(
        column("secret", typ("String", 9).__class__("String", (9,), known=False), 7)
    )
    assert run([marked], [head]) == []


def test_type_not_compared_without_compare_type():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(column("title", typ("String", 100), 12, HEAD), path=HEAD)
    assert run([model], [head], compare=CompareOptions(compare_type=False)) == []


def test_nullability_differs():
    model = documents(column("title", typ("String", 200), 7, nullable=False))
    head = documents(column("title", typ("String", 200), 12, HEAD), path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW106"]
    assert "model says NOT NULL, migrations build NULL" in findings[0].message


def test_primary_key_is_not_null_on_both_sides():
    model = table("tags", column("id", line=1, primary_key=True, nullable=True), line=0)
    head = table(
        "tags",
        column("id", line=3, path=HEAD, primary_key=True, nullable=False),
        path=HEAD,
    )
    assert run([model], [head]) == []


def test_python_default_never_drifts():
    model = documents(column("n", typ("Integer"), 7, has_python_default=True))
    head = documents(column("n", typ("Integer"), 12, HEAD), path=HEAD)
    assert (
        run([model], [head], compare=CompareOptions(compare_server_default=True)) == []
    )


def test_server_default_compared_only_when_enabled():
    model = documents(column("state", typ("String", 10), 7, server_default="'draft'"))
    head = documents(column("state", typ("String", 10), 12, HEAD), path=HEAD)
    assert run([model], [head]) == []
    findings = run([model], [head], compare=CompareOptions(compare_server_default=True))
    assert [f.code for f in findings] == ["STW109"]
    assert "'draft'" in findings[0].message
    assert "none" in findings[0].message


@pytest.mark.parametrize(
    "model_default, head_default",
    [
        pytest.param("now()", "CURRENT_TIMESTAMP", id="now"),
        pytest.param("func.now()", "now()", id="func-now"),
        pytest.param("text('0')", "'0'", id="text-call"),
        pytest.param("0", "'0'", id="quotes"),
        pytest.param("(1)", "1", id="parentheses"),
        pytest.param("'draft'::character varying", "'draft'", id="cast"),
    ],
)
def test_server_default_spellings_equal(model_default, head_default):
    model = documents(column("v", typ("String", 10), 7, server_default=model_default))
    head = documents(
        column("v", typ("String", 10), 12, HEAD, server_default=head_default), path=HEAD
    )
    findings = run([model], [head], compare=CompareOptions(compare_server_default=True))
    assert findings == []


def test_index_true_matches_named_index():
    model = documents(column("title", typ("String", 200), 7, index=True))
    head = documents(
        column("title", typ("String", 200), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("ix_documents_title", ("title",), location=at(15, HEAD))],
    )
    assert run([model], [head]) == []


def test_index_missing_at_head():
    model = documents(column("title", typ("String", 200), 7, index=True))
    head = documents(column("title", typ("String", 200), 12, HEAD), path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW107"]
    assert findings[0].location == at(7)
    assert findings[0].data["index"] == "ix_documents_title"


def test_index_extra_at_head():
    model = documents(column("title", typ("String", 200), 7))
    head = documents(
        column("title", typ("String", 200), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("ix_old", ("title",), location=at(15, HEAD))],
    )
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW107"]
    assert findings[0].location == at(5)
    assert findings[0].related[0].location == at(15, HEAD)


def test_index_uniqueness_differs():
    model = documents(column("title", typ("String", 200), 7, index=True, unique=True))
    head = documents(
        column("title", typ("String", 200), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("ix_documents_title", ("title",), location=at(15, HEAD))],
    )
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW107"]
    assert "UNIQUE (title)" in findings[0].message


def test_unique_on_primary_key_is_no_drift():
    model = table("tags", column("id", line=1, primary_key=True, unique=True))
    head = table("tags", column("id", line=3, path=HEAD, primary_key=True), path=HEAD)
    assert run([model], [head]) == []


def test_unnamed_unique_matches_by_columns():
    model = documents(column("code", typ("String", 20), 7, unique=True))
    head = documents(
        column("code", typ("String", 20), 12, HEAD),
        path=HEAD,
        uniques=[UniqueConstraintDef(("code",), "documents_code_key")],
    )
    assert run([model], [head], dialect="postgresql") == []


def test_unique_missing_at_head():
    model = documents(column("code", typ("String", 20), 7, unique=True))
    head = documents(column("code", typ("String", 20), 12, HEAD), path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW108"]
    assert findings[0].data["kind"] == "unique"


def test_unnamed_head_unique_invisible_on_sqlite():
    model = documents(column("code", typ("String", 20), 7))
    head = documents(
        column("code", typ("String", 20), 12, HEAD),
        path=HEAD,
        uniques=[UniqueConstraintDef(("code",))],
    )
    assert run([model], [head], dialect="sqlite") == []
    assert [f.code for f in run([model], [head], dialect="postgresql")] == ["STW108"]


def test_naming_convention_names_unique_on_both_sides():
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    model = documents(column("code", typ("String", 20), 7, unique=True))
    head = documents(
        column("code", typ("String", 20), 12, HEAD),
        path=HEAD,
        uniques=[UniqueConstraintDef(("code",), "uq_documents_code")],
    )
    findings = check_drift(
        context(schema(model, naming_convention=convention), schema(head))
    )
    assert findings == []


def test_foreign_key_matched_ignoring_name():
    fk_model = ForeignKeyDef(("tenant_id",), "tenants", ("id",))
    fk_head = ForeignKeyDef(("tenant_id",), "tenants", ("id",), name="fk_x")
    model = documents(column("tenant_id", line=7, foreign_keys=[fk_model]))
    head = documents(
        column("tenant_id", line=12, path=HEAD), path=HEAD, foreign_keys=[fk_head]
    )
    assert run([model], [head]) == []


def test_foreign_key_target_differs():
    model = documents(
        column(
            "tenant_id",
            line=7,
            foreign_keys=[ForeignKeyDef(("tenant_id",), "tenants", ("id",))],
        )
    )
    head = documents(
        column(
            "tenant_id",
            line=12,
            path=HEAD,
            foreign_keys=[ForeignKeyDef(("tenant_id",), "accounts", ("id",))],
        ),
        path=HEAD,
    )
    findings = run([model], [head])
    assert sorted(f.code for f in findings) == ["STW108", "STW108"]
    assert findings[0].location == at(7)
    assert "tenants" in findings[0].message
    assert "accounts" in findings[1].message


def test_foreign_key_ondelete_differs():
    model = documents(
        column(
            "tenant_id",
            line=7,
            foreign_keys=[
                ForeignKeyDef(("tenant_id",), "tenants", ("id",), ondelete="CASCADE")
            ],
        )
    )
    head = documents(
        column(
            "tenant_id",
            line=12,
            path=HEAD,
            foreign_keys=[ForeignKeyDef(("tenant_id",), "tenants", ("id",))],
        ),
        path=HEAD,
    )
    assert len(run([model], [head])) == 2


def test_named_check_missing_at_head():
    model = documents(checks=[CheckConstraintDef("id > 0", "ck_positive", at(9))])
    head = documents(path=HEAD)
    findings = run([model], [head])
    assert [f.code for f in findings] == ["STW108"]
    assert findings[0].data["alembic"] is False


def test_unnamed_checks_not_compared():
    model = documents(checks=[CheckConstraintDef("id > 0")])
    head = documents(path=HEAD, checks=[CheckConstraintDef("id>0")])
    assert run([model], [head]) == []


def test_primary_key_change_not_compared():
    model = table(
        "tags",
        column("id", line=1, primary_key=True),
        column("code", line=2, primary_key=True),
    )
    head = table(
        "tags",
        column("id", line=3, path=HEAD, primary_key=True),
        column("code", line=4, path=HEAD, nullable=False),
        path=HEAD,
    )
    assert run([model], [head]) == []


def test_missing_table_lists_its_indexes():
    model = documents(column("title", typ("String", 200), 7, index=True))
    findings = run([model], [])
    assert [f.code for f in findings] == ["STW101", "STW107"]
    assert findings[1].location == at(7)
    assert findings[1].data["index"] == "ix_documents_title"


def test_extra_head_table_lists_its_indexes():
    head = documents(
        column("title", typ("String", 200), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("ix_documents_title", ("title",), location=at(15, HEAD))],
    )
    findings = run([], [head])
    assert [f.code for f in findings] == ["STW102", "STW107"]
    assert findings[1].location == at(15, HEAD)


def test_expression_index_skipped_on_sqlite_when_missing():
    model = documents(
        column("title", typ("String", 200), 7),
        indexes=[IndexDef("ix_lower_title", ("lower(title)",), location=at(9))],
    )
    head = documents(column("title", typ("String", 200), 12, HEAD), path=HEAD)
    assert run([model], [head], dialect="sqlite") == []
    assert [f.code for f in run([model], [head], dialect="postgresql")] == ["STW107"]


def test_expression_index_compared_by_name_only():
    model = documents(
        column("title", typ("String", 200), 7),
        indexes=[IndexDef("ix_lower_title", ("lower(title)",), location=at(9))],
    )
    head = documents(
        column("title", typ("String", 200), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("ix_lower_title", ("lower( title )",))],
    )
    assert run([model], [head], dialect="postgresql") == []


def test_variant_type_chosen_for_dialect():
    variants = (("postgresql", typ("postgresql.JSONB")),)
    model = documents(column("doc", typ("JSON", variants=variants), 7))
    head_json = documents(column("doc", typ("JSON"), 12, HEAD), path=HEAD)
    head_jsonb = documents(column("doc", typ("postgresql.JSONB"), 12, HEAD), path=HEAD)
    assert run([model], [head_json], dialect="sqlite") == []
    assert run([model], [head_jsonb], dialect="postgresql") == []
    pg_findings = run([model], [head_json], dialect="postgresql")
    assert [f.code for f in pg_findings] == ["STW105"]


def test_serial_default_skipped_on_postgresql():
    model = table("tags", column("id", typ("Integer"), 1, primary_key=True))
    head = table(
        "tags",
        column(
            "id",
            typ("Integer"),
            3,
            HEAD,
            primary_key=True,
            server_default="nextval('tags_id_seq')",
        ),
        path=HEAD,
    )
    compare = CompareOptions(compare_server_default=True)
    assert run([model], [head], compare=compare, dialect="postgresql") == []
    assert [f.code for f in run([model], [head], compare=compare)] == ["STW109"]


def test_unique_flag_and_constraint_counted_once():
    model = documents(column("code", typ("String", 20), 7))
    head = documents(
        column("code", typ("String", 20), 12, HEAD, unique=True),
        path=HEAD,
        uniques=[UniqueConstraintDef(("code",), location=at(12, HEAD))],
    )
    findings = run([model], [head], dialect="postgresql")
    assert [f.code for f in findings] == ["STW108"]


def test_type_drift_points_at_last_change():
    from steward_lsp.engine.replay import HistoryEvent

    altered_at = at(9, revision_path("b2"))
    history = {
        "documents.title": [
            HistoryEvent("a1", "create", "create_table", at(12, HEAD), "created"),
            HistoryEvent("b2", "shorten", "alter_column", altered_at, "String(100)"),
        ]
    }
    model = documents(column("title", typ("String", 200), 7))
    head = documents(column("title", typ("String", 100), 12, HEAD), path=HEAD)
    replay = ReplayResult(head_schema=schema(head), history=history)
    findings = check_drift(
        context(
            schema(model),
            schema(head),
            scripts=[script("a1"), script("b2")],
            replay=replay,
        )
    )
    assert [f.code for f in findings] == ["STW105"]
    assert "(revision b2)" in findings[0].message
    assert findings[0].related[0].location == altered_at


def test_unique_constraint_as_index_on_mysql():
    model = documents(
        column("code", typ("String", 20), 7),
        indexes=[IndexDef("uq_code", ("code",), unique=True, location=at(9))],
    )
    head = documents(
        column("code", typ("String", 20), 12, HEAD),
        path=HEAD,
        uniques=[UniqueConstraintDef(("code",), "uq_code", at(13, HEAD))],
    )
    assert run([model], [head], dialect="mysql") == []
    postgresql = run([model], [head], dialect="postgresql")
    assert sorted(f.code for f in postgresql) == ["STW107", "STW108"]


def test_unique_index_as_constraint_on_mysql():
    model = documents(column("code", typ("String", 20), 7, unique=True))
    head = documents(
        column("code", typ("String", 20), 12, HEAD),
        path=HEAD,
        indexes=[IndexDef("code", ("code",), unique=True, location=at(13, HEAD))],
    )
    assert run([model], [head], dialect="mysql") == []


def test_environment_without_models_has_no_drift():
    head = documents(column("title", typ("String", 200), 12, HEAD), path=HEAD)
    without = check_drift(context(schema(), schema(head), with_models=False))
    assert without == []
    with_models = check_drift(context(schema(), schema(head)))
    assert [f.code for f in with_models] == ["STW102"]


@pytest.mark.parametrize(
    "model_type, head_type, on_sqlite, on_postgresql",
    [
        pytest.param(
            typ("Uuid"),
            typ("postgresql.UUID", as_uuid=True),
            ["STW105"],
            [],
            id="uuid",
        ),
        pytest.param(
            typ("DateTime", timezone=True),
            typ("DateTime"),
            [],
            ["STW105"],
            id="timezone",
        ),
    ],
)
def test_unknown_dialect_needs_drift_everywhere(
    model_type, head_type, on_sqlite, on_postgresql
):
    model = documents(column("value", model_type, 7))
    head = documents(column("value", head_type, 12, HEAD), path=HEAD)
    assert run([model], [head], dialect=None) == []
    assert [f.code for f in run([model], [head], dialect="sqlite")] == on_sqlite
    postgresql = run([model], [head], dialect="postgresql")
    assert [f.code for f in postgresql] == on_postgresql
