"""studies/numerics.py: the batched FP results are model.pe.result's bits, and the measures."""

import numpy as np
import pytest

from model import fp as FP
from studies import numerics as N
from model import pe as PE


@pytest.mark.parametrize("fmt", ["bf16", "fp32"])
def test_batch_results_equal_per_job_results(fmt):
    rng = np.random.default_rng(5)
    jobs = [j for s in (0.2, 0.7) for j in N.random_jobs(rng, fmt, 15, int(rng.integers(1, 20)), s)]
    for kind in ("dense", "tdash"):
        batch = N.batch_results(jobs, kind)
        assert batch.tolist() == [PE.result(j, kind) for j in jobs]


def test_orders_differ_and_exact_reference():
    rng = np.random.default_rng(6)
    jobs = N.random_jobs(rng, "fp32", 60, 48, 0.5)
    m = N.measure(jobs)
    assert (m["reorder"] > 0).any(), "random FP32 data must expose the summation order"
    assert (m["reorder"] >= 0).all() and (m["err_dense"] >= 0).all()
    # A single effectual pair per job: every order gives the one product, exactly rounded.
    one = [PE.Job(FP.from_float(np.eye(1, 16, k=3, dtype=np.float32) * 3, "fp32"),
                  FP.from_float(np.full((1, 16), 0.1, np.float32), "fp32"), PE.MODE_BOTH, "fp32")]
    m1 = N.measure(one)
    assert m1["reorder"].tolist() == [0] and m1["err_dense"].tolist() == [0]
