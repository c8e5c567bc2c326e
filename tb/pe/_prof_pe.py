import cProfile, pstats, io, os
import numpy as np
import cocotb
from tb.common import pe_bench as B

@cocotb.test()
async def prof(dut):
    pr = cProfile.Profile()
    b = B.PeHdlBench(dut, "tdash")
    rng = np.random.default_rng(2020)
    jobs = b.random_jobs(rng, 300)
    import time
    t0 = time.perf_counter()
    pr.enable()
    exp = await b.run(jobs, rng, "none", "bench")
    pr.disable()
    wall = time.perf_counter() - t0
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(35)
    open("/tmp/prof.txt", "w").write(f"cycles {exp.ncycles} wall {wall:.3f} sim {b.hdl_wall:.3f}\n" + s.getvalue())
