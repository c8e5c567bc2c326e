// Bench top level for tdash_tile: the DUT driven by the HDL-side stream agents
// (tdash_tb_stream.v). Only this module's ports are public to Python.
// Beat word, LSB first: in_a (COLS streams), in_b (ROWS streams), in_rows, in_last
// (tb/tile/test_tile.py packs it).
`default_nettype none

module tdash_tile_harness #(
    parameter integer ROWS      = 4,
    parameter integer COLS      = 4,
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer OP_TYPE   = 0,
    parameter integer DW        = (OP_TYPE == 2) ? 32 : 16,
    parameter integer ROWS_LOG2 = 16,
    parameter integer ACC_W     = (OP_TYPE == 0) ? 2 * DW + $clog2(N) + ROWS_LOG2 : 32,
    parameter integer BEAT_AW   = 14,
    parameter integer CYC_AW    = 20,
    parameter integer ORDER     = 0     // the schedulers' option set
) (
    input  wire        clk,
    input  wire        go,
    input  wire [31:0] ncycles,
    input  wire [31:0] nbeats,
    output wire        done,
    output wire [31:0] nchg,
    output wire        overflow
);
    localparam integer RW    = $clog2(DEPTH + 1);
    localparam integer BW    = DEPTH * N * DW;
    localparam integer IN_W  = (COLS + ROWS) * BW + RW + 1;
    localparam integer OUT_W = ROWS * COLS * ACC_W;

    wire             rst, in_valid, in_ready, out_valid, out_ready, err;
    wire [IN_W-1:0]  word;
    wire [OUT_W-1:0] out_data;
    wire [DEPTH-1:0] present = dut.queue.win_present;
    reg  [1:0]       window_rows;   // rows present in the shared window (a prefix)
    integer k;
    always @* begin
        window_rows = 2'd0;
        for (k = 0; k < DEPTH; k = k + 1)
            if (present[k]) window_rows = k[1:0] + 2'd1;
    end

    tdash_tb_stream #(.IN_W(IN_W), .OUT_W(OUT_W), .BEAT_AW(BEAT_AW), .CYC_AW(CYC_AW)) agents (
        .clk(clk), .go(go), .ncycles(ncycles), .nbeats(nbeats), .done(done), .nchg(nchg),
        .overflow(overflow), .rst(rst), .in_valid(in_valid), .in_word(word), .in_ready(in_ready),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err),
        .window_rows(window_rows)
    );

    tdash_tile #(.ROWS(ROWS), .COLS(COLS), .N(N), .DEPTH(DEPTH), .OP_TYPE(OP_TYPE), .DW(DW),
                 .ROWS_LOG2(ROWS_LOG2), .ACC_W(ACC_W), .ORDER(ORDER)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready),
        .in_a(word[0 +: COLS*BW]), .in_b(word[COLS*BW +: ROWS*BW]), .in_rows(word[(COLS+ROWS)*BW +: RW]),
        .in_last(word[(COLS+ROWS)*BW + RW]),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err));
endmodule

`default_nettype wire
