// Zero detectors of one staging row (paper §3.2: the staging buffer "generates a ... zero bit
// vector"): bit l of nz is set when lane l's value is non-zero.
//
// Floating point (OP_TYPE 1 BF16, 2 FP32): a value is zero when its exponent field is 0, so
// subnormals count as zero, as they do in the multiplier (DAZ, tdash_fmul.v). special[l]
// marks Inf and NaN (exponent all ones): 0 x Inf is NaN, so a pair with a zero and an Inf or
// NaN is not skippable (tdash_pe.v). Integers have no specials.
`default_nettype none

module tdash_nonzero #(
    parameter integer N       = 16,
    parameter integer OP_TYPE = 0,
    parameter integer DW      = 16
) (
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [N*DW-1:0] row,      // lane l at [l*DW +: DW]; FP reads only the exponents
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [N-1:0]    nz,
    output wire [N-1:0]    special
);
    genvar l;
    generate
        for (l = 0; l < N; l = l + 1) begin : lane
            if (OP_TYPE == 0) begin : int_value
                assign nz[l]      = |row[l*DW +: DW];
                assign special[l] = 1'b0;
            end else begin : fp_value
                wire [7:0] e = row[l*DW + DW - 2 -: 8];
                assign nz[l]      = |e;
                assign special[l] = &e;
            end
        end
    endgenerate
endmodule

`default_nettype wire
