// Dense baseline PE (paper Fig 6): the same ports as tdash_pe, one row per cycle.
//
// Beats of up to DEPTH rows go into the same staging queue as tdash_pe (so both PEs see the
// same upstream), but the front of the queue is consumed one row per cycle with no
// scheduler and no operand muxes: every (a, b) pair is multiplied, zero or not. in_mode is
// accepted and ignored. With no upstream bubbles and no back-pressure, job j's result is
// presented in cycle R_0 + ... + R_j + 2 (cycle 0 = the first beat's), the same fixed
// latency as tdash_pe, so cycle ratios between the two are exactly step ratios. OP_TYPE as
// tdash_pe's; floating-point sums go row by row through the same adder tree and accumulator.
`default_nettype none

module dense_pe #(
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer OP_TYPE   = 0,                    // 0 INT, 1 BF16, 2 FP32 (tdash_mac.v)
    parameter integer DW        = (OP_TYPE == 2) ? 32 : 16,
    parameter integer ROWS_LOG2 = 16,                   // INT: longest job 2**ROWS_LOG2 rows
    parameter integer ACC_W     = (OP_TYPE == 0) ? 2 * DW + $clog2(N) + ROWS_LOG2 : 32
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          in_valid,
    output wire                          in_ready,
    input  wire [DEPTH*N*DW-1:0]         in_a,
    input  wire [DEPTH*N*DW-1:0]         in_b,
    input  wire [$clog2(DEPTH+1)-1:0]    in_rows,
    input  wire                          in_last,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [1:0]                    in_mode,   // same ports as tdash_pe; no modes here
    /* verilator lint_on UNUSEDSIGNAL */
    output wire                          out_valid,
    input  wire                          out_ready,
    output wire signed [ACC_W-1:0]       out_data,
    output reg                           err        // sticky: a bad beat was dropped (below)
);
    localparam integer RW = $clog2(DEPTH + 1);
    localparam integer CW = $clog2(3 * DEPTH + 1);
    localparam integer VW = N * DW;
    localparam integer PW = 2 * VW;                 // queue payload: {a row, b row}

    wire enable = !(out_valid && !out_ready);

    wire [DEPTH*PW-1:0] push_payload;
    genvar k;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : in_row
            assign push_payload[k*PW +: PW] = {in_a[k*VW +: VW], in_b[k*VW +: VW]};
        end
    endgenerate

    // Bad beats (model/pipeline.py, rule 2): in_rows of 0 or more than DEPTH. Such a beat is
    // accepted and dropped whole, and err stays high until reset; nothing else changes.
    wire too_many;   // in_rows > DEPTH; impossible when DEPTH fills in_rows' range
    generate
        if ((1 << RW) - 1 > DEPTH) begin : rows_check
            localparam integer  MAX_ROWS_I = DEPTH;
            localparam [RW-1:0] MAX_ROWS   = MAX_ROWS_I[RW-1:0];
            assign too_many = (in_rows > MAX_ROWS);
        end else begin : rows_full
            assign too_many = 1'b0;
        end
    endgenerate
    wire bad_beat = (in_rows == {RW{1'b0}}) || too_many;
    always @(posedge clk) begin
        if (rst)                                err <= 1'b0;
        else if (in_valid && in_ready && bad_beat) err <= 1'b1;
    end

    // Only the front row of the window is used: the baseline has no lookahead.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [DEPTH*PW-1:0] win_payload;
    wire [DEPTH-1:0]    win_last, win_present;
    /* verilator lint_on UNUSEDSIGNAL */
    wire step = win_present[0] && enable;
    tdash_stage_queue #(.DEPTH(DEPTH), .PW(PW)) queue (
        .clk(clk), .rst(rst),
        .push_valid(in_valid && !bad_beat), .push_ready(in_ready), .push_payload(push_payload),
        .push_rows({{(CW-RW){1'b0}}, in_rows}), .push_last(in_last),
        .win_payload(win_payload), .win_last(win_last), .win_present(win_present),
        .wb_en(1'b0), .wb_payload({DEPTH*PW{1'b0}}), .pop({{(CW-1){1'b0}}, step})
    );

    tdash_mac #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW), .ACC_W(ACC_W)) mac (
        .clk(clk), .rst(rst), .enable(enable),
        .in_valid(step), .in_last(win_last[0]), .in_a(win_payload[VW +: VW]), .in_b(win_payload[0 +: VW]),
        .out_valid(out_valid), .out_data(out_data)
    );
endmodule

`default_nettype wire
