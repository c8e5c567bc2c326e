"""Mutants argued equivalent to the design: no input sequence can tell them apart, so no test
can kill them. Key: the mutant's stable key (file:line:col:operator:replacement, shown in
reports/mutation/summary.md); value: the argument. Keep this list short and every argument
checkable by reading the cited lines.
"""

EQUIVALENT: dict[str, str] = {
    "tdash_prio_enc.v:18:39:const:2":
        "{{(W-2){1'b0}}, 1'b1} is W-1 bits worth 1; the addition with ~req (W bits) zero-extends it "
        "to the same W-bit 1 as {{(W-1){1'b0}}, 1'b1}.",
}
