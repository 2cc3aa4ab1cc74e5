"""Safety rules STW301-STW305 on revision scripts built directly."""

from __future__ import annotations

import pytest
from rule_builders import (
    at,
    column,
    context,
    op,
    revision_path,
    schema,
    script,
    table,
    typ,
)

from steward_lsp.engine.replay import ReplayResult
from steward_lsp.engine.rules.data_loss import check_data_loss
from steward_lsp.engine.rules.safety import check_reversibility
from steward_lsp.engine.schema import (
    ForeignKeyDef,
    IndexDef,
    TableDef,
    UniqueConstraintDef,
)

PATH = revision_path("a1")


def add_title(**fields):
    return op(
        "add_column",
        table="documents",
        column=column("title", typ("String", 200), 10, PATH, **fields),
        line=10,
    )


def drop_title(line=21):
    return op("drop_column", table="documents", column_name="title", line=line)


def reversibility(*scripts):
    return check_reversibility(context(scripts=list(scripts)))


def data_loss(*scripts, replay=None):
    return check_data_loss(context(scripts=list(scripts), replay=replay))


def test_missing_downgrade_on_revision_line():
    findings = reversibility(script("a1", [add_title()], downgrade_present=False))
    assert [f.code for f in findings] == ["STW301"]
    assert findings[0].location == at(3, PATH)
    assert findings[0].data["inverse"] == ["op.drop_column('documents', 'title')"]


def test_empty_downgrade_on_def_line():
    findings = reversibility(script("a1", [add_title()], [], downgrade_empty=True))
    assert [f.code for f in findings] == ["STW301"]
    assert findings[0].location == at(20, PATH)
    assert "empty downgrade" in findings[0].message


def test_raising_downgrade():
    findings = reversibility(script("a1", [add_title()], downgrade_raises=True))
    assert [f.code for f in findings] == ["STW301"]
    assert "raises" in findings[0].message


def test_merge_revision_with_empty_bodies_is_clean():
    assert reversibility(script("a1", [], [], downgrade_empty=True)) == []


def test_reversed_column_is_clean():
    assert reversibility(script("a1", [add_title()], [drop_title()])) == []


def test_unreversed_column_on_op_call():
    other = op("drop_column", table="documents", column_name="body", line=21)
    findings = reversibility(script("a1", [add_title()], [other]))
    assert [f.code for f in findings] == ["STW302"]
    assert findings[0].location == at(10, PATH)
    assert "add_column documents.title" in findings[0].message
    assert findings[0].data["inverse"] == "op.drop_column('documents', 'title')"


def test_matching_is_order_independent_and_counted():
    index = op(
        "create_index",
        table="documents",
        line=11,
        index=IndexDef("ix_documents_title", ("title",)),
    )
    upgrade = [add_title(), index]
    downgrade = [
        drop_title(21),
        op(
            "drop_index",
            table="documents",
            line=22,
            index=IndexDef("ix_documents_title", ()),
        ),
    ]
    assert reversibility(script("a1", upgrade, list(reversed(downgrade)))) == []
    twice = script("a1", [add_title(), add_title()], [drop_title()])
    assert [f.code for f in reversibility(twice)] == ["STW302"]


@pytest.mark.parametrize(
    "upgrade, downgrade",
    [
        pytest.param(
            op("create_table", table="tags", table_def=TableDef("tags")),
            op("drop_table", table="tags", line=21),
            id="table",
        ),
        pytest.param(
            op(
                "create_foreign_key", table="documents", constraint_name="fk_doc_tenant"
            ),
            op(
                "drop_constraint",
                table="documents",
                constraint_name="fk_doc_tenant",
                line=21,
            ),
            id="constraint",
        ),
        pytest.param(
            op("rename_table", table="docs", new_name="documents"),
            op("rename_table", table="documents", new_name="docs", line=21),
            id="rename-table",
        ),
        pytest.param(
            op(
                "alter_column",
                table="documents",
                column_name="name",
                params={"new_column_name": "title"},
            ),
            op(
                "alter_column",
                table="documents",
                column_name="title",
                params={"new_column_name": "name"},
                line=21,
            ),
            id="rename-column",
        ),
        pytest.param(
            op(
                "alter_column",
                table="documents",
                column_name="title",
                params={"nullable": False},
            ),
            op(
                "alter_column",
                table="documents",
                column_name="title",
                params={"nullable": True},
                line=21,
            ),
            id="alter-column",
        ),
        pytest.param(
            op("drop_column", table="documents", column_name="legacy"),
            op(
                "add_column",
                table="documents",
                column=column("legacy", typ("Integer")),
                line=21,
            ),
            id="dropped-column-restored",
        ),
    ],
)
def test_inverse_pairs_are_clean(upgrade, downgrade):
    assert reversibility(script("a1", [upgrade], [downgrade])) == []


def test_rename_not_reversed_names_inverse():
    rename = op("rename_table", table="docs", new_name="documents")
    unrelated = op("drop_table", table="tags", line=21)
    findings = reversibility(script("a1", [rename], [unrelated]))
    assert [f.code for f in findings] == ["STW302"]
    assert findings[0].data["inverse"] == "op.rename_table('documents', 'docs')"


def test_execute_without_counterpart():
    # body existed before this revision, so downgrade cannot get its values back.
    upgrade = [
        add_title(),
        op("execute", sql="UPDATE documents SET body = ''", line=11),
    ]
    findings = reversibility(script("a1", upgrade, [drop_title()]))
    assert [f.code for f in findings] == ["STW305"]
    assert findings[0].location == at(11, PATH)
    assert "with op.execute" in findings[0].message


def test_connection_execute_wording():
    upgrade = [
        op(
            "execute",
            sql="DELETE FROM documents",
            params={"via": "connection"},
            line=11,
        )
    ]
    downgrade = [op("drop_table", table="tags", line=21)]
    findings = reversibility(script("a1", upgrade, downgrade))
    assert [f.code for f in findings] == ["STW305"]
    assert "op.execute" not in findings[0].message
    assert "through the database connection" in findings[0].message


def create_tags(line=10):
    return op(
        "create_table",
        table="tags",
        table_def=table("tags", column("id"), column("name", typ("String", 50))),
        line=line,
    )


@pytest.mark.parametrize(
    ("upgrade", "downgrade"),
    [
        pytest.param(
            [
                add_title(),
                op("execute", sql="UPDATE documents SET title = ''", line=11),
            ],
            [drop_title()],
            id="update-added-column",
        ),
        pytest.param(
            [
                create_tags(),
                op(
                    "execute",
                    sql="INSERT INTO tags (id, name) VALUES (1, 'a'), (2, 'b')",
                    line=11,
                ),
            ],
            [op("drop_table", table="tags", line=21)],
            id="insert-created-table",
        ),
    ],
)
def test_backfill_of_dropped_target_clean(upgrade, downgrade):
    assert reversibility(script("a1", upgrade, downgrade)) == []


@pytest.mark.parametrize(
    ("sql", "downgrade"),
    [
        pytest.param(
            "UPDATE documents SET title = ''",
            [op("drop_index", params={"index_name": "ix_x"}, line=21)],
            id="column-kept",
        ),
        pytest.param(
            "UPDATE documents SET title = '', body = ''", [drop_title()], id="mixed"
        ),
        pytest.param("DELETE FROM documents", [drop_title()], id="delete"),
        pytest.param(
            "ALTER TABLE documents ADD CONSTRAINT ck CHECK (title <> '')",
            [drop_title()],
            id="ddl",
        ),
        pytest.param("UPDATE documents SET title = (", [drop_title()], id="unparsed"),
        pytest.param(
            "INSERT INTO documents (title) VALUES ('x')", [drop_title()], id="insert"
        ),
    ],
)
def test_lasting_sql_needs_counterpart(sql, downgrade):
    upgrade = [add_title(), op("execute", sql=sql, line=11)]
    findings = reversibility(script("a1", upgrade, downgrade))
    assert "STW305" in [f.code for f in findings]


def test_update_before_add_column_reported():
    upgrade = [
        op("execute", sql="UPDATE documents SET title = ''", line=9),
        add_title(),
    ]
    findings = reversibility(script("a1", upgrade, [drop_title()]))
    assert [f.code for f in findings] == ["STW305"]


@pytest.mark.parametrize(
    ("sql", "codes"),
    [
        pytest.param("SET lock_timeout = '5s'", [], id="session"),
        pytest.param("  set local search_path to billing;", [], id="local"),
        pytest.param("RESET statement_timeout", [], id="reset"),
        pytest.param("SET GLOBAL max_connections = 500", ["STW305"], id="global"),
    ],
)
def test_session_setting_needs_no_counterpart(sql, codes):
    upgrade = [add_title(), op("execute", sql=sql, line=11)]
    findings = reversibility(script("a1", upgrade, [drop_title()]))
    assert [f.code for f in findings] == codes


def test_execute_with_counterpart_is_clean():
    upgrade = [op("execute", sql="CREATE VIEW v AS SELECT 1")]
    downgrade = [op("execute", sql="DROP VIEW v", line=21)]
    assert reversibility(script("a1", upgrade, downgrade)) == []


def test_drop_table_destroys_data():
    findings = data_loss(script("a1", [op("drop_table", table="legacy")]))
    assert [f.code for f in findings] == ["STW303"]
    assert "every row" in findings[0].message


def test_drop_column_destroys_data():
    findings = data_loss(script("a1", [drop_title(10)]))
    assert [f.code for f in findings] == ["STW303"]
    assert findings[0].data["column"] == "title"


def test_type_narrowing_from_existing_type():
    alter = op(
        "alter_column",
        table="documents",
        column_name="title",
        params={"type_": typ("String", 50), "existing_type": typ("String", 200)},
    )
    findings = data_loss(script("a1", [alter]))
    assert [f.code for f in findings] == ["STW303"]
    assert "50" in findings[0].data["reason"]


def test_type_narrowing_from_schema_before():
    alter = op(
        "alter_column",
        table="documents",
        column_name="body",
        params={"type_": typ("String", 500)},
    )
    before = schema(table("documents", column("body", typ("Text"), 3)))
    replay = ReplayResult()
    replay.schema_before = {"a1": before}
    findings = data_loss(script("a1", [alter]), replay=replay)
    assert [f.code for f in findings] == ["STW303"]


@pytest.mark.parametrize(
    "old, new",
    [
        pytest.param(typ("String", 50), typ("String", 200), id="longer"),
        pytest.param(typ("Integer"), typ("BigInteger"), id="wider-int"),
        pytest.param(typ("String", 50), typ("Text"), id="to-text"),
    ],
)
def test_type_widening_is_clean(old, new):
    alter = op(
        "alter_column",
        table="documents",
        column_name="title",
        params={"type_": new, "existing_type": old},
    )
    assert data_loss(script("a1", [alter])) == []


def test_not_null_add_column_on_existing_table():
    findings = data_loss(script("a1", [add_title(nullable=False)]))
    assert [f.code for f in findings] == ["STW304"]
    assert findings[0].location == at(10, PATH)
    assert findings[0].data["server_default"] == '""'


def test_not_null_with_python_default_still_reported():
    findings = data_loss(
        script("a1", [add_title(nullable=False, has_python_default=True)])
    )
    assert [f.code for f in findings] == ["STW304"]
    assert "Python-side default" in findings[0].message


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"nullable": True}, id="nullable"),
        pytest.param({"nullable": False, "server_default": "''"}, id="server-default"),
    ],
)
def test_safe_add_column_is_clean(fields):
    assert data_loss(script("a1", [add_title(**fields)])) == []


def test_not_null_on_table_created_in_same_revision_is_clean():
    create = op(
        "create_table", table="documents", table_def=TableDef("documents"), line=9
    )
    assert data_loss(script("a1", [create, add_title(nullable=False)])) == []


def test_not_null_on_table_unknown_before_is_clean():
    replay = ReplayResult()
    replay.schema_before = {"a1": schema()}
    assert data_loss(script("a1", [add_title(nullable=False)]), replay=replay) == []


def test_not_null_on_table_known_before_reported():
    replay = ReplayResult()
    before = schema(table("documents", column("id", line=1, primary_key=True)))
    replay.schema_before = {"a1": before}
    findings = data_loss(script("a1", [add_title(nullable=False)]), replay=replay)
    assert [f.code for f in findings] == ["STW304"]


def test_unnamed_constraint_cannot_be_dropped():
    create = op("create_foreign_key", table="documents", constraint_name=None)
    drop = op("drop_constraint", table="documents", constraint_name=None, line=21)
    findings = reversibility(script("a1", [create], [drop]))
    assert [f.code for f in findings] == ["STW302"]
    assert "name the constraint" in findings[0].message


def test_unnamed_drop_gets_convention_name():
    create = op(
        "create_foreign_key",
        table="item",
        constraint_name=None,
        foreign_key=ForeignKeyDef(("owner_id",), "user", ("id",)),
    )
    drop = op("drop_constraint", table="item", constraint_name=None, line=21)
    convention = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
    model = schema(naming_convention=convention)

    [finding] = check_reversibility(
        context(model, scripts=[script("a1", [create], [drop])], dialect="postgresql")
    )

    assert finding.data["given_name"] == "fk_item_owner_id_user"
    assert "drop_constraint(None, ...) on line 22 raises" in finding.message
    assert (
        "the naming convention names the constraint 'fk_item_owner_id_user'"
        in finding.message
    )


def test_dropped_table_undoes_its_changes():
    upgrade = [
        op("create_table", table="tags", table_def=TableDef("tags"), line=9),
        op(
            "create_index",
            table="tags",
            line=10,
            index=IndexDef("ix_tags_code", ("code",)),
        ),
        op("create_foreign_key", table="tags", constraint_name=None, line=11),
    ]
    downgrade = [op("drop_table", table="tags", line=21)]
    assert reversibility(script("a1", upgrade, downgrade)) == []


def test_renames_followed_within_revision():
    # Replace an integer id with a UUID column: add, rename, drop the old one.
    upgrade = [
        op("add_column", table="user", column=column("new_id", typ("Uuid")), line=10),
        op(
            "alter_column",
            table="user",
            column_name="new_id",
            params={"nullable": False},
            line=11,
        ),
        op("drop_column", table="user", column_name="id", line=12),
        op(
            "alter_column",
            table="user",
            column_name="new_id",
            params={"new_column_name": "id"},
            new_name="id",
            line=13,
        ),
        op(
            "create_primary_key",
            table="user",
            constraint_name="user_pkey",
            params={"columns": ("id",)},
            line=14,
        ),
    ]
    downgrade = [
        op(
            "add_column", table="user", column=column("old_id", typ("Integer")), line=21
        ),
        op("drop_column", table="user", column_name="id", line=22),
        op(
            "alter_column",
            table="user",
            column_name="old_id",
            params={"new_column_name": "id"},
            new_name="id",
            line=23,
        ),
    ]
    assert reversibility(script("a1", upgrade, downgrade)) == []


def test_rename_not_followed_without_drop():
    upgrade = [
        op("add_column", table="user", column=column("new_id", typ("Uuid")), line=10),
        op(
            "alter_column",
            table="user",
            column_name="new_id",
            params={"new_column_name": "id"},
            new_name="id",
            line=11,
        ),
    ]
    downgrade = [op("drop_column", table="user", column_name="new_id", line=21)]
    findings = reversibility(script("a1", upgrade, downgrade))
    assert [f.location.span.start_line for f in findings] == [10]


def test_unnamed_constraint_dropped_by_postgresql_name():
    create = op(
        "create_foreign_key",
        table="item",
        constraint_name=None,
        foreign_key=ForeignKeyDef(("owner_id",), "user", ("id",)),
    )
    drop = op(
        "drop_constraint", table="item", constraint_name="item_owner_id_fkey", line=21
    )
    assert reversibility(script("a1", [create], [drop])) == []


def test_unnamed_constraint_dropped_by_convention_name():
    create = op(
        "create_unique_constraint",
        table="item",
        constraint_name=None,
        unique=UniqueConstraintDef(("code",)),
    )
    drop = op("drop_constraint", table="item", constraint_name="uq_item_code", line=21)
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    model = schema(naming_convention=convention)
    found = check_reversibility(
        context(model, scripts=[script("a1", [create], [drop])])
    )
    assert found == []


def test_defensive_drop_needs_no_inverse():
    upgrade = [
        op(
            "drop_index",
            table="files",
            params={"if_exists": True},
            line=10,
            index=IndexDef("ix_files_path", ()),
        ),
        op(
            "create_index",
            table="files",
            line=11,
            index=IndexDef("ix_files_path", ("path",)),
        ),
    ]
    downgrade = [
        op("drop_index", table="files", line=21, index=IndexDef("ix_files_path", ()))
    ]
    assert reversibility(script("a1", upgrade, downgrade)) == []
