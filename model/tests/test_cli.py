"""The ``python -m model`` command line: results, and clean errors for bad arguments."""

import subprocess
import sys

import pytest

from model.__main__ import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "model", *args], capture_output=True, text=True)


def test_speedup_prints_a_table(capsys):
    assert main(["speedup", "--rows", "300", "--samples", "2", "--sparsity", "0", "0.5", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 0.") or line.startswith("| 1.")]
    assert len(rows) == 3
    # Dense input: no speedup; all-zero input: exactly the depth (ceil(300/3) = 100 steps).
    assert rows[0].split("|")[2].strip() == "1.000"
    assert rows[2].split("|")[2].strip() == "3.000" and rows[2].split("|")[4].strip() == "2.000"


def test_bench_reports_a_rate(capsys):
    assert main(["bench", "--streams", "64", "--rows", "50", "--repeat", "1", "--depth", "3"]) == 0
    assert "scheduler steps/s" in capsys.readouterr().out


def test_tile_study_writes_table_and_plot(tmp_path, capsys):
    out = tmp_path / "study.png"
    assert main(["tile-study", "--max-rows", "4", "--max-cols", "8", "--tiles", "4", "--rows", "30",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "| 4 |" in text and "| 8 |" in text and out.stat().st_size > 10_000


@pytest.mark.parametrize("args, message", [
    (["tile-study", "--sparsity", "0.95"], "clustered sparsity must be in"),
    (["tile-study", "--depth", "5"], "invalid choice: 5"),
    (["speedup", "--sparsity", "1.5"], "sparsity must be in [0, 1]"),
    (["speedup", "--sparsity", "abc"], "sparsity must be a number"),
    (["speedup", "--depth", "4"], "invalid choice: 4"),
    (["speedup", "--lanes", "2"], "lanes must be in"),
    (["bench", "--rows", "0"], "expected a positive integer"),
    (["frobnicate"], "invalid choice"),
    ([], "required: command"),
])
def test_bad_arguments_exit_2_without_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
