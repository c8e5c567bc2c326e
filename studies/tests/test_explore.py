"""studies/explore.py: the workloads, the candidate space, the search and the command."""

import numpy as np
import pytest

from model import params as P
from model import scheduler as S
from studies import explore as E
from studies.__main__ import main


@pytest.mark.parametrize("pattern", E.STRUCTURED)
def test_structured_patterns(pattern):
    rng = np.random.default_rng(3)
    eff = E.structured_flags(rng, pattern, 64, 64)
    assert eff.shape == (64, 64, 16) and eff.dtype == bool
    density = eff.mean()
    assert 0.3 < density < 0.6, (pattern, density)
    per_lane = eff.mean(axis=1)          # (streams, lanes)
    per_row = eff.mean(axis=2)           # (streams, rows)
    if pattern in ("skewed", "clustered"):
        assert per_lane.std(axis=1).mean() > 0.2   # lanes differ within a stream
    if pattern == "bursty":
        assert per_row.std(axis=1).mean() > 0.3    # rows differ
    if pattern == "banded":                        # the band moves one lane per row
        shifted = [(np.roll(eff[:, r], 1, axis=1) & eff[:, r + 1]).mean() +
                   (np.roll(eff[:, r], -1, axis=1) & eff[:, r + 1]).mean() for r in range(63)]
        assert np.mean(shifted) > 0.25
    with pytest.raises(ValueError, match="pattern must be one of"):
        E.structured_flags(rng, "plaid", 1, 1)


def test_candidate_space_keeps_the_hardware_constraints():
    for depth, count in ((2, 21), (3, 1688)):
        sets = E.option_sets(depth)
        assert len(sets) == count
        for s in sets[:: max(1, count // 50)]:
            for order in E.canonical_orders(s):
                P.check_options(order, depth)
                assert P.min_level_spacing(order) <= 5
                # At most the paper's 6 levels at N = 16 (a narrower set has fewer), disjoint.
                assert len(S.levels(16, depth, order)) <= 6
                S._tables(depth, 16, order)
    paper = P.OPTION_SETS["paper"][3]
    nb = E._neighbours(paper, 3)
    assert paper not in nb and all(P.min_level_spacing(c) <= 5 and c[0] == (0, 0) for c in nb)
    assert len(set(nb)) == len(nb)


def test_depth2_search_is_exhaustive_and_scores_against_the_paper():
    loads = E.workloads(6, 24, seed=4, epochs=0, trace_jobs=6)
    found = E.search(2, loads, quick=True, log=lambda m: None)
    assert found["evaluated"] == 21 * 24
    by_order = {c: (s, w) for c, s, w, f in found["ranked"]}
    assert by_order[P.OPTION_SETS["paper"][2]] == (1.0, 1.0)      # the paper against itself
    best, sc, worst, feasible = found["ranked"][0]
    assert feasible and worst >= 0.99 and sc >= 1.0
    # The score is the mean over classes of the mean ratio, recomputed here from the steps.
    steps = E.total_steps(loads, 2, [best, P.OPTION_SETS["paper"][2]])
    ratio = steps[1] / steps[0]
    classes = sorted({w["class"] for w in loads})
    want = np.mean([ratio[[i for i, w in enumerate(loads) if w["class"] == c]].mean() for c in classes])
    assert sc == pytest.approx(want, rel=1e-12)


def test_explore_quick_command(tmp_path, capsys):
    assert main(["explore", "--quick", "--epochs", "0", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for depth in (3, 2):
        assert f"### Depth {depth}" in out and f"Depth {depth}, best order" in out
    paper_rows = [line for line in out.splitlines() if line.startswith("| paper |")]
    assert len(paper_rows) == 2 and all("| 1.0000 | 1.0000 | 1.0000 |" in r for r in paper_rows)
    assert "| uniform 0.6 | uniform |" in out and "| banded | structured |" in out
    assert (tmp_path / "explore.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, message", [
    (["explore", "--depth", "4"], "invalid choice: 4"),
    (["explore", "--streams", "0"], "expected a positive integer"),
    (["explore", "--epochs", "-1"], "expected a non-negative integer"),
])
def test_explore_bad_arguments(args, message, capsys):
    with pytest.raises(SystemExit) as err:
        main(args)
    assert err.value.code == 2 and message in capsys.readouterr().err
