"""STW306 (long PostgreSQL locks) and STW307 (renames) on revision scripts."""

from __future__ import annotations

import pytest
from rule_builders import at, column, context, op, revision_path, script, typ

from steward_lsp.engine.rules.online_safety import check_online_safety
from steward_lsp.engine.schema import IndexDef, TableDef

PATH = revision_path("a1")


def run(*upgrade, dialect="postgresql"):
    return check_online_safety(
        context(scripts=[script("a1", list(upgrade))], dialect=dialect)
    )


def index_op(**options):
    return op(
        "create_index",
        table="documents",
        index=IndexDef("ix_documents_title", ("title",), dialect_options=options),
    )


def test_plain_create_index_locks():
    findings = run(index_op())
    assert [f.code for f in findings] == ["STW306"]
    assert findings[0].location == at(10, PATH)
    assert findings[0].data["fix"] == "postgresql_concurrently=True"


def test_concurrent_index_is_clean():
    assert run(index_op(postgresql_concurrently="True")) == []


def test_locks_only_reported_on_postgresql():
    assert run(index_op(), dialect="sqlite") == []
    assert run(index_op(), dialect=None) == []


def test_index_on_new_table_is_clean():
    create = op("create_table", table="documents", table_def=TableDef("documents"))
    assert run(create, index_op()) == []


def test_foreign_key_without_not_valid():
    fk = op("create_foreign_key", table="documents", constraint_name="fk_tenant")
    assert [f.code for f in run(fk)] == ["STW306"]
    valid_later = op(
        "create_foreign_key",
        table="documents",
        constraint_name="fk_tenant",
        params={"postgresql_not_valid": True},
    )
    assert run(valid_later) == []


@pytest.mark.parametrize(
    "old, new, rewrites",
    [
        pytest.param(typ("String", 50), typ("String", 100), False, id="longer-varchar"),
        pytest.param(typ("String", 50), typ("Text"), False, id="varchar-to-text"),
        pytest.param(
            typ("Numeric", 10, 2), typ("Numeric", 12, 2), False, id="precision"
        ),
        pytest.param(typ("String", 100), typ("String", 50), True, id="shorter"),
        pytest.param(typ("Integer"), typ("BigInteger"), True, id="int-to-bigint"),
        pytest.param(typ("Text"), typ("String", 10), True, id="text-to-varchar"),
    ],
)
def test_type_change_rewrite(old, new, rewrites):
    alter = op(
        "alter_column",
        table="documents",
        column_name="title",
        params={"type_": new, "existing_type": old},
    )
    assert [f.code for f in run(alter)] == (["STW306"] if rewrites else [])


def test_type_change_without_old_type_is_clean():
    alter = op(
        "alter_column",
        table="documents",
        column_name="title",
        params={"type_": typ("BigInteger")},
    )
    assert run(alter) == []


def test_rename_table_reported_on_any_dialect():
    rename = op("rename_table", table="docs", new_name="documents")
    findings = run(rename, dialect="sqlite")
    assert [f.code for f in findings] == ["STW307"]
    assert findings[0].data["new"] == "documents"


def test_rename_column_reported():
    rename = op(
        "alter_column",
        table="documents",
        column_name="name",
        params={"new_column_name": "title"},
        new_name="title",
    )
    findings = run(rename, dialect="sqlite")
    assert [f.code for f in findings] == ["STW307"]
    assert "name to title" in findings[0].message


def test_alter_without_rename_is_clean():
    alter = op(
        "alter_column",
        table="documents",
        column_name="title",
        params={"nullable": False},
    )
    assert run(alter, dialect="sqlite") == []


def test_rename_of_new_column_is_clean():
    add = op("add_column", table="user", column=column("new_id", typ("Uuid")))
    rename = op(
        "alter_column",
        table="user",
        column_name="new_id",
        params={"new_column_name": "id"},
        new_name="id",
        line=11,
    )
    assert run(add, rename, dialect="sqlite") == []


def test_rename_of_new_table_is_clean():
    create = op("create_table", table="tmp_docs", table_def=TableDef("tmp_docs"))
    rename = op("rename_table", table="tmp_docs", new_name="documents", line=11)
    assert run(create, rename, dialect="sqlite") == []


def test_check_constraint_without_not_valid():
    check = op("create_check_constraint", table="anchors", constraint_name="ck_block")
    assert [f.code for f in run(check)] == ["STW306"]
    later = op(
        "create_check_constraint",
        table="anchors",
        constraint_name="ck_block",
        params={"postgresql_not_valid": True},
    )
    assert run(later) == []


def test_set_not_null_on_existing_column():
    alter = op(
        "alter_column",
        table="anchors",
        column_name="network",
        params={"nullable": False},
    )
    findings = run(alter)
    assert [f.code for f in findings] == ["STW306"]
    assert "IS NOT NULL) NOT VALID" in findings[0].message


def test_set_not_null_on_new_column_is_clean():
    add = op("add_column", table="anchors", column=column("network", typ("String")))
    alter = op(
        "alter_column",
        table="anchors",
        column_name="network",
        params={"nullable": False},
    )
    assert run(add, alter) == []


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_mysql_type_change_copies_table(dialect):
    alter = op(
        "alter_column",
        table="anchors",
        column_name="block",
        params={"type_": typ("BigInteger"), "existing_type": typ("Integer")},
    )
    findings = run(alter, dialect=dialect)
    assert [f.code for f in findings] == ["STW306"]
    assert f"copies the table on {dialect}" in findings[0].message


def test_mysql_varchar_widening_is_clean():
    alter = op(
        "alter_column",
        table="anchors",
        column_name="tx_hash",
        params={"type_": typ("String", 128), "existing_type": typ("String", 66)},
    )
    assert run(alter, dialect="mysql") == []


def test_mysql_foreign_key_copies_table():
    fk = op("create_foreign_key", table="anchors", constraint_name="fk_doc")
    assert [f.code for f in run(fk, dialect="mysql")] == ["STW306"]
