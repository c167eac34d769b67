"""`make bench` starts on the engine as it is: its scripts import what they measure, and its tables show what was
measured (the bench itself takes an hour, so it is not run here)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["run.py", "rebuild.py", "synthetic.py"])
def test_each_bench_script_starts(script):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_an_editor_only_table_shows_only_what_it_measured(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import run

    row = run.Row(1000)
    row.seconds["validate all"] = [0.4, 0.5]
    row.seconds["validate"] = [0.3, 0.3]
    row.serve.reload_seconds = [0.5, 0.7]
    row.serve.idle_percent = 0.0
    row.serve.resident_mib = [110.0, 115.0]
    header = run.report([row], 2).splitlines()[2]
    assert header == ("| claims | validate all s | validate 1 s | save-to-reload s | serve idle CPU | serve MiB |")
    assert run.report([row], 2).splitlines()[-1] == (
        "| 1,000 | 0.45 (0.40–0.50) | 0.30 (0.30–0.30) | 0.60 (0.50–0.70) | 0.0% | 110 → 115 (115) |")
