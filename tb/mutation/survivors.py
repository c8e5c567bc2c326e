"""Why each known survivor of the mutation campaign is acceptable (issue 20: "the survivors listed
with why each is acceptable"). Key: the mutant's stable key (as in tb/mutation/equivalent.py);
value: the reason, with what would settle it.

A survivor is counted as a survivor: it lowers the kill rate. A reason here does not make it
equivalent; only a proof does (tb/mutation/equivalent.py MITERS, or the campaign's netlist
identity). Most reasons below *are* equivalence arguments that no proof method of this tool
can check yet, and they say which proof is missing. reports/mutation/summary.md prints the
reason under each survivor, marks the survivors that have none (a gap in the regression until
someone explains it), and lists reasons whose mutant no longer survives (remove them).

Not a judge (store.TOOL_FILES): editing it stales no campaign result.
"""

from tb.mutation.equivalent import _MIN_TIE

_RESET_ONLY = ("after reset the register is written before anything reads it, so its reset value is "
               "never observable at the ports; the RTL resets it anyway so that every state is "
               "defined (DEVELOPERS.md). Equivalent; unproven: Yosys' equivalence flow pairs registers "
               "by name and needs them equal in every state, which they are not until the first write")
_MAC_OPERANDS = ("tdash_mac.v: op_a / op_b are read only through `if (op_valid)` (the accumulate) and "
                 "op_valid is reset; the first enabled cycle after reset overwrites them. " + _RESET_ONLY)
_MAC_VALID = ("tdash_mac.v: with op_a = op_b = 0 from reset, a stale op_valid accumulates 0 (INT) or "
              "+0 + +0 = +0 (FP: tdash_fmul(0, 0) = +0, the tree and tdash_fadd keep +0) into an "
              "accumulator reset to 0, and op_last is reset, so no result is presented. " + _RESET_ONLY)
_MAC_LAST = ("tdash_mac.v: op_last is read only with op_valid (`op_valid && op_last`, `if (op_valid) "
             "if (op_last)`), which is reset. " + _RESET_ONLY)
_ITER_RESET = ("tdash_scheduler_iter.v: z_work is read only at lvl > 0 (z_cur = lvl == 0 ? z : z_work) "
               "and lvl is reset to 0; ms_reg / valid_reg reach the compressor only at the commit (the "
               "last level), by which every lane has been written once in this step (each lane belongs "
               "to exactly one level). " + _RESET_ONLY)
_SWAP = ("the A and B operands swapped for every lane: every product commutes. INT: "
         "$signed(a) * $signed(b); floating point: tdash_fmul is symmetric in a and b (sign XOR, "
         "exponent sum, significand product, and the NaN / Inf / zero cases tested on both). "
         "Equivalent; unproven: the state correspondence swaps the halves of every queue row and "
         "of the MAC's operand registers, which name-paired equivalence cannot express, and the "
         "multiplier's commutativity is a hard SAT instance (z3's word-level rewriting would "
         "settle it in an SMT miter of the MAC with its operand registers exposed)")

SURVIVORS: dict[str, str] = {
    "dense_pe.v:47:48:lanes:{... in_b[k*VW +: VW], in_a[k*VW +: VW] ...}": "dense_pe.v: " + _SWAP + ".",
    "tdash_pe.v:97:51:lanes:{... b, a ...}": "tdash_pe.v: " + _SWAP + " (the Z flags in front are unchanged).",
    "tdash_mac.v:42:25:rstdrop:op_valid <= op_valid": _MAC_VALID + ".",
    "tdash_mac.v:42:25:const:1'b1": _MAC_VALID + ".",
    "tdash_mac.v:43:25:rstdrop:op_last <= op_last": _MAC_LAST + ".",
    "tdash_mac.v:43:25:const:1'b1": _MAC_LAST + ".",
    "tdash_mac.v:44:25:rstdrop:op_a <= op_a": _MAC_OPERANDS + ".",
    "tdash_mac.v:44:31:const:1'b1": _MAC_OPERANDS + ".",
    "tdash_mac.v:45:25:rstdrop:op_b <= op_b": _MAC_OPERANDS + ".",
    "tdash_mac.v:45:31:const:1'b1": _MAC_OPERANDS + ".",
    "tdash_mac.v:48:25:guard1:1'b1": (
        "tdash_mac.v: op_last <= in_last without in_valid: op_last is read only with op_valid, "
        "which is in_valid registered in the same cycle. Equivalent; unproven (the two op_last "
        "registers differ when in_valid is low, so name-paired equivalence fails)."),
    "tdash_mac.v:60:37:const:3": (
        "tdash_mac.v: the INT product width 2*DW as 3*DW: the exact product and the exact sums "
        "are the same values at a greater width, sign-extended into ACC_W (which still holds "
        "them). Equivalent; unproven (the netlists differ in width, so identity cannot show it)."),
    "tdash_mac.v:97:26:guard1:1'b1": (
        "tdash_mac.v: out_valid <= op_last without op_valid: op_last = in_valid && in_last "
        "registered with op_valid = in_valid, so op_last implies op_valid in every reachable "
        "state (both reset to 0). Equivalent; unproven (needs that invariant)."),
    "tdash_scheduler_iter.v:51:25:guard1:1'b1": (
        "last_level without `go`: lvl leaves 0 only while go is high, and go (the window is "
        "complete) stays high until the commit at the last level, also while held; so "
        "lvl == LAST implies go in every reachable state. Equivalent; unproven (an invariant "
        "over the compressor's window)."),
    "tdash_scheduler_iter.v:143:26:rstdrop:z_work <= z_work": _ITER_RESET + ".",
    "tdash_scheduler_iter.v:143:29:const:1'b1": _ITER_RESET + ".",
    "tdash_scheduler_iter.v:144:26:rstdrop:ms_reg <= ms_reg": _ITER_RESET + ".",
    "tdash_scheduler_iter.v:144:31:const:1'b1": _ITER_RESET + ".",
    "tdash_scheduler_iter.v:145:26:rstdrop:valid_reg <= valid_reg": _ITER_RESET + ".",
    "tdash_scheduler_iter.v:145:29:const:1'b1": _ITER_RESET + ".",
    "tdash_stage_queue.v:112:55:op:<=": (
        "tdash_stage_queue.v: push_hit for j <= push_rows also writes the bank one row past the "
        "beat. That entry is free: a beat is taken only while count <= 2*DEPTH (ROOM), so the "
        "entry is at most count + push_rows <= CAP - 1 and lies past the new tail; only the "
        "count present rows are ever read (win_present, bank_last through the window), and the "
        "next push writes that entry first (its j = 0). Equivalent by argument; unproven (the "
        "storage differs in a row nothing reads, which name-paired equivalence rejects)."),
    "tdash_stage_queue.v:132:35:const:17": (
        "tdash_stage_queue.v: the payload slice width CH 16 -> 17: the same payload bits, cut "
        "into slices of another width, each slice written and read with the same enables. "
        "Equivalent by argument; unproven (the netlist differs everywhere, so identity cannot "
        "show it, and the queue's state at every PE width is past the miter)."),
    "tdash_stage_queue.v:132:35:const:15": (
        "tdash_stage_queue.v: the payload slice width CH 16 -> 15: the same payload bits, cut "
        "into slices of another width, each slice written and read with the same enables. "
        "Equivalent by argument; unproven (as CH 16 -> 17)."),
    "tdash_tile.v:176:36:op:<=": (
        "tdash_tile.v: the rows' minimum AS with `<=` for `<`: " + _MIN_TIE + ". Equivalent by "
        "argument; unproven at the tile (its miter is the whole tile)."),
}
