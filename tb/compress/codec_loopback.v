// Testbench-only wrapper: tdash_compress feeding tdash_decompress, to check on the RTL that
// compress -> decompress is the identity (tb/compress/loopback.py).
`default_nettype none

module codec_loopback #(
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer DW        = 16,
    parameter integer ITERATIVE = 0
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          in_valid,
    output wire                          in_ready,
    input  wire [DEPTH*N*DW-1:0]         in_data,
    input  wire [$clog2(DEPTH+1)-1:0]    in_rows,
    input  wire                          in_last,
    output wire                          out_valid,
    input  wire                          out_ready,
    output wire [DEPTH*N*DW-1:0]         out_data,
    output wire [$clog2(DEPTH+1)-1:0]    out_rows,
    output wire                          out_last,
    output wire [3:0]                    err,        // the decompressor's
    output wire                          comp_err    // the compressor's
);
    wire               mid_valid, mid_ready;
    wire [N*(DW+3)+2:0] mid_word;
    tdash_compress #(.N(N), .DEPTH(DEPTH), .DW(DW), .ITERATIVE(ITERATIVE)) comp (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .in_rows(in_rows), .in_last(in_last),
        .out_valid(mid_valid), .out_ready(mid_ready), .out_word(mid_word), .err(comp_err));
    tdash_decompress #(.N(N), .DEPTH(DEPTH), .DW(DW)) decomp (
        .clk(clk), .rst(rst), .in_valid(mid_valid), .in_ready(mid_ready), .in_word(mid_word),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .out_rows(out_rows),
        .out_last(out_last), .err(err));
endmodule

`default_nettype wire
