// Per-lane sparse operand muxes of one side (A or B) of the TensorDash PE (paper §3.2, Fig 9).
//
// Lane i's multiplier input is the value at option MS_i of the DEPTH x N staging window: one
// of 8 (DEPTH 3) or 5 (DEPTH 2) positions. The same MS drives the A-side and the B-side block,
// so both operands of a pair move in tandem. Idle lanes (valid = 0) output zero, so their
// product adds nothing whatever the window still holds.
//
// Each lane's 8:1 mux is an AND-OR on a one-hot select (decoded once per lane, shared by its
// DW bits), not a binary mux tree. The window moves every step, so every mux input toggles;
// in a tree with a steady select (no sparsity: every lane takes option 0, step after step)
// the first level still passes options 0, 2, 4 and 6 on, and half the tree switches for one
// useful input. In the AND-OR every unselected term stays 0 and only the selected option's
// path switches: the power TensorDash adds at no sparsity (paper §4.3, Table 3's power row)
// is mostly these muxes. Codes >= NOPT (DEPTH 2) and idle lanes select no term: zero.
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
            wire [NOPT*DW-1:0] term;   // option k's value if selected, else 0
            for (k = 0; k < NOPT; k = k + 1) begin : opt
                localparam [2:0] K = k;
                wire hot = valid[i] && (ms[3*i +: 3] == K);
                assign term[k*DW +: DW] = {DW{hot}} & window[src_pos_of(ORDER, i, k)*DW +: DW];
            end
            reg [DW-1:0] picked;
            integer t;
            always @* begin
                picked = {DW{1'b0}};
                for (t = 0; t < NOPT; t = t + 1)
                    picked = picked | term[t*DW +: DW];
            end
            assign operand[i*DW +: DW] = picked;
        end
    endgenerate
endmodule

`default_nettype wire
