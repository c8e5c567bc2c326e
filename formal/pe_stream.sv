// The PE never loses, duplicates or reorders a result, under any handshake: tdash_pe (INT)
// with in_valid, the beats, in_mode and out_ready free every cycle. Bounded (sby mode bmc):
// every input sequence of up to the template's depth cycles from reset.
//
// Scoreboard: the solver picks a job index J (anyconst). The wrapper sums the products of
// job J's accepted beats itself (rows < in_rows; every mode gives the exact dot product for
// integers: a skipped pair has a zero product), and the J-th result taken at the output must
// equal that sum. With J and the data free, a lost, duplicated or reordered result, or a wrong
// sum, is a counterexample.
//
// Abstraction (honest, documented): small lanes and values (N = 4, DW = 2, ROWS_LOG2 = 4; with DW = 4 the SAT solver stalls on proving the
// RTL's multiplier sums equal to the wrapper's, a known-hard problem for SAT): the
// handshake, queue, window and job-boundary logic is the same RTL at every width; the
// multipliers and sums are exact at any width (the wide datapath is checked bit-exactly
// against the model by tb/pe). Contract: reset in the first cycle only; a beat has in_rows in
// 1..DEPTH, DEPTH unless it ends a job (tdash_pe.v's job format).
//
//   result_equal  the J-th result taken equals job J's dot product
//   no_extra      no result before its job's last beat was accepted
//   out_hold      a result offered and not taken stays, unchanged, in the next cycle
//   no_err        err stays low (no well-formed beat is dropped)
`default_nettype none

module pe_stream #(
    parameter integer N         = 4,
    parameter integer DEPTH     = 2,
    parameter integer DW        = 2,
    parameter integer ROWS_LOG2 = 4
) (
    input wire                       clk,
    input wire                       in_valid,
    input wire [DEPTH*N*DW-1:0]      in_a,
    input wire [DEPTH*N*DW-1:0]      in_b,
    input wire [$clog2(DEPTH+1)-1:0] in_rows,
    input wire                       in_last,
    input wire [1:0]                 in_mode,
    input wire                       out_ready
);
    localparam integer ACC_W = 2 * DW + $clog2(N) + ROWS_LOG2;

    reg init = 1'b1;
    wire rst = init;
    wire                    in_ready, out_valid, err;
    wire signed [ACC_W-1:0] out_data;
    tdash_pe #(.N(N), .DEPTH(DEPTH), .OP_TYPE(0), .DW(DW), .ROWS_LOG2(ROWS_LOG2)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_a(in_a), .in_b(in_b),
        .in_rows(in_rows), .in_last(in_last), .in_mode(in_mode),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .err(err));

    always @* begin
        if (in_valid) assume (in_rows >= 1 && in_rows <= DEPTH && (in_last || in_rows == DEPTH));
    end

    // ---- scoreboard
    (* anyconst *) reg [7:0] J;
    reg [7:0] jobs_in = 8'd0, results_out = 8'd0;
    reg signed [ACC_W-1:0] ref_sum = 0;
    reg                    ref_done = 1'b0;
    wire in_fire  = in_valid && in_ready;
    wire out_fire = out_valid && out_ready;

    reg signed [ACC_W-1:0] beat_sum;
    integer r, l;
    always @* begin
        beat_sum = 0;
        for (r = 0; r < DEPTH; r = r + 1)
            for (l = 0; l < N; l = l + 1)
                if (r < in_rows)
                    beat_sum = beat_sum + $signed(in_a[(r*N + l)*DW +: DW]) * $signed(in_b[(r*N + l)*DW +: DW]);
    end

    always @(posedge clk) begin
        init <= 1'b0;
        if (!rst && in_fire) begin
            if (jobs_in == J) begin
                ref_sum <= ref_sum + beat_sum;
                if (in_last) ref_done <= 1'b1;
            end
            if (in_last) jobs_in <= jobs_in + 8'd1;
        end
        if (!rst && out_fire) results_out <= results_out + 8'd1;
    end

    reg                    held = 1'b0;
    reg signed [ACC_W-1:0] held_data;
    always @(posedge clk) begin
        held      <= !rst && out_valid && !out_ready;
        held_data <= out_data;
    end

    always @* begin
        if (!rst) begin
            result_equal: assert (!(out_fire && results_out == J) || (ref_done && out_data == ref_sum));
            no_extra:     assert (!out_valid || results_out < jobs_in);
            out_hold:     assert (!held || (out_valid && out_data == held_data));
            no_err:       assert (!err);
        end
    end
endmodule

`default_nettype wire
