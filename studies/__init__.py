"""Studies that reproduce and extend the paper's figures (speedup, scheduler comparison and
exploration, training traces, FP numerics, throughput). They drive the reference model
(model/) and, through the testbenches (tb/), the RTL; the command line is
``python -m studies <command>`` (``make report``, ``make bench``).

Layers point one way: studies import model/ and tb/; model/ imports neither.
"""
