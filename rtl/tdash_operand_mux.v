// Per-lane sparse operand muxes of one side (A or B) of the TensorDash PE (paper §3.2, Fig 9).
//
// Lane i's multiplier input is the value at option MS_i of the DEPTH x N staging window: one
// of 8 (DEPTH 3) or 5 (DEPTH 2) positions. The same MS drives the A-side and the B-side block,
// so both operands of a pair move in tandem. Idle lanes (valid = 0) output zero, so their
// product adds nothing whatever the window still holds.
`default_nettype none

module tdash_operand_mux #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3,
    parameter integer DW    = 16,  // value width
    parameter integer ORDER = 0    // option set of the scheduler driving ms (tdash_options.vh)
) (
    input  wire [DEPTH*N*DW-1:0] window,  // row k, lane l at [(k*N + l)*DW +: DW]
    input  wire [3*N-1:0]        ms,      // lane i's option at [3*i +: 3]
    input  wire [N-1:0]          valid,   // lane i has a pair this step
    output wire [N*DW-1:0]       operand  // lane i's multiplier input at [i*DW +: DW]
);
    `include "tdash_options.vh"

    genvar i, k;
    generate
        for (i = 0; i < N; i = i + 1) begin : lane
            // All 8 MS codes; codes >= NOPT (DEPTH 2) never occur and read zero.
            wire [8*DW-1:0] cand;
            for (k = 0; k < 8; k = k + 1) begin : opt
                if (k < NOPT) begin : used
                    assign cand[k*DW +: DW] = window[src_pos_of(ORDER, i, k)*DW +: DW];
                end else begin : unused
                    assign cand[k*DW +: DW] = {DW{1'b0}};
                end
            end
            wire [DW-1:0] picked = cand[ms[3*i +: 3]*DW +: DW];
            assign operand[i*DW +: DW] = valid[i] ? picked : {DW{1'b0}};
        end
    endgenerate
    // Why a mux tree (`cand[ms]`) and not an AND-OR on a one-hot select: with a steady select
    // (no sparsity, every lane takes option 0 step after step) the tree's first level still
    // passes four of the eight inputs on, so it switches more than an AND-OR, whose unselected
    // terms stay 0. The AND-OR was built and measured (commit be0f420, make area, OSU 0.18 um):
    // about 30% less mux power at no sparsity, but half again the mux area, which takes the
    // tile's compute area past Table 3's 1.09x (FP32) and 1.13x (BF16). The tree keeps the area.
endmodule

`default_nettype wire
