"""The ``python -m studies`` command line: results, and clean errors for bad arguments."""

import subprocess
import sys

import pytest

from studies.__main__ import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "studies", *args], capture_output=True, text=True)


def table_rows(out: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines()
            if line.startswith("| 0.") or line.startswith("| 1.")]


def test_speedup_model_table_and_plot(tmp_path, capsys):
    assert main(["speedup", "--no-rtl", "--rows", "300", "--samples", "2", "--sparsity", "0", "0.5", "1",
                 "--out", str(tmp_path)]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert len(rows) == 3
    # Columns: sparsity, ideal d3, model d3, ideal d2, model d2, paper.
    # Dense input: no speedup; all-zero input: exactly the depth (ceil(300/3) = 100 steps).
    assert rows[0][2] == "1.000" and rows[0][4] == "1.000"
    assert rows[2][2] == "3.000" and rows[2][4] == "2.000"
    assert (tmp_path / "speedup.png").stat().st_size > 10_000


def test_speedup_drives_the_rtl_pes(tmp_path, capsys):
    """The RTL columns come from cocotb runs that check every result and result cycle; with
    no zeros (s = 0) and all zeros (s = 1) the measured speedup is known exactly."""
    assert main(["speedup", "--rows", "60", "--samples", "1", "--sparsity", "0", "1", "--depth", "3",
                 "--rtl-jobs", "2", "--rtl-rows", "30", "--out", str(tmp_path)]) == 0
    rows = table_rows(capsys.readouterr().out)
    # Columns: sparsity, ideal, model, RTL, paper. s = 0: 2 jobs x 30 rows + 2 fill cycles
    # in both PEs. s = 1: 60 dense cycles vs 2 x ceil(30/3) = 20 TensorDash cycles.
    assert rows[0][3] == "1.000"
    assert rows[1][3] == "3.000"


def test_compare_orders_the_schedulers(tmp_path, capsys):
    assert main(["compare", "--rows", "120", "--samples", "2", "--sparsity", "0.5", "--depth", "3",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lookahead, greedy, matching = (float(x) for x in table_rows(out)[0][1:4])
    assert lookahead < greedy <= matching
    assert "greedy scheduler reaches" in out and (tmp_path / "compare.png").exists()


def test_traces_one_epoch(tmp_path, capsys):
    assert main(["traces", "--epochs", "1", "--no-rtl", "--depth", "3", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for op in ("| conv2 | AxW | A |", "| conv2 | GxW | G |", "| conv2 | GxA |", "| fc | GxW | G | 0.000 |"):
        assert op in out
    assert (tmp_path / "traces.png").exists()


def test_numerics_table_and_plot(tmp_path, capsys):
    """Random jobs only (--epochs 0): one row per (sparsity, format); all-zero data reorders
    nothing, so both orders give the same bits."""
    assert main(["numerics", "--jobs", "20", "--rows", "16", "--epochs", "0", "--sparsity", "0.5", "1",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines() if line.startswith("| random")]
    assert [(r[1], r[2]) for r in rows] == [("0.5", "bf16"), ("0.5", "fp32"), ("1.0", "bf16"), ("1.0", "fp32")]
    assert rows[2][4] == rows[3][4] == "100.0%"
    assert (tmp_path / "numerics.png").stat().st_size > 10_000


def test_bench_reports_a_rate(capsys):
    assert main(["bench", "--no-rtl", "--streams", "64", "--rows", "50", "--repeat", "1", "--depth", "3"]) == 0
    assert "steps/s" in capsys.readouterr().out


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
    (["speedup", "--out", "Makefile"], "exists and is not a directory"),
    (["compare", "--sparsity", "-0.1"], "sparsity must be in [0, 1]"),
    (["compare", "--depth", "1"], "invalid choice: 1"),
    (["traces", "--epochs", "0"], "expected a positive integer"),
    (["bench", "--rtl-jobs", "x"], "expected a positive integer"),
    (["report", "--out", "README.md"], "exists and is not a directory"),
    (["bench", "--rows", "0"], "expected a positive integer"),
    (["numerics", "--epochs", "-1"], "expected a non-negative integer"),
    (["numerics", "--sparsity", "2"], "sparsity must be in [0, 1]"),
    (["numerics", "--jobs", "0"], "expected a positive integer"),
    (["frobnicate"], "invalid choice"),
    ([], "required: command"),
])
def test_bad_arguments_exit_2_without_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_model_points_to_studies():
    """The command line left model/ (layering): the old entry point says where it went."""
    result = subprocess.run([sys.executable, "-m", "model"], capture_output=True, text=True)
    assert result.returncode == 2 and "python -m studies" in result.stderr and "Traceback" not in result.stderr
