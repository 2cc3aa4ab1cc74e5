"""Discovery of Alembic environments, model files and env.py options."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from steward_lsp.engine.config import Settings
from steward_lsp.engine.discovery import discover_environments
from steward_lsp.engine.project import Environment

ENV_PY = """\
from alembic import context

{imports}

target_metadata = {metadata}


def run_migrations_online():
    context.configure(connection=None, target_metadata=target_metadata{options})
"""

MODELS_PY = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def env_py(imports: str, metadata: str = "Base.metadata", options: str = "") -> str:
    return ENV_PY.format(imports=imports, metadata=metadata, options=options)


def project(
    root: Path,
    ini: str = "[alembic]\nscript_location = migrations\n",
    env: str | None = None,
    models: dict[str, str] | None = None,
) -> None:
    files = {
        "alembic.ini": ini,
        "migrations/env.py": env or env_py("from app.models import Base"),
    }
    files.update(
        models
        if models is not None
        else {"app/__init__.py": "", "app/models.py": MODELS_PY}
    )
    write(root, files)


def discover(
    root: Path, settings: Settings | None = None
) -> tuple[list[Environment], list[str]]:
    return discover_environments(root, settings or Settings())


def only(environments: list[Environment]) -> Environment:
    assert len(environments) == 1, [env.name for env in environments]
    return environments[0]


def relative(files: list[Path], root: Path) -> set[str]:
    return {path.relative_to(root.resolve()).as_posix() for path in files}


def test_single_environment_from_alembic_ini(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "migrations/versions").mkdir()
    environments, problems = discover(tmp_path)

    env = only(environments)
    assert problems == []
    assert env.name == "migrations"
    assert env.config_file == tmp_path.resolve() / "alembic.ini"
    assert env.script_location == tmp_path.resolve() / "migrations"
    assert env.version_locations == [tmp_path.resolve() / "migrations/versions"]
    assert env.env_py == tmp_path.resolve() / "migrations/env.py"
    assert relative(env.model_files, tmp_path) == {"app/__init__.py", "app/models.py"}
    assert tmp_path.resolve() in env.source_roots


def test_several_environments_keep_their_models(tmp_path: Path) -> None:
    for service in ("billing", "ledger"):
        project(
            tmp_path / "services" / service,
            env=env_py(f"from {service}.models import Base"),
            models={f"{service}/__init__.py": "", f"{service}/models.py": MODELS_PY},
        )
    environments, problems = discover(tmp_path)

    assert problems == []
    names = [env.name for env in environments]
    assert names == ["services/billing/migrations", "services/ledger/migrations"]
    billing, ledger = environments
    assert relative(billing.model_files, tmp_path) == {
        "services/billing/billing/__init__.py",
        "services/billing/billing/models.py",
    }
    assert relative(ledger.model_files, tmp_path) == {
        "services/ledger/ledger/__init__.py",
        "services/ledger/ledger/models.py",
    }


def test_here_interpolation_and_version_locations(tmp_path: Path) -> None:
    ini = """\
        [alembic]
        script_location = %(here)s/db/alembic
        version_locations = %(here)s/db/core %(here)s/db/plugins
        path_separator = space
        file_template = %%(year)d_%%(rev)s_%%(slug)s
        """
    write(
        tmp_path,
        {
            "alembic.ini": ini,
            "db/alembic/env.py": env_py("from app.models import Base"),
            "app/__init__.py": "",
            "app/models.py": MODELS_PY,
        },
    )
    env = only(discover(tmp_path)[0])

    root = tmp_path.resolve()
    assert env.script_location == root / "db/alembic"
    assert env.version_locations == [root / "db/core", root / "db/plugins"]
    assert env.file_template == "%(year)d_%(rev)s_%(slug)s"


@pytest.mark.parametrize(
    ("separator_line", "value"),
    [
        pytest.param("path_separator = os", f"a{os.pathsep}b", id="os"),
        pytest.param("path_separator = space", "a b", id="space"),
        pytest.param("path_separator = :", "a:b", id="colon"),
        pytest.param("path_separator = ;", "a;b", id="semicolon"),
        pytest.param("path_separator = newline", "\n    a\n    b", id="newline"),
        pytest.param("version_path_separator = ;", "a;b", id="deprecated-key"),
        pytest.param("", "a, b", id="legacy-comma"),
        pytest.param("", "a  b", id="legacy-spaces"),
    ],
)
def test_version_location_separators(
    tmp_path: Path, separator_line: str, value: str
) -> None:
    ini = (
        "[alembic]\nscript_location = migrations\n"
        f"{separator_line}\nversion_locations = {value}\n"
    )
    project(tmp_path, ini=ini)
    env = only(discover(tmp_path)[0])

    assert env.version_locations == [tmp_path.resolve() / "a", tmp_path.resolve() / "b"]


def test_space_separator_keeps_path_with_colon(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nscript_location = migrations\npath_separator = space\n"
        "version_locations = x:y\n"
    )
    project(tmp_path, ini=ini)
    env = only(discover(tmp_path)[0])

    assert env.version_locations == [tmp_path.resolve() / "x:y"]


def test_invalid_path_separator_is_a_problem(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nscript_location = migrations\npath_separator = comma\n"
        "version_locations = a b\n"
    )
    project(tmp_path, ini=ini)
    problems = discover(tmp_path)[1]

    assert len(problems) == 1
    assert "alembic.ini" in problems[0]
    assert "path_separator" in problems[0]


def test_unused_commented_separator_ignored(tmp_path: Path) -> None:
    # Alembic keeps "# ..." in the value (no inline comments in its
    # ConfigParser) but reads version_path_separator only to split
    # version_locations, and never for prepend_sys_path.
    ini = (
        "[alembic]\nscript_location = migrations\nprepend_sys_path = src lib\n"
        "version_path_separator = os  # the default of new projects\n"
    )
    project(tmp_path, ini=ini)
    environments, problems = discover(tmp_path)

    assert problems == []
    assert only(environments).script_location == tmp_path.resolve() / "migrations"


def test_named_sections_skip_bare_alembic(tmp_path: Path) -> None:
    # Run as `alembic -n billing` / `-n audit`; [alembic] holds no location.
    ini = """\
        [alembic]
        file_template = %%(rev)s

        [billing]
        script_location = shop:db/billing

        [audit]
        script_location = shop:db/audit
        """
    write(
        tmp_path,
        {
            "alembic.ini": ini,
            "shop/__init__.py": "",
            "shop/models.py": MODELS_PY,
            "shop/db/billing/env.py": env_py("from shop.models import Base"),
            "shop/db/audit/env.py": env_py("from shop.models import Base"),
        },
    )
    environments, problems = discover(tmp_path)

    assert problems == []
    root = tmp_path.resolve()
    assert sorted(env.script_location for env in environments) == [
        root / "shop/db/audit",
        root / "shop/db/billing",
    ]


def test_script_folder_without_configuration_file(tmp_path: Path) -> None:
    # Config built in code: only the folder `alembic init` made is on disk.
    write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": MODELS_PY,
            "shop/db/env.py": env_py("from shop.models import Base"),
            "shop/db/script.py.mako": "${upgrades}\n",
            "shop/db/versions/.keep": "",
        },
    )
    environments, problems = discover(tmp_path)

    assert problems == []
    env = only(environments)
    assert env.script_location == tmp_path.resolve() / "shop/db"
    assert env.config_file is None
    assert "shop/models.py" in relative(env.model_files, tmp_path)


def test_ini_wins_over_bare_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            "migrations/env.py": env_py("from app.models import Base"),
            "migrations/script.py.mako": "${upgrades}\n",
            "migrations/versions/.keep": "",
            "app/__init__.py": "",
            "app/models.py": MODELS_PY,
        },
    )
    env = only(discover(tmp_path)[0])

    assert env.config_file == tmp_path.resolve() / "alembic.ini"


def test_tool_alembic_in_pyproject(tmp_path: Path) -> None:
    pyproject = """\
        [tool.alembic]
        script_location = "%(here)s/alembic"
        version_locations = ["%(here)s/alembic/versions", "%(here)s/extra"]
        prepend_sys_path = ["src"]
        file_template = "%%(rev)s_%%(slug)s"
        """
    write(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "alembic/env.py": env_py("from shop.models import Base"),
            "src/shop/__init__.py": "",
            "src/shop/models.py": MODELS_PY,
        },
    )
    env = only(discover(tmp_path)[0])

    root = tmp_path.resolve()
    assert env.config_file == root / "pyproject.toml"
    assert env.script_location == root / "alembic"
    assert env.version_locations == [root / "alembic/versions", root / "extra"]
    assert env.file_template == "%(rev)s_%(slug)s"
    assert env.source_roots[0] == root / "src"
    assert relative(env.model_files, tmp_path) == {
        "src/shop/__init__.py",
        "src/shop/models.py",
    }


def test_ini_options_override_tool_alembic(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.alembic]\nscript_location = "elsewhere"\n',
            "alembic.ini": "[alembic]\nscript_location = migrations\n"
            "sqlalchemy.url = postgresql+psycopg://user:secret@db/app\n",
            "migrations/env.py": env_py("from app.models import Base"),
            "app/models.py": MODELS_PY,
        },
    )
    env = only(discover(tmp_path)[0])

    assert env.script_location == tmp_path.resolve() / "migrations"
    assert env.dialect == "postgresql"


FLASK_APP = """\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    return app
"""

FLASK_MODELS = """\
from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
"""

FLASK_ENV_V3 = """\
from alembic import context
from flask import current_app

config = context.config
config.set_main_option(
    "sqlalchemy.url", current_app.config.get("SQLALCHEMY_DATABASE_URI")
)
target_metadata = current_app.extensions['migrate'].db.metadata
"""

FLASK_ENV_V4 = """\
from alembic import context
from flask import current_app


def get_engine():
    return current_app.extensions['migrate'].db.engine


target_db = current_app.extensions['migrate'].db


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_online():
    context.configure(connection=None, target_metadata=get_metadata())
"""


@pytest.mark.parametrize("env_text", [FLASK_ENV_V3, FLASK_ENV_V4], ids=["v3", "v4"])
def test_flask_migrate_layout(tmp_path: Path, env_text: str) -> None:
    write(
        tmp_path,
        {
            "migrations/alembic.ini": (
                "[alembic]\n# file_template = %%(rev)s_%%(slug)s\n"
            ),
            "migrations/env.py": env_text,
            "migrations/versions/1_init.py": "revision = '1'\n",
            "app/__init__.py": FLASK_APP,
            "app/models.py": FLASK_MODELS,
            "app/views.py": "from app.models import User\n",
        },
    )
    environments, problems = discover(tmp_path)

    env = only(environments)
    assert problems == []
    assert env.script_location == tmp_path.resolve() / "migrations"
    assert env.version_locations == [tmp_path.resolve() / "migrations/versions"]
    assert relative(env.model_files, tmp_path) == {"app/__init__.py", "app/models.py"}


def test_missing_script_location_is_reported(tmp_path: Path) -> None:
    project(tmp_path / "good")
    write(tmp_path, {"broken/alembic.ini": "[alembic]\nscript_location = nowhere\n"})
    environments, problems = discover(tmp_path)

    assert [env.name for env in environments] == ["good/migrations"]
    assert len(problems) == 1
    assert str(tmp_path.resolve() / "broken/alembic.ini") in problems[0]
    assert "script_location = 'nowhere'" in problems[0]
    assert "alembic init" in problems[0]


def test_ini_without_script_location_or_env_py(tmp_path: Path) -> None:
    write(tmp_path, {"alembic.ini": "[alembic]\nsqlalchemy.url = sqlite://\n"})
    environments, problems = discover(tmp_path)

    assert environments == []
    assert len(problems) == 1
    assert "no script_location" in problems[0]


def test_package_resource_script_location(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nscript_location = myapp:db/migrations\n",
            "myapp/__init__.py": "",
            "myapp/models.py": MODELS_PY,
            "myapp/db/migrations/env.py": env_py("from myapp.models import Base"),
        },
    )
    env = only(discover(tmp_path)[0])

    assert env.script_location == tmp_path.resolve() / "myapp/db/migrations"
    assert "myapp/models.py" in relative(env.model_files, tmp_path)


def test_several_sections_in_one_ini(tmp_path: Path) -> None:
    ini = """\
        [alembic]
        script_location = core

        [plugins]
        script_location = plugins
        """
    write(
        tmp_path,
        {
            "alembic.ini": ini,
            "core/env.py": env_py("from app.models import Base"),
            "plugins/env.py": env_py("from app.models import Base"),
            "app/models.py": MODELS_PY,
        },
    )
    environments = discover(tmp_path)[0]

    assert [env.name for env in environments] == ["core", "plugins"]


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgresql+psycopg2://scott:tiger@localhost/test", "postgresql"),
        ("postgres://u:p@h/d", "postgresql"),
        ("mysql+pymysql://root:pw@127.0.0.1/app", "mysql"),
        ("mariadb+mariadbconnector://a:b@c/d", "mysql"),
        ("sqlite:///%(here)s/app.db", "sqlite"),
        ("driver://user:pass@localhost/dbname", None),
        ("${DATABASE_URL}", None),
    ],
)
def test_dialect_from_sqlalchemy_url(
    tmp_path: Path, url: str, dialect: str | None
) -> None:
    project(
        tmp_path,
        ini=f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n",
    )
    environments, problems = discover(tmp_path)

    env = only(environments)
    assert env.dialect == dialect
    assert problems == []
    assert "tiger" not in repr(env)


def test_dialect_setting_wins_over_url(tmp_path: Path) -> None:
    project(
        tmp_path,
        ini="[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite://\n",
    )
    env = only(discover(tmp_path, Settings(dialect="postgresql"))[0])

    assert env.dialect == "postgresql"


@pytest.mark.parametrize(
    ("imports", "metadata", "models", "expected"),
    [
        pytest.param(
            "from app.db import db",
            "db.metadata",
            {"app/__init__.py": "", "app/db.py": "db = object()\n"},
            {"app/__init__.py", "app/db.py"},
            id="db-metadata",
        ),
        pytest.param(
            "from sqlmodel import SQLModel\nfrom app import models  # noqa",
            "SQLModel.metadata",
            {"app/__init__.py": "", "app/models.py": "x = 1\n"},
            {"app/__init__.py", "app/models.py"},
            id="sqlmodel-side-effect-import",
        ),
        pytest.param(
            "from core.models import Base as CoreBase\n"
            "from audit.models import AuditBase",
            "[CoreBase.metadata, AuditBase.metadata]",
            {"core/models.py": MODELS_PY, "audit/models.py": MODELS_PY},
            {"core/models.py", "audit/models.py"},
            id="list-of-metadata",
        ),
        pytest.param(
            "import app.models",
            "app.models.Base.metadata",
            {"app/__init__.py": "", "app/models.py": MODELS_PY},
            {"app/__init__.py", "app/models.py"},
            id="dotted-import",
        ),
        pytest.param(
            "from app.models import Base\nmetadata = Base.metadata",
            "metadata",
            {"app/models.py": MODELS_PY},
            {"app/models.py"},
            id="through-module-variable",
        ),
        pytest.param(
            "from app.models import Base",
            "Base.metadata",
            {
                "app/models/__init__.py": (
                    "from .base import Base\nfrom . import user\n"
                ),
                "app/models/base.py": MODELS_PY,
                "app/models/user.py": "from app.models.base import Base\n",
                "app/models/unused.py": "x = 1\n",
            },
            {"app/models/__init__.py", "app/models/base.py", "app/models/user.py"},
            id="package-init-imports-submodules",
        ),
    ],
)
def test_target_metadata_forms(
    tmp_path: Path,
    imports: str,
    metadata: str,
    models: dict[str, str],
    expected: set[str],
) -> None:
    project(tmp_path, env=env_py(imports, metadata), models=models)
    environments, problems = discover(tmp_path)

    env = only(environments)
    assert problems == []
    assert relative(env.model_files, tmp_path) == expected


def test_sqlmodel_without_imports_scans_tables(tmp_path: Path) -> None:
    table = (
        "from sqlmodel import SQLModel, Field\n\n\nclass Hero(SQLModel, table=True):\n"
        "    id: int = Field(primary_key=True)\n"
    )
    project(
        tmp_path,
        env=env_py("from sqlmodel import SQLModel", "SQLModel.metadata"),
        models={
            "app/heroes.py": table,
            "app/schemas.py": "class HeroRead:\n    pass\n",
        },
    )
    env = only(discover(tmp_path)[0])

    assert relative(env.model_files, tmp_path) == {"app/heroes.py"}


def test_function_level_imports_of_models_are_not_followed(tmp_path: Path) -> None:
    models = {
        "app/__init__.py": "def create_app():\n    from app import views\n",
        "app/views.py": "x = 1\n",
        "app/models.py": MODELS_PY,
    }
    project(tmp_path, models=models)
    env = only(discover(tmp_path)[0])

    assert relative(env.model_files, tmp_path) == {"app/__init__.py", "app/models.py"}


def test_env_py_function_level_import_is_followed(tmp_path: Path) -> None:
    env = (
        "from alembic import context\n\n\ndef run_migrations_online():\n"
        "    from app.models import Base\n"
        "    context.configure(target_metadata=Base.metadata)\n"
    )
    project(tmp_path, env=env)
    found = only(discover(tmp_path)[0])

    assert "app/models.py" in relative(found.model_files, tmp_path)


def test_no_models_found_names_the_setting(tmp_path: Path) -> None:
    project(tmp_path, env=env_py("from somewhere_else import Base"), models={})
    environments, problems = discover(tmp_path)

    assert only(environments).model_files == []
    assert len(problems) == 1
    assert "env.py" in problems[0]
    assert "[tool.steward] models" in problems[0]


def test_target_metadata_none_is_not_a_problem(tmp_path: Path) -> None:
    project(tmp_path, env=env_py("", "None"), models={})
    environments, problems = discover(tmp_path)

    assert only(environments).model_files == []
    assert problems == []


def test_models_setting_extends_model_files(tmp_path: Path) -> None:
    project(
        tmp_path,
        env=env_py("", "None"),
        models={
            "app/__init__.py": "",
            "app/models.py": MODELS_PY,
            "legacy/tables.py": "x = 1\n",
        },
    )
    settings = Settings(models=["app.models", "legacy/tables.py"])
    environments, problems = discover(tmp_path, settings)

    assert problems == []
    assert relative(only(environments).model_files, tmp_path) == {
        "app/__init__.py",
        "app/models.py",
        "legacy/tables.py",
    }


def test_models_setting_with_unknown_module(tmp_path: Path) -> None:
    project(tmp_path)
    problems = discover(tmp_path, Settings(models=["app.nothing"]))[1]

    assert len(problems) == 1
    assert "'app.nothing' not found" in problems[0]


def test_nested_pyproject_settings_apply_to_its_environment(tmp_path: Path) -> None:
    project(tmp_path / "svc")
    write(tmp_path, {"svc/pyproject.toml": '[tool.steward]\ndialect = "mysql"\n'})
    env = only(discover(tmp_path, Settings(allowed_heads=3))[0])

    assert env.settings.dialect == "mysql"
    assert env.settings.allowed_heads == 3
    assert env.dialect == "mysql"


def test_invalid_nested_steward_settings_are_a_problem(tmp_path: Path) -> None:
    project(tmp_path / "svc")
    write(tmp_path, {"svc/pyproject.toml": "[tool.steward]\nallowed_heads = 'two'\n"})
    environments, problems = discover(tmp_path)

    assert len(environments) == 1
    assert len(problems) == 1
    assert "allowed_heads" in problems[0]


def test_skipped_and_excluded_folders(tmp_path: Path) -> None:
    project(tmp_path)
    for folder in (".venv/lib", "node_modules/pkg", "venv2", "tests/workspaces/a"):
        project(tmp_path / folder)
    (tmp_path / "venv2/pyvenv.cfg").write_text("home = /usr\n")
    environments = discover(tmp_path, Settings(exclude=["tests/workspaces"]))[0]

    assert [env.name for env in environments] == ["migrations"]


def test_syntax_error_in_env_py_is_reported(tmp_path: Path) -> None:
    project(tmp_path, env="from alembic import context\ntarget_metadata = (\n")
    problems = discover(tmp_path)[1]

    assert any(
        "env.py:2" in problem and "syntax error" in problem for problem in problems
    )


def test_syntax_error_in_model_file_keeps_it(tmp_path: Path) -> None:
    project(tmp_path, models={"app/models.py": "class Broken(:\n"})
    env = only(discover(tmp_path)[0])

    assert relative(env.model_files, tmp_path) == {"app/models.py"}


COMPARE_OPTIONS = (
    ", compare_type=False, compare_server_default=True, "
    "include_schemas=True, render_as_batch=True"
)


def test_compare_options_from_configure(tmp_path: Path) -> None:
    project(
        tmp_path, env=env_py("from app.models import Base", options=COMPARE_OPTIONS)
    )
    compare = only(discover(tmp_path)[0]).compare

    assert compare.compare_type is False
    assert compare.compare_server_default is True
    assert compare.include_schemas is True
    assert compare.render_as_batch is True


def test_compare_options_default_when_not_literal(tmp_path: Path) -> None:
    options = ", render_as_batch=connection.dialect.name == 'sqlite'"
    project(tmp_path, env=env_py("from app.models import Base", options=options))
    compare = only(discover(tmp_path)[0]).compare

    assert compare.render_as_batch is False
    assert compare.compare_type is True
    assert compare.compare_server_default is False


def test_comparator_function_counts_as_true(tmp_path: Path) -> None:
    options = ", compare_server_default=compare_defaults"
    env = env_py("from app.models import Base", options=options)
    env += "\n\ndef compare_defaults(*args):\n    return None\n"
    project(tmp_path, env=env)

    assert only(discover(tmp_path)[0]).compare.compare_server_default is True


FILTERS = {
    "exclude-set": (
        """
        EXCLUDED = {"spatial_ref_sys", "celery_taskmeta"}

        def include_object(object, name, type_, reflected, compare_to):
            if type_ == "table" and name in EXCLUDED:
                return False
            return True
        """,
        "include_object",
        None,
        {"spatial_ref_sys", "celery_taskmeta"},
    ),
    "exclude-not": (
        """
        def include_object(obj, table_name, kind, reflected, compare_to):
            return not (kind == "table" and table_name == "legacy")
        """,
        "include_object",
        None,
        {"legacy"},
    ),
    "include-only": (
        """
        def include_name(name, type_, parent_names):
            if type_ == "table":
                return name in ["users", "orders"]
            return True
        """,
        "include_name",
        {"users", "orders"},
        set(),
    ),
    "index-only-test": (
        """
        def include_object(object, name, type_, reflected, compare_to):
            if type_ == "index" and name == "ix_skip":
                return False
            return True
        """,
        "include_object",
        None,
        set(),
    ),
    "schema-named-only": (
        """
        LEDGER_SCHEMA = "ledger"

        def include_object(object, name, type_, reflected, compare_to):
            if type_ == "table":
                return object.schema == LEDGER_SCHEMA
            return True
        """,
        "include_object",
        set(),
        set(),
    ),
    "schema-absent-only": (
        """
        def include_object(object, name, type_, reflected, compare_to):
            if type_ == "table" and object.schema:
                return False
            return name != "scratch"
        """,
        "include_object",
        None,
        {"scratch"},
    ),
    "not-literal": (
        """
        def include_object(object, name, type_, reflected, compare_to):
            if object.info.get("skip_autogenerate"):
                return False
            return True
        """,
        "include_object",
        None,
        set(),
    ),
}


@pytest.mark.parametrize("case", list(FILTERS), ids=list(FILTERS))
def test_include_filters(tmp_path: Path, case: str) -> None:
    function, keyword, include, exclude = FILTERS[case]
    env = env_py("from app.models import Base", options=f", {keyword}={keyword}")
    env += textwrap.dedent(function)
    project(tmp_path, env=env)
    compare = only(discover(tmp_path)[0]).compare

    assert compare.include_tables == include
    assert compare.exclude_tables == exclude


def test_schema_filter_needs_default_schema(tmp_path: Path) -> None:
    options = ", include_schemas=True, include_object=include_object"
    env = env_py("from app.models import Base", options=options)
    env += textwrap.dedent(FILTERS["schema-named-only"][0])
    project(tmp_path, env=env)
    compare = only(discover(tmp_path)[0]).compare

    assert compare.include_tables is None
    assert compare.exclude_tables == set()


def test_env_py_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    env = env_py(f"open({str(marker)!r}, 'w').close()\nfrom app.models import Base")
    project(
        tmp_path,
        env=env,
        models={
            "app/__init__.py": f"open({str(marker)!r}, 'w').close()\n",
            "app/models.py": MODELS_PY,
        },
    )
    discover(tmp_path)

    assert not marker.exists()


def test_assignment_cycle_in_env_py_ends(tmp_path: Path) -> None:
    env = "a = b\nb = a\ntarget_metadata = a.metadata\n"
    project(tmp_path, env=env)
    environments, problems = discover(tmp_path)

    assert only(environments).model_files == []
    assert len(problems) == 1
    assert "no model modules found" in problems[0]


def test_unrelated_invalid_pyproject_is_ignored(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path, {"vendor/pkg/pyproject.toml": "[project\nname = 'x'\n"})
    environments, problems = discover(tmp_path)

    assert len(environments) == 1
    assert problems == []


def test_invalid_tool_alembic_pyproject_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, {"svc/pyproject.toml": "[tool.alembic]\nscript_location = \n"})
    problems = discover(tmp_path)[1]

    assert len(problems) == 1
    assert "invalid TOML" in problems[0]


def test_template_folders_are_skipped(tmp_path: Path) -> None:
    project(tmp_path)
    project(tmp_path / "template/{{cookiecutter.name}}")
    environments = discover(tmp_path)[0]

    assert [env.name for env in environments] == ["migrations"]


def test_tool_alembic_beside_ini_without_script_location(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/db"\n',
            "alembic.ini": "[alembic]\nsqlalchemy.url = mysql+pymysql://u:p@h/d\n",
            "db/env.py": env_py("from app.models import Base"),
            "app/models.py": MODELS_PY,
        },
    )
    environments, problems = discover(tmp_path)

    env = only(environments)
    assert problems == []
    assert env.script_location == tmp_path.resolve() / "db"
    assert env.config_file == tmp_path.resolve() / "alembic.ini"
    assert env.dialect == "mysql"


BASE_ONLY_DB = """\
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class Model(Base):
    __abstract__ = True
"""


def registered_at_run_time(root: Path, env: str) -> None:
    """Write a project whose application imports its model modules itself."""
    user = "import db\n\n\nclass User(db.Model):\n    __tablename__ = 'users'\n"
    org = (
        "from db import Base as ModelBase\n\n\nclass Org(ModelBase):\n"
        "    __tablename__ = 'orgs'\n"
    )
    project(
        root,
        env=env,
        models={
            "db.py": BASE_ONLY_DB,
            "app/__init__.py": "",
            "app/users/__init__.py": "",
            "app/users/models.py": user,
            "app/orgs/__init__.py": "",
            "app/orgs/models.py": org,
            "app/forms.py": "class Model:\n    pass\n",
            "tests/test_models.py": user,
        },
    )


def test_base_without_tables_scans_subclass_modules(tmp_path: Path) -> None:
    registered_at_run_time(tmp_path, env_py("import db", "db.metadata"))
    environments, problems = discover(tmp_path)

    assert problems == []
    assert relative(only(environments).model_files, tmp_path) == {
        "db.py",
        "app/users/models.py",
        "app/orgs/models.py",
    }


def test_env_py_reaching_tables_is_not_scanned(tmp_path: Path) -> None:
    registered_at_run_time(
        tmp_path, env_py("import db\nfrom app.users import models", "db.metadata")
    )
    env = only(discover(tmp_path)[0])

    assert relative(env.model_files, tmp_path) == {
        "db.py",
        "app/__init__.py",
        "app/users/__init__.py",
        "app/users/models.py",
    }


def test_latin1_alembic_ini_named_with_fix(tmp_path: Path) -> None:
    from steward_lsp.engine.alembic_config import read_ini_sections

    ini = tmp_path / "alembic.ini"
    ini.write_bytes(b"# caf\xe9\n[alembic]\nscript_location = migrations\n")

    parser, error = read_ini_sections(ini)

    assert parser is None
    assert error.startswith(f"{ini}: not UTF-8 (byte 0xe9 at offset 5)")
    assert error.endswith("save it as UTF-8")


def test_invalid_setting_keeps_the_others(tmp_path: Path) -> None:
    from steward_lsp.engine.analysis import Workspace

    (tmp_path / "pyproject.toml").write_text(
        '[tool.steward]\nignore = ["STW601"]\nbogus_key = 1\nallowed_heads = "two"\n',
        encoding="utf-8",
    )

    workspace = Workspace(tmp_path)
    result = workspace.analyze()

    assert workspace.settings.ignore == ["STW601"]
    assert workspace.settings.allowed_heads == 1
    [unknown] = [p for p in result.problems if "bogus_key" in p]
    [wrong_type] = [p for p in result.problems if "allowed_heads" in p]
    assert "unknown setting 'bogus_key'" in unknown
    assert "setting 'allowed_heads' must be an integer" in wrong_type
    assert unknown.endswith("the other settings apply")
    assert wrong_type.endswith("the other settings apply")
