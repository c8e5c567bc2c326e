// Decompressor (paper §3.6.1, Fig 12): scheduled rows in, dense rows out -- the mirror of
// the operand muxes.
//
// Input: stored rows in model/compress.py's format, in_word = {last, adv[1:0], slot[N-1..0]},
// slot i = {idx[2:0], value[DW-1:0]}, value 0 = empty. Each value goes back to the window
// position its idx took it from: dense position (row r, lane l) listens to the lanes
// i = l - offset(k) of the options k that read row r (Fig 12 draws this for element 8), and
// at most one of them can hold a value for it. The window (DEPTH dense rows) then hands its
// first `adv` rows out as one output beat and shifts by adv.
// Output: beats in tdash_pe's input format -- out_data row k, lane l at [(k*N + l)*DW +: DW],
// out_rows = adv (1..DEPTH dense rows per cycle), out_last = the group's last beat -- so a
// decompressor can feed a PE directly, one group per job. Rows at and beyond out_rows are 0.
// Timing: one stored row per cycle; the beat of stored row s is presented in cycle s + 1
// (cycle 0 = the first stored row's, no stalls).
`default_nettype none

module tdash_decompress #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3,
    parameter integer DW    = 16
) (
    input  wire                            clk,
    input  wire                            rst,
    input  wire                            in_valid,
    output wire                            in_ready,
    input  wire [N*(DW+3)+2:0]             in_word,
    output reg                             out_valid,
    input  wire                            out_ready,
    output reg  [DEPTH*N*DW-1:0]           out_data,
    output reg  [$clog2(DEPTH+1)-1:0]      out_rows,
    output reg                             out_last
);
    `include "tdash_options.vh"

    localparam integer RW = $clog2(DEPTH + 1);
    localparam integer VW = N * DW;
    localparam integer SL = DW + 3;

    assign in_ready = !out_valid || out_ready;
    wire accept = in_valid && in_ready;

    wire [RW-1:0] adv  = in_word[N*SL +: RW];
    wire          last = in_word[N*SL + RW];

    // ---- inverse muxes: every window position collects the value aimed at it
    wire [DEPTH*VW-1:0] scattered;
    genvar r, l, k;
    generate
        for (r = 0; r < DEPTH; r = r + 1) begin : row
            for (l = 0; l < N; l = l + 1) begin : lane
                wire [NOPT*DW-1:0] cand;   // option k's contribution (or zero)
                for (k = 0; k < NOPT; k = k + 1) begin : opt
                    if (opt_row(k) == r) begin : reads_row
                        localparam integer I = (l - opt_off(k) + 2 * N) % N;  // lane that reads (r, l) with k
                        wire [SL-1:0] s = in_word[I*SL +: SL];
                        assign cand[k*DW +: DW] = (s[DW +: 3] == k) ? s[0 +: DW] : {DW{1'b0}};
                    end else begin : other_row
                        assign cand[k*DW +: DW] = {DW{1'b0}};
                    end
                end
                reg [DW-1:0] v;
                integer c;
                always @* begin
                    v = {DW{1'b0}};
                    for (c = 0; c < NOPT; c = c + 1) v = v | cand[c*DW +: DW];
                end
                assign scattered[(r*N + l)*DW +: DW] = v;
            end
        end
    endgenerate

    // ---- the dense window
    reg  [DEPTH*VW-1:0] window;
    wire [DEPTH*VW-1:0] filled = window | scattered;
    reg  [DEPTH*VW-1:0] done_rows, rest;
    integer j, adv_i;
    always @* begin
        adv_i     = {{(32-RW){1'b0}}, adv};
        done_rows = {DEPTH*VW{1'b0}};
        rest      = {DEPTH*VW{1'b0}};
        for (j = 0; j < DEPTH; j = j + 1) begin
            if (j < adv_i) done_rows[j*VW +: VW] = filled[j*VW +: VW];
            if (j + adv_i < DEPTH) rest[j*VW +: VW] = filled[(j + adv_i)*VW +: VW];
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            window    <= {DEPTH*VW{1'b0}};
            out_valid <= 1'b0;
            out_data  <= {DEPTH*VW{1'b0}};
            out_rows  <= {RW{1'b0}};
            out_last  <= 1'b0;
        end else begin
            if (accept) begin
                window    <= rest;
                out_data  <= done_rows;
                out_rows  <= adv;
                out_last  <= last;
            end
            if (accept) out_valid <= 1'b1;
            else if (out_ready) out_valid <= 1'b0;
        end
    end
endmodule

`default_nettype wire
