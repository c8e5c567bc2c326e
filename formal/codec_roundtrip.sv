// decompress(compress(x)) = x: tdash_compress feeding tdash_decompress directly, under any
// handshake on both ends (in_valid, in_data and out_ready free every cycle; the middle channel
// is the two modules' own valid/ready). Bounded (sby mode bmc): every input sequence of up to
// the template's depth cycles from reset.
//
// Scoreboard: the solver picks one dense row index J (anyconst); the J-th row accepted at the
// input (rows counted over beats, in_rows per beat) is recorded, with its group-end flag, and
// the J-th row handed out must equal it. With J free this checks every row position: no row
// lost, duplicated, reordered or altered, and group ends in place.
//
// Input contract (tdash_compress.v's, the PE's input format): reset in the first cycle only;
// a beat has in_rows in 1..DEPTH, and a beat without in_last carries DEPTH rows.
//
//   row_equal    the J-th row out equals the J-th row in (values and group-end flag)
//   no_extra     no more rows come out than went in
//   beat_shape   a beat out has out_rows in 1..DEPTH and its rows at and beyond out_rows are 0
//                (out_last comes only with a group's last row: row_equal checks the flag)
//   no_err       the decompressor never flags (err) a stored row the compressor wrote
//   out_hold     a beat offered and not taken stays, unchanged, in the next cycle
`default_nettype none

module codec_roundtrip #(
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer DW        = 16,
    parameter integer ITERATIVE = 0
) (
    input wire                       clk,
    input wire                       in_valid,
    input wire [DEPTH*N*DW-1:0]      in_data,
    input wire [$clog2(DEPTH+1)-1:0] in_rows,
    input wire                       in_last,
    input wire                       out_ready
);
    localparam integer RW = $clog2(DEPTH + 1);
    localparam integer VW = N * DW;

    reg init = 1'b1;
    wire rst = init;
    wire               in_ready, mid_valid, mid_ready, out_valid, out_last;
    wire [N*(DW+3)+2:0] mid_word;
    wire [DEPTH*VW-1:0] out_data;
    wire [RW-1:0]       out_rows;
    wire [3:0]          err;
    tdash_compress #(.N(N), .DEPTH(DEPTH), .DW(DW), .ITERATIVE(ITERATIVE)) comp (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .in_rows(in_rows), .in_last(in_last),
        .out_valid(mid_valid), .out_ready(mid_ready), .out_word(mid_word));
    tdash_decompress #(.N(N), .DEPTH(DEPTH), .DW(DW)) decomp (
        .clk(clk), .rst(rst), .in_valid(mid_valid), .in_ready(mid_ready), .in_word(mid_word),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .out_rows(out_rows),
        .out_last(out_last), .err(err));

    always @* begin
        if (in_valid) assume (in_rows >= 1 && in_rows <= DEPTH && (in_last || in_rows == DEPTH));
    end

    // Data abstraction: bits 1..DW-1 of every input value are equal, so a value is one of 0, 1,
    // -2, -1. The two modules only route whole values and test them for zero (compressor) or
    // for being empty (decompressor's slot and collision checks), bit by bit alike, so every
    // routing mistake moves a value the solver can make non-zero and distinct; and since every
    // bit position still carries information (bit DW-1 is bit 1), a mistake in any bit's slice
    // shows too. It keeps the SAT problem small enough for z3 over the bound.
    genvar av;
    generate
        for (av = 0; av < DEPTH * N; av = av + 1) begin : abstract_value
            always @* assume (in_data[av*DW + 1 +: DW - 1] == {(DW-1){in_data[av*DW + 1]}});
        end
    endgenerate

    // ---- scoreboard
    (* anyconst *) reg [7:0] J;
    reg [7:0]      in_cnt = 8'd0, out_cnt = 8'd0;
    reg [VW-1:0]   ref_v;
    reg            ref_last, have_ref = 1'b0;
    wire in_fire  = in_valid && in_ready;
    wire out_fire = out_valid && out_ready;
    integer k;
    always @(posedge clk) begin
        init <= 1'b0;
        if (!rst && in_fire) begin
            for (k = 0; k < DEPTH; k = k + 1)
                if (k < in_rows && in_cnt + k == J) begin
                    ref_v    <= in_data[k*VW +: VW];
                    ref_last <= in_last && k == in_rows - 1;
                    have_ref <= 1'b1;
                end
            in_cnt <= in_cnt + in_rows;
        end
        if (!rst && out_fire) out_cnt <= out_cnt + out_rows;
    end

    reg bad_row, bad_shape;
    integer q;
    always @* begin
        bad_row   = 1'b0;
        bad_shape = 1'b0;
        q         = 0;
        if (out_valid) begin
            bad_shape = out_rows < 1 || out_rows > DEPTH;
            for (q = 0; q < DEPTH; q = q + 1) begin
                if (q >= out_rows && out_data[q*VW +: VW] != 0) bad_shape = 1'b1;
                if (q < out_rows && out_cnt + q == J)
                    bad_row = !have_ref || out_data[q*VW +: VW] != ref_v ||
                              (out_last && q == out_rows - 1) != ref_last;
            end
        end
    end

    reg             held = 1'b0;    // last cycle offered a beat that was not taken
    reg [DEPTH*VW-1:0] held_data;
    reg [RW-1:0]    held_rows;
    reg             held_last;
    always @(posedge clk) begin
        held      <= !rst && out_valid && !out_ready;
        held_data <= out_data;
        held_rows <= out_rows;
        held_last <= out_last;
    end

    always @* begin
        if (!rst) begin
            row_equal:  assert (!(out_fire && bad_row));
            no_extra:   assert (!out_fire || out_cnt + out_rows <= in_cnt);
            beat_shape: assert (!bad_shape);
            no_err:     assert (err == 4'd0);
            out_hold:   assert (!held || (out_valid && out_data == held_data && out_rows == held_rows &&
                                          out_last == held_last));
        end
    end
endmodule

`default_nettype wire
