// Bench top level for tdash_pe (KIND 0) and dense_pe (KIND 1): the DUT driven by the
// HDL-side stream agents (tdash_tb_stream.v). Only this module's ports are public to Python.
// Beat word, LSB first: in_a, in_b, in_rows, in_last, in_mode (tb/common/hdl_agents.py packs it).
`default_nettype none

module tdash_pe_harness #(
    parameter integer KIND      = 0,
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer OP_TYPE   = 0,
    parameter integer DW        = (OP_TYPE == 2) ? 32 : 16,
    parameter integer ROWS_LOG2 = 16,
    parameter integer ACC_W     = (OP_TYPE == 0) ? 2 * DW + $clog2(N) + ROWS_LOG2 : 32,
    parameter integer BEAT_AW   = 14,
    parameter integer CYC_AW    = 20,
    parameter integer ORDER     = 0     // tdash_pe only: the scheduler's option set
) (
    input  wire        clk,
    input  wire        go,
    input  wire [31:0] ncycles,
    input  wire [31:0] nbeats,
    output wire        done,
    output wire [31:0] nchg,
    output wire        overflow
);
    localparam integer RW   = $clog2(DEPTH + 1);
    localparam integer BW   = DEPTH * N * DW;
    localparam integer IN_W = 2 * BW + RW + 3;

    wire             rst, in_valid, in_ready, out_valid, out_ready, err;
    wire [IN_W-1:0]  word;
    wire [ACC_W-1:0] out_data;
    wire [DEPTH-1:0] present;

    tdash_tb_stream #(.IN_W(IN_W), .OUT_W(ACC_W), .BEAT_AW(BEAT_AW), .CYC_AW(CYC_AW)) agents (
        .clk(clk), .go(go), .ncycles(ncycles), .nbeats(nbeats), .done(done), .nchg(nchg),
        .overflow(overflow), .rst(rst), .in_valid(in_valid), .in_word(word), .in_ready(in_ready),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err),
        .window_rows(window_rows(present))
    );

    // Rows present in the window: the staging queue's own port, sampled for coverage and
    // compared with the model (a prefix of the window is present).
    function [1:0] window_rows(input [DEPTH-1:0] p);
        integer k;
        begin
            window_rows = 2'd0;
            for (k = 0; k < DEPTH; k = k + 1)
                if (p[k]) window_rows = k[1:0] + 2'd1;
        end
    endfunction

    generate
        if (KIND == 0) begin : td
            tdash_pe #(.N(N), .DEPTH(DEPTH), .OP_TYPE(OP_TYPE), .DW(DW), .ROWS_LOG2(ROWS_LOG2), .ACC_W(ACC_W),
                       .ORDER(ORDER)) dut (
                .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready),
                .in_a(word[0 +: BW]), .in_b(word[BW +: BW]), .in_rows(word[2*BW +: RW]),
                .in_last(word[2*BW + RW]), .in_mode(word[2*BW + RW + 1 +: 2]),
                .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err));
            assign present = dut.queue.win_present;
        end else begin : dn
            dense_pe #(.N(N), .DEPTH(DEPTH), .OP_TYPE(OP_TYPE), .DW(DW), .ROWS_LOG2(ROWS_LOG2), .ACC_W(ACC_W)) dut (
                .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready),
                .in_a(word[0 +: BW]), .in_b(word[BW +: BW]), .in_rows(word[2*BW +: RW]),
                .in_last(word[2*BW + RW]), .in_mode(word[2*BW + RW + 1 +: 2]),
                .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err));
            assign present = dut.queue.win_present;
        end
    endgenerate
endmodule

`default_nettype wire
