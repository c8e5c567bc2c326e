"""Mutants argued equivalent to the design: no input sequence can tell them apart, so no test
can kill them. Key: the mutant's stable key (file:line:col:operator:replacement, shown in
reports/mutation/summary.md); value: the argument. Keep this list short and every argument
checkable by reading the cited lines.
"""

_MIN_TIE = ("a tie picks between two equal values: `a < b ? a : b` and `a <= b ? a : b` are the same "
            "minimum")
_MEMBER = ("tdash_scheduler_iter.v:61 `lvl_i + 5*m < FULL` is always true: m <= MAXM-1 = N/5-1 and "
           "lvl_i <= 4 on this branch, so lvl_i + 5*m <= FULL-1 (and lvl_i - 5*m, lvl_i + 4*m are smaller "
           "still); the comparison is redundant, so every change to it that keeps it true is invisible")

EQUIVALENT: dict[str, str] = {
    "tdash_prio_enc.v:18:39:const:2":
        "{{(W-2){1'b0}}, 1'b1} is W-1 bits worth 1; the addition with ~req (W bits) zero-extends it "
        "to the same W-bit 1 as {{(W-1){1'b0}}, 1'b1}.",
    "tdash_scheduler_iter.v:61:57:op:<=": _MEMBER,
    "tdash_scheduler_iter.v:61:49:op:-": _MEMBER,
    "tdash_scheduler_iter.v:61:51:const:4": _MEMBER,
    "tdash_window_ctrl.v:47:52:op:<=": "adv = min(as_rows, job_rows): " + _MIN_TIE + ".",
    "tdash_tile.v:132:36:op:<=": "as_min keeps the smallest AS of the rows: " + _MIN_TIE + ".",
    "tdash_window_ctrl.v:29:20:stuck1:all ones":
        "job_rows' default (no job end in the window) becomes 2**RW-1 >= DEPTH instead of DEPTH. It is "
        "used only in `K < job_rows` with K < DEPTH (true either way), in min(as_rows, job_rows) with "
        "as_rows <= DEPTH (as_rows either way), and in job_end, which needs has_last, i.e. the loop's "
        "value. (For DEPTH 3 the two values are even equal.)",
    "tdash_as_count.v:20:41:const:2":
        "{{(AS_W-2){1'b0}}, run} is AS_W-1 bits worth run; added to as_rows (AS_W bits) it is "
        "zero-extended to the same value as {{(AS_W-1){1'b0}}, run}.",
    "tdash_operand_mux.v:27:23:op:<=":
        "`k <= NOPT` also wires code k = NOPT (DEPTH 2: code 5) to a window position instead of zero, "
        "and for DEPTH 3 (NOPT = 8) no k in 0..7 changes. The scheduler never emits a code >= NOPT "
        "(its priority encoder has NOPT inputs), so that mux input is never selected.",
    "tdash_operand_mux.v:30:51:const:1'b1":
        "the constant of mux inputs for codes >= NOPT: the scheduler never emits such a code (its "
        "priority encoder has NOPT inputs), so the input is never selected.",
    "tdash_mac.v:44:29:const:3":
        "a wider product (3*DW bits instead of 2*DW) holds the same signed product of two DW-bit "
        "operands, and the sums built from it are sign-extended to ACC_W either way.",
    "tdash_decompress.v:54:66:const:1":
        "(l - opt_off(k) + N) % N: opt_off(k) <= 2 (tdash_options.vh) and l >= 0, so the dividend stays "
        ">= N - 2 > 0 for every supported N >= 4, and a non-negative dividend that differs by N has "
        "the same remainder as with + 2*N.",
    "tdash_decompress.v:54:66:const:3":
        "(l - opt_off(k) + 3*N) % N equals (l - opt_off(k) + 2*N) % N: both dividends are non-negative "
        "and differ by N.",
    "tdash_options.vh:8:46:const:6":
        "DEPTH 2 with NOPT = 6 adds option 5, which the table's default gives the same (row 1, lane -3) "
        "as option 4; the priority encoder takes option 4 first whenever that pair is pending, so "
        "option 5 is never granted and every output is unchanged.",
}

_CLIP = ("CW = $clog2(3*DEPTH + 1) is the stage queue's count width: for the supported depths (DEPTH 2 "
         "and 3, model/params.py DEPTHS) $clog2(3*DEPTH), $clog2(3*DEPTH + 1) and $clog2(3*DEPTH + 2) "
         "are equal (3 and 4), so the width, and every signal built from it, is unchanged")
_BEYOND_COUNT = ("tdash_stage_queue.v: queue slots at or beyond `count` are never observed. A slot becomes a "
                 "window row only once it is below count, i.e. after a push or a shift has written it; "
                 "below that, every user masks the row with win_present (tdash_window_ctrl's `mine`, "
                 "`win_present & win_last`, dense_pe's `step = win_present[0] && enable`), and the operand "
                 "muxes give 0 for lanes without ms_valid. So what this mutant writes into (or leaves in) "
                 "such slots cannot reach an output")
_MAC_RESET = ("tdash_mac.v: the operand registers' reset values. After reset op_valid = 0, so out_valid = "
              "op_valid && op_last = 0 and acc is not updated whatever op_last/op_a/op_b hold; and with "
              "op_valid = 1 alone the registers hold op_a = op_b = 0, op_last = 0: acc += 0, no result. The "
              "first enabled cycle overwrites all four")
_ITER_REGS = ("tdash_scheduler_iter.v: z_work, ms_reg and valid_reg are read only after being written in the "
              "same step: level 0 reads z (z_cur = lvl == 0 ? z : z_work) and lvl resets to 0; ms/ms_valid are "
              "valid only when last_level is high, when every lane's entry has been written by its own level "
              "(each lane is in exactly one level). Their reset values never reach a valid output")
EQUIVALENT.update({
    "dense_pe.v:59:45:const:1'b1":
        "wb_payload of the dense PE's queue: wb_en is tied to 0, and the queue reads wb_payload only when "
        "wb_en is set (tdash_stage_queue.v: `cur[i] = (wb_en && i < DEPTH) ? wb_payload : payload[i]`).",
    "dense_pe.v:34:48:const:2": _CLIP + ".",
    "dense_pe.v:34:48:const:0": _CLIP + ".",
    "tdash_compress.v:36:48:const:2": _CLIP + ".",
    "tdash_compress.v:36:48:const:0": _CLIP + ".",
    "tdash_pe.v:66:49:const:2": _CLIP + ".",
    "tdash_pe.v:66:49:const:0": _CLIP + ".",
    "tdash_tile.v:49:49:const:2": _CLIP + ".",
    "tdash_tile.v:49:49:const:0": _CLIP + ".",
    "tdash_mac.v:32:25:const:1'b1": _MAC_RESET + ".",
    "tdash_mac.v:33:25:const:1'b1": _MAC_RESET + ".",
    "tdash_mac.v:34:31:const:1'b1": _MAC_RESET + ".",
    "tdash_mac.v:35:31:const:1'b1": _MAC_RESET + ".",
    "tdash_scheduler_iter.v:125:24:const:1'b1":
        "`lane`'s default only avoids a latch: inside the loop it is assigned before every use.",
    "tdash_scheduler_iter.v:139:29:const:1'b1": _ITER_REGS + ".",
    "tdash_scheduler_iter.v:140:31:const:1'b1": _ITER_REGS + ".",
    "tdash_scheduler_iter.v:141:29:const:1'b1": _ITER_REGS + ".",
    "tdash_scheduler_iter.v:35:36:const:4":
        "MAXM = N/4 instead of N/5 adds encoders g >= N/5; member_en[g] needs lvl_i + 5*g < FULL with "
        "FULL = 5*(N/5) <= 5*g (or g == 0 on a single-lane level), so the extra encoders are never "
        "enabled and take nothing.",
    "tdash_scheduler.v:46:42:op:<=":
        "`lv < FULL` vs `lv <= FULL` on the branch lv < 5: they differ only if lv == FULL, i.e. FULL = 0 "
        "(N < 5), where the result is FULL/5 = 0, the same as the other arm.",
    "tdash_stage_queue.v:71:31:const:1'b1": _BEYOND_COUNT + ".",
    "tdash_stage_queue.v:72:27:const:1'b1": _BEYOND_COUNT + ".",
    "tdash_stage_queue.v:76:31:op:||": _BEYOND_COUNT + " (without a push, `j < push_rows` only selects slots beyond count).",
    "tdash_stage_queue.v:76:36:op:<=": _BEYOND_COUNT + " (slot count + push_rows is one past the new count; its "
        "last flag stays 0 since j != push_rows - 1).",
    "tdash_stage_queue.v:76:39:const:1'b1": _BEYOND_COUNT + " (the extra pushed slots lie beyond the new count).",
    "tdash_stage_queue.v:87:35:const:1'b1": _BEYOND_COUNT + " (reset sets count = 0: every slot is beyond it).",
    "tdash_stage_queue.v:88:31:const:1'b1": _BEYOND_COUNT + " (reset sets count = 0: every slot is beyond it).",
})
