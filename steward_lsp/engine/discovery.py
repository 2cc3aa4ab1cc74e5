"""Discovery of Alembic environments from alembic.ini and pyproject.toml.

An environment is found from any ``*.ini`` file with a section that sets
``script_location`` (``alembic.ini`` is always read), from ``[tool.alembic]``
in a ``pyproject.toml``, from Flask-Migrate's layout, where
``migrations/alembic.ini`` sets no script_location because Flask-Migrate
passes the folder itself, and from a script folder with env.py,
script.py.mako and versions/ that no configuration names. Relative paths
are resolved against the folder of the configuration file, the folder
Alembic is normally run from.
"""

from __future__ import annotations

import ast
import logging
import sys
from pathlib import Path

from steward_lsp.engine import alembic_config
from steward_lsp.engine.alembic_config import AlembicConfig
from steward_lsp.engine.config import (
    ConfigError,
    Settings,
    invalid_toml,
    merge_settings,
)
from steward_lsp.engine.env_script import (
    EnvScript,
    migrate_renders_as_batch,
    read_env_script,
)
from steward_lsp.engine.file_walk import FolderFilter, walk_folders
from steward_lsp.engine.model_files import ImportCache, ModelSearch, find_model_files
from steward_lsp.engine.project import Environment
from steward_lsp.engine.sources import ModuleLoader, SourceError, decode_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)


def discover_environments(
    root: Path, settings: Settings
) -> tuple[list[Environment], list[str]]:
    """Find every Alembic environment under ``root``.

    Parameters
    ----------
    root:
        The workspace folder.
    settings:
        The workspace settings; ``exclude`` names folders not to search. An
        environment under a nested pyproject.toml with ``[tool.steward]``
        gets these settings updated with that table.

    Returns
    -------
    The environments, in folder order, and configuration problems, each
    naming the file, the key and what to do. Problems of one environment are
    also in its ``problems``.
    """
    root = root.resolve()
    folders = FolderFilter(root, settings.exclude)
    problems: list[str] = []
    configs: list[AlembicConfig] = []
    bare_folders: list[AlembicConfig] = []
    # Folders whose alembic.ini is broken or names a missing script folder.
    failed_ini_folders: set[Path] = set()
    for folder, files in walk_folders(root, folders):
        configs.extend(_configs_in_folder(folder, files, problems, failed_ini_folders))
        bare_folders.extend(_bare_script_folder(folder, files))

    environments: list[Environment] = []
    cache = ImportCache()

    def add(config: AlembicConfig) -> Environment | None:
        environment = _build_environment(root, config, settings, folders, cache)
        problems.extend(config.problems)
        known = {env.script_location for env in environments}
        if environment is not None and environment.script_location not in known:
            environments.append(environment)
            problems.extend(environment.problems)
        return environment

    for config in configs:
        if add(config) is None and config.ini_file is not None:
            failed_ini_folders.add(config.folder)
    # Last, so that a configuration naming the same folder is used instead. A
    # script folder beside a broken alembic.ini is left out: the problem of
    # that file is the one to fix, and without it the models are not found.
    for config in bare_folders:
        if config.folder.parent not in failed_ini_folders:
            add(config)
    logger.info("found %d Alembic environments under %s", len(environments), root)
    return environments, problems


# Files that mark the top folder of a Python project.
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def enclosing_project(root: Path) -> Path:
    """Return the project folder to analyse for a workspace opened at ``root``.

    Flask-Migrate keeps alembic.ini in ``migrations/``, so an editor or a
    terminal often starts in that folder, or in ``migrations/versions``. The
    models then lie above ``root``, out of reach of model discovery. When
    ``root`` is, or is inside, an Alembic script folder (env.py with
    script.py.mako or versions/) whose parent is a project (it contains
    pyproject.toml, setup.py, setup.cfg or a Python package), that parent is
    returned. Any other ``root`` is returned unchanged.
    """
    root = root.resolve()
    for folder in [root, *root.parents]:
        if _is_script_folder(folder):
            project = folder.parent
            if project != folder and _is_project_folder(project, folder):
                logger.info(
                    "%s is inside the Alembic script folder %s; analysing the "
                    "project %s so that its models are found",
                    root,
                    folder,
                    project,
                )
                return project
            return root
    return root


def _is_script_folder(folder: Path) -> bool:
    if not (folder / "env.py").is_file():
        return False
    return (folder / "script.py.mako").is_file() or (folder / "versions").is_dir()


def _is_project_folder(folder: Path, script_folder: Path) -> bool:
    if any((folder / marker).is_file() for marker in _PROJECT_MARKERS):
        return True
    try:
        children = list(folder.iterdir())
    except OSError:
        return False
    return any(
        child != script_folder and (child / "__init__.py").is_file()
        for child in children
    )


def _configs_in_folder(
    folder: Path, files: list[str], problems: list[str], failed_folders: set[Path]
) -> list[AlembicConfig]:
    toml_file = folder / "pyproject.toml" if "pyproject.toml" in files else None
    toml_table = None
    if toml_file is not None:
        toml_table, error = alembic_config.read_tool_alembic(toml_file)
        if error:
            problems.append(error)

    configs: list[AlembicConfig] = []
    uses_toml = False
    for name in files:
        if not name.endswith(".ini"):
            continue
        ini_file = folder / name
        parser, error = alembic_config.read_ini_sections(ini_file)
        if parser is None:
            if name == "alembic.ini":
                problems.append(error)
                failed_folders.add(folder)
            continue
        for section in alembic_config.environment_sections(parser):
            # `alembic --name SECTION` picks the ini section; the table in
            # pyproject.toml is always [tool.alembic] (Alembic 1.16+).
            uses_toml = uses_toml or toml_table is not None
            config = alembic_config.build_config(
                folder, parser, section, ini_file, toml_table, toml_file
            )
            configs.append(config)
    if toml_table is not None and not uses_toml:
        configs.append(
            alembic_config.build_config(folder, None, "", None, toml_table, toml_file)
        )
    return configs


def _bare_script_folder(folder: Path, files: list[str]) -> list[AlembicConfig]:
    """Return a config for a script folder that has no configuration file.

    Some projects build Alembic's Config in code (``Config()`` with
    ``set_main_option("script_location", ...)``); the folder ``alembic init``
    made still holds env.py, script.py.mako and versions/.
    """
    names = set(files)
    if not {"env.py", "script.py.mako"} <= names or not (folder / "versions").is_dir():
        return []
    if any(name.endswith(".ini") for name in names) or "pyproject.toml" in names:
        return []
    return [AlembicConfig(folder, f"{folder / 'env.py'} (no alembic.ini)")]


def _build_environment(
    root: Path,
    config: AlembicConfig,
    workspace_settings: Settings,
    folders: FolderFilter,
    cache: ImportCache,
) -> Environment | None:
    settings, models_base = _environment_settings(root, config, workspace_settings)
    source_roots = _source_roots(root, config)
    script_location = _script_location(config, source_roots)
    if script_location is None:
        return None

    versions = [
        _resolve(config.folder, location) for location in config.version_locations or []
    ] or [script_location / "versions"]
    env_py = script_location / "env.py"
    environment = Environment(
        name=_relative_name(root, script_location),
        root=config.folder,
        config_file=config.ini_file or config.toml_file,
        script_location=script_location,
        version_locations=versions,
        env_py=env_py if env_py.is_file() else None,
        source_roots=_with_env_parents(source_roots, env_py.parent, root),
        dialect=settings.dialect or config.dialect,
        file_template=config.file_template,
        settings=settings,
        config_section=config.section or alembic_config.MAIN_SECTION,
    )
    environment.problems.extend(config.problems)
    config.problems.clear()
    _attach_models(environment, folders, models_base, cache)
    return environment


def _environment_settings(
    root: Path, config: AlembicConfig, workspace_settings: Settings
) -> tuple[Settings, Path]:
    """Return the nearest ``[tool.steward]`` settings and the folder of ``models``.

    A nested table updates the workspace settings key by key; the workspace
    root's own pyproject.toml is already part of ``workspace_settings``.
    """
    folder = config.folder.resolve()
    while folder != root and folder.is_relative_to(root):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = None
            try:
                section = read_steward_table(pyproject)
                if section is not None:
                    source = f"{pyproject} [tool.steward]"
                    merged = merge_settings(workspace_settings, section, source)
                    return merged, folder if "models" in section else root
            except ConfigError as exc:
                if exc.partial is not None and section is not None:
                    config.problems.extend(
                        f"{message}; the other settings apply"
                        for message in exc.messages
                    )
                    return exc.partial, folder if "models" in section else root
                config.problems.append(f"{exc}; using the workspace settings")
                return workspace_settings, root
        folder = folder.parent
    return workspace_settings, root


def read_steward_table(pyproject: Path) -> dict[str, object] | None:
    """Return ``[tool.steward]`` of ``pyproject``, None when absent.

    Raises :class:`ConfigError` when the file cannot be read, or is not valid
    TOML and mentions ``tool.steward``.
    """
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{pyproject}: cannot be read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if "tool.steward" not in text:
            logger.warning("%s is not valid TOML: %s", pyproject, exc)
            return None
        raise invalid_toml(pyproject, exc) from exc
    tool = data.get("tool", {})
    section = tool.get("steward") if isinstance(tool, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.steward] must be a table")
    return section


def _source_roots(root: Path, config: AlembicConfig) -> list[Path]:
    candidates = [_resolve(config.folder, entry) for entry in config.prepend_sys_path]
    candidates += [config.folder, root / "src", config.folder / "src", root]
    return _unique_folders(candidates)


def _with_env_parents(roots: list[Path], env_folder: Path, root: Path) -> list[Path]:
    # env.py often puts its parent folders on sys.path before importing models.
    parents = [env_folder.resolve(), *env_folder.resolve().parents]
    return _unique_folders(roots + [p for p in parents if p.is_relative_to(root)])


def _unique_folders(candidates: list[Path]) -> list[Path]:
    unique: dict[Path, None] = {}
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_dir():
            unique.setdefault(resolved, None)
    return list(unique)


def _script_location(config: AlembicConfig, source_roots: list[Path]) -> Path | None:
    value = config.script_location
    if value is None:
        if (config.folder / "env.py").is_file():
            return config.folder.resolve()
        config.problems.append(
            f"{config.source}: no script_location is set and {config.folder} has "
            "no env.py; set script_location to the folder that holds env.py"
        )
        return None

    path = _resolve_script_location(config.folder, value, source_roots)
    if path is None or not path.is_dir():
        where = f" ({path})" if path is not None else ""
        config.problems.append(
            f"{config.source}: script_location = {value!r} names a folder that "
            f"does not exist{where}; fix script_location, or create the folder "
            "with `alembic init`"
        )
        return None
    return path


def _resolve_script_location(
    folder: Path, value: str, source_roots: list[Path]
) -> Path | None:
    """Resolve a path or Alembic's ``package:path`` resource form."""
    package, sep, inner = value.partition(":")
    if (
        sep
        and not Path(value).is_absolute()
        and len(package) > 1
        and "/" not in package
    ):
        loader: ModuleLoader[None] = ModuleLoader(source_roots, lambda _: None)
        init_file = loader.resolve(package)
        if init_file is None or init_file.name != "__init__.py":
            return None
        return (init_file.parent / inner).resolve()
    return _resolve(folder, value)


def _resolve(folder: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else folder / path).resolve()


def _relative_name(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _attach_models(
    environment: Environment,
    folders: FolderFilter,
    models_base: Path,
    cache: ImportCache,
) -> None:
    script = _read_env_py(environment)
    if script is not None:
        environment.compare = script.compare
    search = ModelSearch(
        source_roots=environment.source_roots,
        project_folder=_project_folder(environment),
        folders=folders,
        env_py=environment.env_py,
        script=script,
        models_setting=environment.settings.models,
        models_base=models_base,
        skip_folders=[environment.script_location, *environment.version_locations],
        cache=cache,
    )
    files, problems = find_model_files(search)
    environment.model_files = files
    environment.problems.extend(problems)
    if script is not None and script.flask_migrate:
        _read_flask_batch(environment, files)
    if files:
        return
    if script is not None and script.metadata_is_none:
        # A chain without autogenerate (data migrations, a graph under test)
        # is valid Alembic; only the drift rules have nothing to compare.
        logger.info(
            "%s sets target_metadata = None; drift is not checked for %s",
            environment.env_py,
            environment.name,
        )
        return
    environment.problems.append(_no_models_message(environment, script))


def _read_flask_batch(environment: Environment, files: list[Path]) -> None:
    """Turn on batch mode when the Flask app sets up Migrate with it.

    The model modules import the package that makes ``db``, which is where a
    Flask app usually calls ``Migrate``.
    """
    if environment.compare.render_as_batch:
        return
    for path in files:
        try:
            tree = ast.parse(decode_source(path), filename=str(path))
        except (SourceError, SyntaxError):
            continue
        if migrate_renders_as_batch(tree):
            environment.compare.render_as_batch = True
            return


def _read_env_py(environment: Environment) -> EnvScript | None:
    env_py = environment.env_py
    if env_py is None:
        return None
    try:
        return read_env_script(decode_source(env_py), str(env_py))
    except SourceError as exc:
        environment.problems.append(str(exc))
    except SyntaxError as exc:
        environment.problems.append(
            f"{env_py}:{exc.lineno}: Python syntax error in env.py, as parsed by "
            f"Python {sys.version_info.major}.{sys.version_info.minor}: "
            f"{exc.msg}; fix it, or if the project needs a newer Python, run "
            "steward with that Python, so it can follow target_metadata"
        )
    return None


def _project_folder(environment: Environment) -> Path:
    """Return the folder to scan for Flask-SQLAlchemy or SQLModel classes."""
    if (
        environment.config_file is not None
        and environment.root == environment.script_location
    ):
        return environment.script_location.parent
    return environment.root


def _no_models_message(environment: Environment, script: EnvScript | None) -> str:
    where = environment.env_py or environment.config_file or environment.script_location
    if environment.env_py is None:
        reason = f"there is no env.py in {environment.script_location}"
    elif script is None:
        reason = "env.py cannot be read"
    elif script.metadata_roots:
        reason = (
            f"the imports of {', '.join(script.metadata_roots)} for target_metadata "
            "lead to no file in the workspace"
        )
    else:
        reason = "env.py names no target_metadata that steward can follow"
    if environment.config_file is None:
        ini_file = environment.script_location.parent / "alembic.ini"
        return (
            f"{ini_file}: missing, so steward does not know its "
            "prepend_sys_path and found no model modules for environment "
            f"{environment.name!r} ({reason}); create alembic.ini with "
            f"script_location = {environment.script_location.name} (`alembic "
            "init` writes one), or list the model modules or files in "
            "[tool.steward] models in pyproject.toml"
        )
    return (
        f"{where}: no model modules found for environment {environment.name!r}: "
        f"{reason}; list the model modules or files in [tool.steward] models "
        "in pyproject.toml"
    )
