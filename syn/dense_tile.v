// Dense baseline tile for the area study (syn/area.py; paper §4.3, Table 3): ROWS x COLS dense
// PEs, the same ports and the same streams as tdash_tile, one row per cycle, no scheduler
// and no operand muxes: PE (r, c) multiplies every pair of A column c and B row r.
//
// A synthesis reference, not a block of the design: it reuses tdash_stage_queue (one queue
// holding every stream's row, as tdash_tile does, without the pending Z) and tdash_mac, and
// is consumed like dense_pe: the queue's front row, popped one row per cycle.
`default_nettype none

module dense_tile #(
    parameter integer ROWS      = 4,
    parameter integer COLS      = 4,
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer OP_TYPE   = 0,                    // 0 INT, 1 BF16, 2 FP32 (tdash_mac.v)
    parameter integer DW        = (OP_TYPE == 2) ? 32 : 16,
    parameter integer ROWS_LOG2 = 16,
    parameter integer ACC_W     = (OP_TYPE == 0) ? 2 * DW + $clog2(N) + ROWS_LOG2 : 32
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          in_valid,
    output wire                          in_ready,
    input  wire [COLS*DEPTH*N*DW-1:0]    in_a,
    input  wire [ROWS*DEPTH*N*DW-1:0]    in_b,
    input  wire [$clog2(DEPTH+1)-1:0]    in_rows,
    input  wire                          in_last,
    output wire                          out_valid,
    input  wire                          out_ready,
    output wire [ROWS*COLS*ACC_W-1:0]    out_data
);
    localparam integer RW    = $clog2(DEPTH + 1);
    localparam integer CW    = $clog2(3 * DEPTH + 1);
    localparam integer VW    = N * DW;
    localparam integer BW    = DEPTH * VW;
    localparam integer A_OFF = ROWS * VW;               // payload per row: {A columns, B rows}
    localparam integer PW    = (ROWS + COLS) * VW;

    wire enable = !(out_valid && !out_ready);

    wire [DEPTH*PW-1:0] push_payload;
    genvar k, r, c;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : in_row
            for (c = 0; c < COLS; c = c + 1) begin : acol
                assign push_payload[k*PW + A_OFF + c*VW +: VW] = in_a[c*BW + k*VW +: VW];
            end
            for (r = 0; r < ROWS; r = r + 1) begin : brow
                assign push_payload[k*PW + r*VW +: VW] = in_b[r*BW + k*VW +: VW];
            end
        end
    endgenerate

    wire [DEPTH*PW-1:0] win_payload;
    wire [DEPTH-1:0]    win_last, win_present;
    wire step = win_present[0] && enable;
    tdash_stage_queue #(.DEPTH(DEPTH), .PW(PW)) queue (
        .clk(clk), .rst(rst),
        .push_valid(in_valid), .push_ready(in_ready), .push_payload(push_payload),
        .push_rows({{(CW-RW){1'b0}}, in_rows}), .push_last(in_last),
        .win_payload(win_payload), .win_last(win_last), .win_present(win_present),
        .wb_en(1'b0), .wb_payload({DEPTH*PW{1'b0}}), .pop({{(CW-1){1'b0}}, step})
    );

    wire [ROWS*COLS-1:0] valid_pe;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : pe_r
            for (c = 0; c < COLS; c = c + 1) begin : pe_c
                tdash_mac #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW), .ACC_W(ACC_W)) mac (
                    .clk(clk), .rst(rst), .enable(enable),
                    .in_valid(step), .in_last(win_last[0]),
                    .in_a(win_payload[A_OFF + c*VW +: VW]), .in_b(win_payload[r*VW +: VW]),
                    .out_valid(valid_pe[r*COLS + c]), .out_data(out_data[(r*COLS + c)*ACC_W +: ACC_W])
                );
            end
        end
    endgenerate
    assign out_valid = &valid_pe;
endmodule

`default_nettype wire
