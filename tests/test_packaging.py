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

ENGINE = ROOT / "hooks" / "factdesk"


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
    return modules - set(sys.stdlib_module_names) - {"__future__", "factdesk", "factdesk_mkdocs"}


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


def test_the_engine_never_imports_mkdocs():
    imported = _imported_modules(sorted(ENGINE.rglob("*.py")))
    assert not imported & {"mkdocs", "material", "watchdog"}, "the MkDocs adapter is hooks/factdesk_mkdocs/"


def test_the_mkdocs_adapter_needs_only_the_mkdocs_extra():
    project = _project()
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["mkdocs"]}
    adapter = sorted((ROOT / "hooks" / "factdesk_mkdocs").glob("*.py")) + [ROOT / "hooks" / "factcheck_hook.py"]
    needed = _distributions(_imported_modules(adapter))
    assert needed <= declared, sorted(needed - declared)


def _requirements(path: Path) -> list[str]:
    """The requirements an .in file lists itself (not those of the files it includes with -r)."""
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("-r ")]


def test_the_lock_inputs_list_what_pyproject_declares():
    """The locks are compiled from the .in files alone (as Dependabot compiles them), so these list
    pyproject.toml's dependencies and extras, exactly."""
    project = _project()
    assert _requirements(ROOT / "generators" / "engine.in") == project["dependencies"]
    assert [r for r in _requirements(ROOT / "generators" / "mkdocs.in") if _name(r) != "setuptools"] \
        == project["optional-dependencies"]["mkdocs"]
    assert _requirements(ROOT / "requirements.in") == project["optional-dependencies"]["test"]
    assert "-r engine.in" in (ROOT / "generators" / "properdocs.in").read_text(encoding="utf-8")


def test_the_minimum_versions_ci_tests_are_pyproject_lower_bounds():
    project = _project()
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    bounds = {_name(r): re.search(r">=([0-9.]+)", r).group(1) for r in declared}
    minimum = {_name(r): r.split("==")[1] for r in _requirements(ROOT / ".ci" / "minimum-versions.txt")}
    assert sorted(minimum) == sorted(bounds), "one line per dependency in .ci/minimum-versions.txt"
    for name, version in minimum.items():
        padded = lambda v: [int(part) for part in v.split(".")] + [0] * (3 - len(v.split(".")))  # noqa: E731
        assert padded(version) == padded(bounds[name]), f"{name}: pyproject.toml says >={bounds[name]}, the job tests {version}"


def test_the_lock_file_pins_every_declared_dependency_with_hashes():
    project = _project()
    declared = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared += _requirements(ROOT / "generators" / "mkdocs.in")
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


def test_version_is_the_package_version(capsys):
    import factdesk
    from factdesk.cli import main

    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["dynamic"] \
        == {"version": {"attr": "factdesk.__version__"}}
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.strip() == f"factcheck {factdesk.__version__}"


def test_the_build_copies_the_files_the_starter_shares():
    from factdesk.starter import SHARED

    build = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    copied = next(ast.literal_eval(node.value) for node in build.body
                  if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ["SHARED"])
    assert copied == SHARED, "setup.py copies into the package what factdesk.starter reads from it"


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


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SITE_URL", "REPO_URL")} \
        | {"NO_MKDOCS_2_WARNING": "1"}


def test_a_new_site_from_the_wheel_builds_with_the_plugin(project_copy: Path, tmp_path: Path):
    """As a desk starts: the package built from this checkout, installed in an empty environment (with the
    locked tree a site build uses), `factcheck init site`, then `make site` in it."""
    env = _clean_env()
    dist = tmp_path / "dist"
    wheel = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--wheel-dir", str(dist), str(project_copy)], capture_output=True, text=True, env=env, timeout=600)
    assert wheel.returncode == 0, wheel.stderr
    assert "warning" not in wheel.stderr.lower(), wheel.stderr
    built = next(dist.glob("factdesk-*.whl"))
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    for arguments in (["--require-hashes", "-r", str(ROOT / "generators" / "mkdocs.txt")], ["--no-deps", str(built)]):
        install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *arguments],
                                 capture_output=True, text=True, env=env, timeout=900)
        assert install.returncode == 0, install.stderr
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env['PATH']}"
    desk = tmp_path / "desk"
    desk.mkdir()
    init = subprocess.run(["factcheck", "init", "site"], cwd=desk, capture_output=True, text=True, env=env, timeout=120)
    assert init.returncode == 0, init.stderr
    site = desk / "site"
    assert "plugins:\n  - search\n  - factcheck\n" in (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert "factcheck_hook" not in (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"factdesk[mkdocs]=={built.name.split('-')[1]}" in (site / "requirements.txt").read_text(encoding="utf-8")
    make = subprocess.run(["make", "site"], cwd=site, capture_output=True, text=True, env=env, timeout=600)
    assert make.returncode == 0, make.stdout + make.stderr
    claim = next((site / "claims").rglob("*.yml"))
    assert (site / "site" / "claims" / f"{claim.stem}.html").is_file()
    assert (site / "site" / "index.html").is_file()
    # From a folder of the new site, the command finds the site.
    validate = subprocess.run(["factcheck", "validate"], cwd=site / "claims", capture_output=True, text=True, env=env, timeout=120)
    assert validate.returncode == 0 and "OK: 1 source(s), 1 claim(s)" in validate.stderr, validate.stderr
    # Run directly, MkDocs does not list every generated page as missing from the navigation.
    direct = subprocess.run([str(environment / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "direct")],
                            cwd=site, capture_output=True, text=True, env=env, timeout=600)
    assert direct.returncode == 0, direct.stderr
    assert "not included in the \"nav\"" not in direct.stderr, direct.stderr
