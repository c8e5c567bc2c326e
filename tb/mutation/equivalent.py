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
from model import pe as PE
from tb.common import pe_bench
from tb.tile.test_tile import GEOMETRIES, tile_params

_MIN_TIE = ("a tie picks between two equal values: `a < b ? a : b` and `a <= b ? a : b` are the same "
            "minimum")
_MUX_CONTRACT = ("contract: a lane with valid set has an MS code < NOPT (formal/sched_props.sv own_option "
                 "proves the scheduler, the only driver of ms, keeps it)")
_AS_CONTRACT = "contract: as_rows <= DEPTH (formal/sched_props.sv as_exact proves it of the scheduler's AS)"

_FADD_ALIGN = ("the alignment's far-shift cut-off `d > 26` (in my_sh or in my_lost) as d >= 26, d > 27 or "
               "d > 25: the edits move only d = 26 or 27 between the shift branch and the far branch. There y is "
               "below 2**-25 of x's leading one, under half an ulp of x even just below a power of two, so x + y "
               "and x - y round to x whether the aligned y came out as 0 or as the sticky bit.")

_ITER_MAXM = ("MAXM = (N < 5) ? 1 : N/5 with `N <= 5` or `N < 6`: the two branches differ only at N = 5, "
              "where both give 1 (N < 5 is refused).")
_ITER_MEMBER = ("member_en for the first five levels, lvl + 5*m < FULL, with `<=`, lvl - 5*m or lvl + 4*m: "
                "lvl <= 4 and m <= MAXM - 1 = FULL/5 - 1, so lvl + 5*m <= FULL - 1 and each variant is true "
                "too: the condition is always true, edited or not.")

# tdash_fadd_tree's odd-node logic. The tree is built only with a power-of-two N (the FP MACs at
# N = 16): every node of every level has a partner, BELOW = 2 * NODES, and the pass-through branch
# is never elaborated. A bench at an odd N would turn these into kills (not in the regression).
_TREE_BELOW = ("BELOW, the node count of the level below (ceil(N / 2**(lv-1))), edited so that it comes out "
               "at least as large: it is read only in `2*i + 1 < BELOW` for i < NODES = BELOW/2 at a "
               "power-of-two N, true either way, so every node still adds.")
_TREE_ADD = ("the add condition `2*i + 1 < BELOW` edited so that it still holds for every i < NODES when "
             "BELOW = 2*NODES (a power-of-two N): every node still adds.")
_TREE_PASS = ("an edit of the pass-through branch (a node without a partner), which a power-of-two N never "
              "elaborates.")

# CW, the width of a staging queue's row counts (0..3*DEPTH), edited by one in the dense PE, the
# PE, the tile and the compressor: every one of them is built at DEPTH 2 and 3 only.
_CW_PLUS_2 = ("CW = $clog2(3*DEPTH + 2) instead of + 1: 4 bits for DEPTH 3 (clog2 of 11 and of 10), 3 for DEPTH 2 "
              "(8 and 7), the only depths the design is built at: the same width.")
_CW_PLUS_0 = ("CW = $clog2(3*DEPTH + 0) instead of + 1: 4 bits for DEPTH 3 (clog2 of 9 and of 10), 3 for DEPTH 2 "
              "(6 and 7): the same width.")
_B_OFF_ZERO = ("a tile B row's payload offset k*PW - B_OFF + r*VW instead of k*PW + B_OFF + r*VW (where it is "
               "written and where the window reads it): B_OFF is 0, the B rows are the payload's low bits, so "
               "the offset is the same.")

# tdash_stage_queue's elaboration-time arithmetic, at every (DEPTH, PW, WB_W) its four parents build it
# with (_QUEUE below): DEPTH is 2 or 3, every part below the write-back (PW - WB_W) is a multiple of 16
# bits, and so is the write-back part except in the PE at N = 4 and 8 (WB_W = N).
_Q_CW = ("CW = $clog2(3*DEPTH + 1) edited by one (+ 2 or + 0): 4 bits at DEPTH 3 (clog2 of 11, 10, 9), 3 at "
         "DEPTH 2 (8, 7, 6): the same width at the only depths the queue is built at.")
_Q_BKW = ("BKW = (DEPTH > 1) ? $clog2(DEPTH) : 1 with `>=`, `> 2`, `> 0` or the DEPTH = 1 branch edited: at "
          "DEPTH 2 and 3 every variant gives $clog2(DEPTH) = 1 or 2, the same bank index width.")
_Q_LO_R = ("LO_R, the remainder slice of the payload bits below the write-back, with `% CH > 1`, `? 2 : 0` or "
           "`? 0 : 0`: PW - WB_W is a multiple of CH = 16 in every parent (0 in the dense PE and the compressor, "
           "2*N*DW in the PE, (ROWS+COLS)*N*DW in the tile), so LO_R is 0 either way.")
_Q_HI = ("the part flag HI = (g >= LO_F + LO_R) ? 1 : 0 with LO_F - LO_R (LO_R is 0, see LO_R) or with 2 for 1 "
         "(read only as HI != 0, and as the slice's WB, read only as WB != 0).")
_Q_HI_R = ("HI_R, the write-back part's remainder slice, with `% CH > 1`: WB_W % 16 is 0, 4 (PE, N = 4) or 8 "
           "(N = 8), never 1, so HI_R is the same.")

EQUIVALENT: dict[str, str] = {
    "tdash_prio_enc.v:18:39:const:2":
        "{{(W-2){1'b0}}, 1'b1} is W-1 bits worth 1; the addition with ~req (W bits) zero-extends it "
        "to the same W-bit 1 as {{(W-1){1'b0}}, 1'b1}.",
    "tdash_as_count.v:20:41:const:2":
        "{{(AS_W-2){1'b0}}, run} is AS_W-1 bits worth run; added to as_rows (AS_W bits) it is "
        "zero-extended to the same value as {{(AS_W-1){1'b0}}, run}.",
    "tdash_window_ctrl.v:47:52:op:<=": "adv = min(as_rows, job_rows): " + _MIN_TIE + ".",
    "tdash_window_ctrl.v:48:22:guard1:1'b1": (
        "job_end without its `step` term differs only in cycles without a step, and every parent "
        "reads job_end only with step: tdash_pe and tdash_tile through the MAC's op_last <= "
        "in_valid && in_last (in_valid = step), tdash_compress through `if (step) out_word <= "
        "{group_end, ...}`. Proven at each parent's ports, the window control's own job_end net "
        "left unpaired (the edit changes it on purpose)."),
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
        _CW_PLUS_2,
    "dense_pe.v:37:48:const:0":
        _CW_PLUS_0,
    "tdash_scheduler.v:54:42:op:<=":
        "level_size's `lv < FULL` -> `lv <= FULL`, read only where lv < S: FULL = S*(N/S) >= S when N >= S, "
        "and when N < S (N = 4) FULL = 0 and both branches give FULL / S = 0.",
    "tdash_scheduler.v:74:47:const:1":
        "order_count(0) -> order_count(1): the argument is unused (Verilog-2005 functions need an input; "
        "order_count returns the number of option sets whatever it is given).",
    "tdash_fadd.v:35:30:op:>=": _FADD_ALIGN,
    "tdash_fadd.v:35:32:const:8'd27": _FADD_ALIGN,
    "tdash_fadd.v:35:32:const:8'd25": _FADD_ALIGN,
    "tdash_fadd.v:36:30:op:>=": _FADD_ALIGN,
    "tdash_fadd.v:36:32:const:8'd27": _FADD_ALIGN,
    "tdash_fadd.v:36:32:const:8'd25": _FADD_ALIGN,
    "tdash_fadd.v:27:34:op:>":
        "a_big = |a| > |b| instead of >=: only |a| = |b| picks the other operand as x. With equal signs "
        "x + y is the same sum either way; with opposite signs the sum is an exact cancellation, raw = 0, "
        "and s = +0 whichever is x (found alive once each run had a directory of its own).",
    "tdash_fadd.v:35:41:const:27'd1":
        "my_sh for d > 26 is 1 instead of 0: only its bit 0 differs, and my_al's bit 0 is my_sh[0] || "
        "(my_lost != 0), where my_lost = my keeps the hidden one (my != 0): the sticky bit is 1 either way.",
    "tdash_fadd.v:46:14:const:5'd28":
        "lz's default (raw[26:0] all zero) 27 -> 28: as 27 -> 26 below, lz is unread in that case.",
    "tdash_fadd.v:46:14:const:5'd26":
        "lz's default (raw[26:0] all zero) 27 -> 26: raw[26:0] = 0 means either raw = 0 (exact "
        "cancellation, s = +0 without lz) or raw[27] = 1 (a carry: nrm and e0 take the right-shift "
        "branch, lz unread).",
    "tdash_pe.v:153:90:const:1'b1":
        "a write-back row's bits below the pending Z (the A and B values), tied to 0 -> 1: the queue is "
        "built with WB_W = N and rewrites only a row's top N bits, so nothing reads them.",
    "tdash_tile.v:143:55:const:1'b1":
        "a write-back row's bits below Z_OFF (the A values and the other rows' B values), tied to 0 -> 1: "
        "the queue is built with WB_W = ROWS*N and rewrites only a row's top ROWS*N bits, so nothing "
        "reads them.",
    "tdash_tile.v:57:49:const:2":
        _CW_PLUS_2,
    "tdash_tile.v:57:49:const:0":
        _CW_PLUS_0,
    "tdash_tile.v:95:42:op:-":
        _B_OFF_ZERO,
    "tdash_tile.v:158:61:op:-":
        _B_OFF_ZERO,
    "dense_pe.v:80:45:const:1'b1":
        "the dense PE's write-back payload, tied to 0 -> 1: its wb_en is tied to 0, so the queue never "
        "writes a row back and nothing reads the payload.",
    "tdash_compress.v:45:48:const:2":
        _CW_PLUS_2,
    "tdash_compress.v:45:48:const:0":
        _CW_PLUS_0,
    "tdash_scheduler_iter.v:39:35:op:<=": _ITER_MAXM,
    "tdash_scheduler_iter.v:39:37:const:6": _ITER_MAXM,
    "tdash_scheduler_iter.v:39:42:const:2":
        "MAXM's N < 5 branch (1 -> 2 encoders): N < 5 is refused, the branch only lets elaboration "
        "reach that check.",
    "tdash_scheduler_iter.v:39:50:const:4":
        "MAXM = N/4 instead of N/5 encoders: each extra encoder g >= N/5 is disabled at every level "
        "(member_en[g]: lvl + 5*g >= FULL for lvl < 5, g != 0 after), so it requests nothing, clears "
        "nothing and writes no output lane.",
    "tdash_scheduler_iter.v:132:41:const:2":
        "lane = shift + 5*i[SW-2:0] instead of i[SW-1:0]: i < MAXM = N/5 fits in SW-1 bits for every "
        "N >= 5 (N/5 < 2**(clog2(N)-1)), so the truncation drops only zeros.",
    "tdash_scheduler_iter.v:65:57:op:<=": _ITER_MEMBER,
    "tdash_scheduler_iter.v:65:49:op:-": _ITER_MEMBER,
    "tdash_scheduler_iter.v:65:51:const:4": _ITER_MEMBER,
    "tdash_scheduler_iter.v:129:24:const:1'b1":
        "the default of the temporary `lane` ({SW{1'b0}} -> all ones): `lane` is read only right after "
        "the loop body assigns it, so its default is never read.",
    "tdash_fadd_tree.v:27:70:op:<<": _TREE_BELOW,
    "tdash_fadd_tree.v:27:65:op:+": _TREE_BELOW,
    "tdash_fadd_tree.v:27:50:const:2": _TREE_BELOW,
    "tdash_fadd_tree.v:27:59:op:+": _TREE_BELOW,
    "tdash_fadd_tree.v:27:61:const:0": _TREE_BELOW,
    "tdash_fadd_tree.v:27:67:const:0": _TREE_BELOW,
    "tdash_fadd_tree.v:29:35:op:<=": _TREE_ADD,
    "tdash_fadd_tree.v:29:31:op:-": _TREE_ADD,
    "tdash_fadd_tree.v:29:25:const:1": _TREE_ADD,
    "tdash_fadd_tree.v:29:33:const:0": _TREE_ADD,
    "tdash_fadd_tree.v:33:48:stuck0:all zeros": _TREE_PASS,   # #781/#782: recorded killed by a
    "tdash_fadd_tree.v:33:48:stuck1:all ones": _TREE_PASS,    # 2-job campaign's shared run directory
    "tdash_fadd_tree.v:33:36:const:33": _TREE_PASS,
    "tdash_fadd_tree.v:33:36:const:31": _TREE_PASS,
    "tdash_fadd_tree.v:33:42:const:33": _TREE_PASS,
    "tdash_fadd_tree.v:33:42:const:31": _TREE_PASS,
    "tdash_fadd_tree.v:33:56:op:+": _TREE_PASS,
    "tdash_fadd_tree.v:33:57:const:2": _TREE_PASS,
    "tdash_fadd_tree.v:33:57:const:0": _TREE_PASS,
    "tdash_fadd_tree.v:33:62:index:[(2*i*32) + (32) +: 32]": _TREE_PASS,
    "tdash_fadd_tree.v:33:62:index:[(2*i*32) - (32) +: 32]": _TREE_PASS,
    "tdash_fadd_tree.v:33:62:const:3": _TREE_PASS,
    "tdash_fadd_tree.v:33:62:const:1": _TREE_PASS,
    "tdash_fadd_tree.v:33:66:const:33": _TREE_PASS,
    "tdash_fadd_tree.v:33:66:const:31": _TREE_PASS,
    "tdash_fadd_tree.v:33:72:const:33": _TREE_PASS,
    "tdash_fadd_tree.v:33:72:const:31": _TREE_PASS,
    "tdash_pe.v:76:49:const:2":
        _CW_PLUS_2,
    "tdash_pe.v:76:49:const:0":
        _CW_PLUS_0,
    "tdash_fmul.v:26:33:op:>=":
        "XW = (PW >= 26) ? PW : 26: the exact product is PW = 16 (bfloat16) or 48 (FP32) bits, never 26.",
    "tdash_fmul.v:26:35:const:27":
        "XW = (PW > 27) ? PW : 26: the same XW for PW = 16 and 48.",
    "tdash_fmul.v:26:35:const:25":
        "XW = (PW > 25) ? PW : 26: the same XW for PW = 16 and 48.",
    "tdash_fmul.v:26:46:const:27":
        "bfloat16's normalisation room XW = 27 instead of 26: one more low bit below guard and sticky, "
        "always zero, so rounding and the result are the same.",
    "tdash_stage_queue.v:65:43:const:2": _Q_CW,
    "tdash_stage_queue.v:65:43:const:0": _Q_CW,
    "tdash_stage_queue.v:66:37:op:>=": _Q_BKW,
    "tdash_stage_queue.v:66:39:const:2": _Q_BKW,
    "tdash_stage_queue.v:66:39:const:0": _Q_BKW,
    "tdash_stage_queue.v:66:60:const:2": _Q_BKW,
    "tdash_stage_queue.v:66:60:const:0": _Q_BKW,
    "tdash_stage_queue.v:135:47:const:1": _Q_LO_R,
    "tdash_stage_queue.v:135:52:const:2": _Q_LO_R,
    "tdash_stage_queue.v:135:52:const:0": _Q_LO_R,
    "tdash_stage_queue.v:137:48:const:1": _Q_HI_R,
    "tdash_stage_queue.v:139:49:op:-": _Q_HI,
    "tdash_stage_queue.v:139:59:const:2": _Q_HI,
}

_DEPTHS = [{"DEPTH": d} for d in sorted(P.DEPTHS)]
# tdash_fmul at the widths the PEs instantiate it with: bfloat16 (MW 7) and FP32 (MW 23).
_FMUL = {"top": "tdash_fmul", "sources": ["tdash_fmul.v"], "params": [{"MW": 7}, {"MW": 23}]}
# tdash_decompress elaborates only for N = 16, DW = 16, DEPTH 2 or 3 (bad_parameters).
_DECOMPRESS = {"top": "tdash_decompress", "sources": ["tdash_decompress.v"], "sequential": True,
               "params": [{"N": 16, "DW": 16, "DEPTH": d} for d in sorted(P.DEPTHS)]}
# dense_pe at every parameter set the regression builds it with (INT, BF16, FP32), its MAC (which
# the CW edit cannot reach: CW sizes the queue's row counts) as a black box. Flattened, the
# floating-point MACs took Yosys over 10 minutes per set.
_DENSE_PE = {"top": "dense_pe", "sources": ["dense_pe.v", "tdash_stage_queue.v", "tdash_mac.v", "tdash_fmul.v",
                                            "tdash_fadd.v", "tdash_fadd_tree.v"], "sequential": True,
             "blackbox": ["tdash_mac"], "params": pe_bench.DENSE_PARAM_SETS}
# tdash_scheduler at every supported set (N x DEPTH x option set): elaboration-time edits, so
# Yosys' equivalence flow pairs the two netlists net by net.
_SCHEDULER = {"top": "tdash_scheduler", "sources": ["tdash_scheduler.v", "tdash_prio_enc.v", "tdash_as_count.v"],
              "sequential": True, "params": [{"N": n, "DEPTH": d, "ORDER": o} for o in P.order_codes().values()
                                             for d in sorted(P.DEPTHS) for n in P.SCHEDULER_LANES]}
# The PE, the tile and the dense PE with the modules a write-back edit cannot reach as black
# boxes (the MAC; in the TensorDash PE and tile also the schedulers and operand muxes), at every
# parameter set the regression builds them with: what is proven holds whatever those boxes do.
_PE_SOURCES = ["tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v", "tdash_prio_enc.v",
               "tdash_operand_mux.v", "tdash_mac.v", "tdash_nonzero.v", "tdash_as_count.v", "tdash_fmul.v",
               "tdash_fadd.v", "tdash_fadd_tree.v"]
_TD_BOXES = ["tdash_mac", "tdash_scheduler", "tdash_operand_mux"]
# The same front-end boxes with the MAC flattened but for its floating-point arithmetic.
_ARITH_BOXES = ["tdash_scheduler", "tdash_operand_mux", "tdash_fmul", "tdash_fadd_tree", "tdash_fadd"]
_PE_WB = {"top": "tdash_pe", "sources": ["tdash_pe.v"] + _PE_SOURCES, "sequential": True, "blackbox": _TD_BOXES,
          "params": pe_bench.PE_PARAM_SETS}
_TILE_WB = {"top": "tdash_tile", "sources": ["tdash_tile.v"] + _PE_SOURCES, "sequential": True, "blackbox": _TD_BOXES,
            "params": [tile_params(*g) for g in GEOMETRIES]}
_DENSE_WB = {**_DENSE_PE, "fold": True}   # fold: its wb_en is tied to 0
# tdash_compress at its four sets, its schedulers (which the CW edit cannot reach) as black boxes.
_COMPRESS = {"top": "tdash_compress", "sources": ["tdash_compress.v", "tdash_stage_queue.v", "tdash_window_ctrl.v",
                                                  "tdash_scheduler.v", "tdash_scheduler_iter.v", "tdash_prio_enc.v",
                                                  "tdash_operand_mux.v", "tdash_nonzero.v", "tdash_as_count.v"],
             "sequential": True, "blackbox": ["tdash_scheduler", "tdash_scheduler_iter"],
             "params": [{"N": P.LANES, "DEPTH": d, "ITERATIVE": it} for it in (0, 1) for d in sorted(P.DEPTHS)]}
# tdash_scheduler_iter flattened, at every lane count it supports (N >= 5) and both depths.
_SCHED_ITER = {"top": "tdash_scheduler_iter", "sources": ["tdash_scheduler_iter.v", "tdash_prio_enc.v", "tdash_as_count.v"],
               "sequential": True, "params": [{"N": n, "DEPTH": d} for d in sorted(P.DEPTHS)
                                              for n in P.SCHEDULER_LANES if n >= 5]}
# tdash_fadd_tree at every power-of-two lane count (the FP MACs use N = 16), its adders boxed.
_FADD_TREE = {"top": "tdash_fadd_tree", "sources": ["tdash_fadd_tree.v", "tdash_fadd.v"], "sequential": True,
              "blackbox": ["tdash_fadd"], "params": [{"N": n} for n in (4, 8, 16, 32)]}


def _queue_sets() -> list[dict]:
    """(DEPTH, PW, WB_W) of every tdash_stage_queue the regression builds: the payload layouts of
    rtl/dense_pe.v ({a row, b row}, no write-back of its own: WB_W = PW), rtl/tdash_pe.v ({Z, a, b},
    WB_W = N), rtl/tdash_tile.v ({Z of each B row, B rows, A rows}, WB_W = ROWS*N) and
    rtl/tdash_compress.v ({Z, values}, WB_W = PW)."""
    from tb.compress.test_compress import PARAM_SETS as COMPRESS_SETS

    def dw(p):
        fmt = next(f for f, c in PE.OP_TYPES.items() if c == p.get("OP_TYPE", 0))
        return p.get("DW", PE.data_width(fmt))
    out = [{"DEPTH": p["DEPTH"], "PW": 2 * p["N"] * dw(p), "WB_W": 2 * p["N"] * dw(p)} for p in pe_bench.DENSE_PARAM_SETS]
    out += [{"DEPTH": p["DEPTH"], "PW": p["N"] + 2 * p["N"] * dw(p), "WB_W": p["N"]} for p in pe_bench.PE_PARAM_SETS]
    for p in (tile_params(*g) for g in GEOMETRIES):
        out.append({"DEPTH": p["DEPTH"], "PW": (p["ROWS"] + p["COLS"]) * p["N"] * dw(p) + p["ROWS"] * p["N"],
                    "WB_W": p["ROWS"] * p["N"]})
    out += [{"DEPTH": p["DEPTH"], "PW": p["N"] + p["N"] * dw(p), "WB_W": p["N"] + p["N"] * dw(p)} for p in COMPRESS_SETS]
    return [dict(t) for t in sorted({tuple(sorted(d.items())) for d in out})]


# tdash_stage_queue on its own (its slices flattened), at every set its parents build it with.
# identity: each edit elaborates to the original's netlist at every one of those sets (the same
# circuit), so the proof is a text comparison of the two netlists, not a solver run (the
# sequential equivalence flow took 4 to 9 minutes for one set of the 4x4 tile's 2,112-bit rows).
_QUEUE = {"top": "tdash_stage_queue", "sources": ["tdash_stage_queue.v"], "identity": True, "params": _queue_sets()}


def _mux_sets() -> list[dict]:
    """(N, DEPTH, DW, ORDER) of every tdash_operand_mux the regression builds: the TensorDash PE's
    (every N, format and option set of its benches), the tile's and the compressor's (DW 16,
    ORDER 0)."""
    from tb.compress.test_compress import PARAM_SETS as COMPRESS_SETS

    def dw(p):
        fmt = next(f for f, c in PE.OP_TYPES.items() if c == p.get("OP_TYPE", 0))
        return p.get("DW", PE.data_width(fmt))
    out = [{"N": p["N"], "DEPTH": p["DEPTH"], "DW": dw(p), "ORDER": p.get("ORDER", 0)}
           for p in pe_bench.PE_PARAM_SETS + [tile_params(*g) for g in GEOMETRIES]]
    out += [{"N": p["N"], "DEPTH": p["DEPTH"], "DW": 16, "ORDER": 0} for p in COMPRESS_SETS]
    return [dict(t) for t in sorted({tuple(sorted(d.items())) for d in out})]


_MUX = {"top": "contract_operand_mux", "sources": ["tdash_operand_mux.v"], "wrapper": ["contract_operand_mux.v"],
        "params": _mux_sets(), "contract": "MS code < NOPT"}


def _every_key_of(rtl_file: str, spec: dict) -> dict[str, dict]:
    """The same proof for every equivalent key of one file."""
    return {k: spec for k in EQUIVALENT if k.startswith(rtl_file + ":")}


MITERS: dict[str, dict] = {
    **_every_key_of("tdash_stage_queue.v", _QUEUE),
    **_every_key_of("tdash_fadd_tree.v", _FADD_TREE),
    **_every_key_of("tdash_scheduler_iter.v", _SCHED_ITER),
    # purge: the loop variables' final values (m, i: MAXM) differ, and nothing reads them.
    "tdash_scheduler_iter.v:39:50:const:4": {**_SCHED_ITER, "purge": True},
    **_every_key_of("tdash_compress.v", _COMPRESS),
    "tdash_pe.v:153:90:const:1'b1": _PE_WB,
    "tdash_pe.v:76:49:const:2": _PE_WB,   # CW sizes the queue's counts only: the boxes cannot see it
    "tdash_pe.v:76:49:const:0": _PE_WB,
    "tdash_tile.v:143:55:const:1'b1": _TILE_WB,
    "tdash_tile.v:57:49:const:2": _TILE_WB,   # CW sizes the queue's counts only, as in the PE
    "tdash_tile.v:57:49:const:0": _TILE_WB,
    "tdash_tile.v:95:42:op:-": _TILE_WB,
    "tdash_tile.v:158:61:op:-": _TILE_WB,
    "dense_pe.v:80:45:const:1'b1": _DENSE_WB,
    **_every_key_of("tdash_fadd.v", {"top": "tdash_fadd", "sources": ["tdash_fadd.v"], "params": [{}]}),
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
    # At its three parents' ports (it is not equivalent at its own): the PE and the tile with the
    # MAC flattened (its in_last is what differs) and its arithmetic boxed, the compressor with
    # its schedulers boxed.
    "tdash_window_ctrl.v:48:22:guard1:1'b1": [
        {**_PE_WB, "blackbox": _ARITH_BOXES, "unpaired": ["ctrl.job_end"]},
        {**_TILE_WB, "blackbox": _ARITH_BOXES, "unpaired": ["ctrl.job_end"]},
        {**_COMPRESS, "unpaired": ["ctrl.job_end"]}],
    "tdash_window_ctrl.v:29:20:stuck1:all ones":
        {"top": "contract_window_ctrl", "sources": ["tdash_window_ctrl.v"], "wrapper": ["contract_window_ctrl.v"],
         "params": _DEPTHS, "contract": "as_rows <= DEPTH"},
    # at every (N, DEPTH, DW, ORDER) a parent builds the mux with (once N = 16, DW = 16 only)
    "tdash_operand_mux.v:28:23:op:<=": _MUX,
    "tdash_operand_mux.v:31:51:const:1'b1": _MUX,
}
