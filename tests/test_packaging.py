"""The package: what `pip install .` brings, the declared dependencies and the hashed lock file."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path

from conftest import ROOT

ENGINE = ROOT / "hooks" / "factcheck"


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement such as 'PyYAML>=6'."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _imported_modules(paths: list[Path]) -> set[str]:
    modules = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"__future__", "factcheck"}


def _distributions(modules: set[str]) -> set[str]:
    providers = metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in providers)
    assert not missing, f"imported but not installed: {missing}"
    return {_name(dist) for module in modules for dist in providers[module]}


def test_every_library_the_engine_imports_is_a_declared_dependency():
    declared = {_name(r) for r in _project()["dependencies"]}
    needed = _distributions(_imported_modules(sorted(ENGINE.rglob("*.py"))))
    undeclared = sorted(needed - declared)
    assert not undeclared, f"add {undeclared} to [project] dependencies in pyproject.toml, then run `make pins`"


def test_the_mkdocs_adapter_needs_only_the_mkdocs_extra():
    project = _project()
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["mkdocs"]}
    needed = _distributions(_imported_modules([ROOT / "hooks" / "factcheck_hook.py"]))
    assert needed <= declared, sorted(needed - declared)


def test_the_lock_file_pins_every_declared_dependency_with_hashes():
    project = _project()
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared += [line for line in (ROOT / "requirements.in").read_text().splitlines() if line.strip() and not line.startswith("#")]
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9._-]+)==\S+ \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M)
    pinned = {_name(name) for name, _ in pins}
    assert len(pins) == len(re.findall(r"^[A-Za-z0-9]", lock, re.M)), "every pin carries its hashes (run `make pins`)"
    missing = sorted({_name(r) for r in declared} - pinned)
    assert not missing, f"not in requirements.txt: {missing}; run `make pins`"


def test_each_generator_environment_locks_the_engine_dependencies_with_hashes():
    runtime = {_name(r) for r in _project()["dependencies"]}
    for lock in ("generators/mkdocs.txt", "generators/properdocs.txt"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        pinned = {_name(name) for name in re.findall(r"^([A-Za-z0-9._-]+)==\S+ \\\n    --hash=sha256:", text, re.M)}
        missing = sorted(runtime - pinned)
        assert not missing, f"{lock} lacks {missing}: run `make pins`"


def test_version_is_the_installed_package_version(capsys):
    from factcheck.cli import main

    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.strip() == f"factcheck {_project()['version']}"


def test_pip_install_in_an_empty_environment_gives_a_working_validate(project_copy: Path, tmp_path: Path):
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(project_copy)],
                             capture_output=True, text=True, env=env, timeout=600)
    assert install.returncode == 0, install.stderr
    factcheck = environment / "bin" / "factcheck"
    validate = subprocess.run([str(factcheck), "validate"], cwd=project_copy, capture_output=True, text=True, env=env, timeout=120)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert re.search(r"OK: \d+ source\(s\), \d+ claim\(s\)", validate.stderr)
    # A broken file is still reported at its line, from the installed copy.
    claim = next((project_copy / "claims").rglob("*.yml"))
    claim.write_text(re.sub(r"^verdict: .*$", "verdict: no-such-verdict", claim.read_text(encoding="utf-8"), count=1, flags=re.M),
                     encoding="utf-8")
    broken = subprocess.run([str(factcheck), "validate"], cwd=project_copy, capture_output=True, text=True, env=env, timeout=120)
    assert broken.returncode == 1
    assert re.search(rf"{re.escape(claim.relative_to(project_copy).as_posix())}:\d+:\d+: verdict: unknown verdict", broken.stdout)
