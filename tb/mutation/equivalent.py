"""Equivalent mutants: no input sequence the design can receive tells them apart, so no test can
kill them. Key: the mutant's stable key (file:line:col:operator:replacement, shown in
reports/mutation/summary.md); value: the argument. Every key has a proof in MITERS, which
`python -m tb.mutation.miter` (make mutate-equiv) runs: a Yosys miter of the original module
against the mutant, at the module's ports, or at the ports of a context wrapper whose input map
is a named contract (tb/mutation/contract_*.v) that a formal assertion proves the caller keeps.
A key that matches no current mutant is dead: the miter run lists it and fails.

History: the 40 argued keys of the first campaign were checked against today's rtl/ (issue 20):
34 matched no mutant (the files were rewritten: stage queue, MAC, PE, iterative scheduler,
option table) and were removed; their mutants, if they still exist, are counted as
non-equivalent until a proof says otherwise. "NOPT 5 -> 6" (tdash_options.vh) was removed too:
it is not equivalent at tdash_decompress's ports (an idx code of 5 decodes differently).
"""

from model import params as P

_MIN_TIE = ("a tie picks between two equal values: `a < b ? a : b` and `a <= b ? a : b` are the same "
            "minimum")
_MUX_CONTRACT = ("contract: a lane with valid set has an MS code < NOPT (formal/sched_props.sv own_option "
                 "proves the scheduler, the only driver of ms, keeps it)")
_AS_CONTRACT = "contract: as_rows <= DEPTH (formal/sched_props.sv as_exact proves it of the scheduler's AS)"

EQUIVALENT: dict[str, str] = {
    "tdash_prio_enc.v:18:39:const:2":
        "{{(W-2){1'b0}}, 1'b1} is W-1 bits worth 1; the addition with ~req (W bits) zero-extends it "
        "to the same W-bit 1 as {{(W-1){1'b0}}, 1'b1}.",
    "tdash_as_count.v:20:41:const:2":
        "{{(AS_W-2){1'b0}}, run} is AS_W-1 bits worth run; added to as_rows (AS_W bits) it is "
        "zero-extended to the same value as {{(AS_W-1){1'b0}}, run}.",
    "tdash_window_ctrl.v:47:52:op:<=": "adv = min(as_rows, job_rows): " + _MIN_TIE + ".",
    "tdash_window_ctrl.v:29:20:stuck1:all ones":
        "job_rows' default (no job end in the window) becomes 2**RW-1 >= DEPTH instead of DEPTH. It is "
        "used only in `K < job_rows` with K < DEPTH (true either way), in min(as_rows, job_rows) with "
        "as_rows <= DEPTH (as_rows either way), and in job_end, which needs has_last, i.e. the loop's "
        "value. Equivalent under the " + _AS_CONTRACT + ".",
    "tdash_operand_mux.v:28:23:op:<=":
        "`k <= NOPT` also wires code k = NOPT (DEPTH 2: code 5) to a window position instead of zero; "
        "for DEPTH 3 (NOPT = 8) no k in 0..7 changes. Equivalent under the " + _MUX_CONTRACT + ".",
    "tdash_operand_mux.v:31:51:const:1'b1":
        "the constant of mux inputs for codes >= NOPT. Equivalent under the " + _MUX_CONTRACT + ".",
    "tdash_decompress.v:76:24:const:7":
        "`if (NOPT < 8)` -> `if (NOPT < 7)`: NOPT is 5 (DEPTH 2) or 8 (DEPTH 3), the only depths the module "
        "elaborates for (bad_parameters), and both conditions agree on 5 and 8.",
    "tdash_decompress.v:97:66:const:3":
        "I = (l - opt_off(k) + 3*N) % N instead of + 2*N: the same lane mod N, both sums are non-negative "
        "(|opt_off| < N).",
    "tdash_decompress.v:97:66:const:1":
        "I = (l - opt_off(k) + N) % N instead of + 2*N: the same lane mod N, since l - opt_off(k) + N >= 0 "
        "for every option offset of the table (|opt_off| < N).",
    "dense_pe.v:37:48:const:2":
        "CW = $clog2(3*DEPTH + 2) instead of + 1: 4 bits for DEPTH 3 (clog2 of 11 and of 10), 3 for DEPTH 2 "
        "(8 and 7), the only depths the PE runs at: the same width.",
    "dense_pe.v:37:48:const:0":
        "CW = $clog2(3*DEPTH + 0) instead of + 1: 4 bits for DEPTH 3 (clog2 of 9 and of 10), 3 for DEPTH 2 "
        "(6 and 7): the same width.",
    "tdash_scheduler.v:54:42:op:<=":
        "level_size's `lv < FULL` -> `lv <= FULL`, read only where lv < S: FULL = S*(N/S) >= S when N >= S, "
        "and when N < S (N = 4) FULL = 0 and both branches give FULL / S = 0.",
    "tdash_scheduler.v:74:47:const:1":
        "order_count(0) -> order_count(1): the argument is unused (Verilog-2005 functions need an input; "
        "order_count returns the number of option sets whatever it is given).",
    "tdash_fmul.v:26:33:op:>=":
        "XW = (PW >= 26) ? PW : 26: the exact product is PW = 16 (bfloat16) or 48 (FP32) bits, never 26.",
    "tdash_fmul.v:26:35:const:27":
        "XW = (PW > 27) ? PW : 26: the same XW for PW = 16 and 48.",
    "tdash_fmul.v:26:35:const:25":
        "XW = (PW > 25) ? PW : 26: the same XW for PW = 16 and 48.",
    "tdash_fmul.v:26:46:const:27":
        "bfloat16's normalisation room XW = 27 instead of 26: one more low bit below guard and sticky, "
        "always zero, so rounding and the result are the same.",
}

_DEPTHS = [{"DEPTH": d} for d in sorted(P.DEPTHS)]
# tdash_fmul at the widths the PEs instantiate it with: bfloat16 (MW 7) and FP32 (MW 23).
_FMUL = {"top": "tdash_fmul", "sources": ["tdash_fmul.v"], "params": [{"MW": 7}, {"MW": 23}]}
# tdash_decompress elaborates only for N = 16, DW = 16, DEPTH 2 or 3 (bad_parameters).
_DECOMPRESS = {"top": "tdash_decompress", "sources": ["tdash_decompress.v"], "sequential": True,
               "params": [{"N": 16, "DW": 16, "DEPTH": d} for d in sorted(P.DEPTHS)]}
# dense_pe, the whole PE flattened, at the bench's INT sets (N 16, DEPTH 3 and 2). Its BF16 and
# FP32 sets are not in the proof: flattened, their floating-point MACs took Yosys over 10 minutes
# per set (with the MAC as a black box, equiv_make cannot pair its outputs). The mutated lines
# (CW) do not depend on OP_TYPE.
_DENSE_PE = {"top": "dense_pe", "sources": ["dense_pe.v", "tdash_stage_queue.v", "tdash_mac.v", "tdash_fmul.v",
                                            "tdash_fadd.v", "tdash_fadd_tree.v"], "sequential": True,
             "params": [{"N": 16, "DEPTH": 3}, {"N": 16, "DEPTH": 2}]}
# tdash_scheduler at every supported set (N x DEPTH x option set): elaboration-time edits, so
# Yosys' equivalence flow pairs the two netlists net by net.
_SCHEDULER = {"top": "tdash_scheduler", "sources": ["tdash_scheduler.v", "tdash_prio_enc.v", "tdash_as_count.v"],
              "sequential": True, "params": [{"N": n, "DEPTH": d, "ORDER": o} for o in P.order_codes().values()
                                             for d in sorted(P.DEPTHS) for n in P.SCHEDULER_LANES]}
MITERS: dict[str, dict] = {
    "tdash_scheduler.v:54:42:op:<=": _SCHEDULER,
    "tdash_scheduler.v:74:47:const:1": _SCHEDULER,
    "dense_pe.v:37:48:const:2": _DENSE_PE,
    "dense_pe.v:37:48:const:0": _DENSE_PE,
    "tdash_fmul.v:26:33:op:>=": _FMUL,
    "tdash_fmul.v:26:35:const:27": _FMUL,
    "tdash_fmul.v:26:35:const:25": _FMUL,
    "tdash_fmul.v:26:46:const:27": _FMUL,
    "tdash_decompress.v:76:24:const:7": _DECOMPRESS,
    "tdash_decompress.v:97:66:const:3": _DECOMPRESS,
    "tdash_decompress.v:97:66:const:1": _DECOMPRESS,
    "tdash_prio_enc.v:18:39:const:2":
        {"top": "tdash_prio_enc", "sources": ["tdash_prio_enc.v"],
         "params": [{"W": P.NOPT[d], "IDX_W": 3} for d in sorted(P.DEPTHS)]},
    "tdash_as_count.v:20:41:const:2":
        {"top": "tdash_as_count", "sources": ["tdash_as_count.v"],
         "params": [{"N": n, "DEPTH": d} for d in sorted(P.DEPTHS) for n in P.SCHEDULER_LANES]},
    "tdash_window_ctrl.v:47:52:op:<=":
        {"top": "tdash_window_ctrl", "sources": ["tdash_window_ctrl.v"], "params": _DEPTHS},
    "tdash_window_ctrl.v:29:20:stuck1:all ones":
        {"top": "contract_window_ctrl", "sources": ["tdash_window_ctrl.v"], "wrapper": ["contract_window_ctrl.v"],
         "params": _DEPTHS, "contract": "as_rows <= DEPTH"},
    "tdash_operand_mux.v:28:23:op:<=":
        {"top": "contract_operand_mux", "sources": ["tdash_operand_mux.v"], "wrapper": ["contract_operand_mux.v"],
         "params": [{"N": P.LANES, "DEPTH": d, "DW": 16, "ORDER": o} for d in sorted(P.DEPTHS) for o in P.order_codes().values()],
         "contract": "MS code < NOPT"},
    "tdash_operand_mux.v:31:51:const:1'b1":
        {"top": "contract_operand_mux", "sources": ["tdash_operand_mux.v"], "wrapper": ["contract_operand_mux.v"],
         "params": [{"N": P.LANES, "DEPTH": d, "DW": 16, "ORDER": o} for d in sorted(P.DEPTHS) for o in P.order_codes().values()],
         "contract": "MS code < NOPT"},
}
