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
// (cycle 0 = the first stored row's, no stalls). in_ready = !out_valid || out_ready. Rules
// for any handshake trace: model/compress.py DecompressorCycles.
//
// Bad stored rows (model/compress.py word_errors) are consumed and dropped whole -- no beat,
// window and output payload unchanged, so the words around them expand as if they were not
// there -- and OR their cause into the sticky `err` mask (cleared only by rst):
//   err[0] bad slot: an empty slot (value 0) with idx != 0, or a value with idx >= the
//          options at this DEPTH (5..7 at DEPTH 2)
//   err[1] bad adv: adv outside 1..DEPTH
//   err[2] collision: two values aimed at one window position, or at one already filled
//   err[3] leftover: last set but values are left in the window past adv
// A word that breaks none of these is decoded as it says (the format has no redundancy to
// catch more).
//
// Supported parameters: N = 16, DW = 16, DEPTH 2 or 3 (the tested set); others stop
// elaboration with a readable module name.
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
    output reg                             out_last,
    output reg  [3:0]                      err         // sticky cause mask, see above
);
    `include "tdash_options.vh"

    localparam integer RW = $clog2(DEPTH + 1);
    localparam integer VW = N * DW;
    localparam integer SL = DW + 3;

    assign in_ready = !out_valid || out_ready;
    wire accept = in_valid && in_ready;

    wire [RW-1:0] adv  = in_word[N*SL +: RW];
    wire          last = in_word[N*SL + RW];

    genvar r, l, k;
    generate
        if (!(N == 16 && DW == 16 && (DEPTH == 2 || DEPTH == 3))) begin : bad_parameters
            // Verilog-2005 has no elaboration-time $error: an instance of a module that does
            // not exist stops elaboration (iverilog, Yosys, Verilator) with this name.
            tdash_error_tdash_decompress_supports_N_16_DW_16_DEPTH_2_or_3 stop ();
        end
    endgenerate

    // ---- slot checks: empty slots carry idx 0, values carry an existing option
    wire [N-1:0] slot_bad;
    generate
        for (l = 0; l < N; l = l + 1) begin : chk
            wire [SL-1:0] s = in_word[l*SL +: SL];
            wire empty = (s[0 +: DW] == {DW{1'b0}});
            if (NOPT < 8) begin : few
                localparam integer NO_I = NOPT;
                localparam [2:0]   NO   = NO_I[2:0];
                assign slot_bad[l] = empty ? (s[DW +: 3] != 3'd0) : (s[DW +: 3] >= NO);
            end else begin : all
                assign slot_bad[l] = empty && (s[DW +: 3] != 3'd0);
            end
        end
    endgenerate

    // ---- inverse muxes: every window position collects the value aimed at it
    reg  [DEPTH*VW-1:0] window;
    wire [DEPTH*VW-1:0] scattered;
    wire [DEPTH*N-1:0]  collide;   // more than one value for a position (counting the window's)
    generate
        for (r = 0; r < DEPTH; r = r + 1) begin : row
            for (l = 0; l < N; l = l + 1) begin : lane
                wire [NOPT*DW-1:0] cand;   // option k's contribution (or zero)
                wire [NOPT-1:0]    hit;    // option k brings a value here
                for (k = 0; k < NOPT; k = k + 1) begin : opt
                    if (opt_row(k) == r) begin : reads_row
                        localparam integer I = (l - opt_off(k) + 2 * N) % N;  // lane that reads (r, l) with k
                        localparam [2:0]   K = k;
                        wire [SL-1:0] s = in_word[I*SL +: SL];
                        assign hit[k] = (s[DW +: 3] == K) && (s[0 +: DW] != {DW{1'b0}});
                        assign cand[k*DW +: DW] = hit[k] ? s[0 +: DW] : {DW{1'b0}};
                    end else begin : other_row
                        assign hit[k] = 1'b0;
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
                wire held = (window[(r*N + l)*DW +: DW] != {DW{1'b0}});
                // x & (x - 1) is non-zero when x has two bits set or more.
                assign collide[r*N + l] = |(hit & (hit - 1'b1)) || (held && |hit);
            end
        end
    endgenerate

    // ---- the dense window
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

    wire       adv_bad = (adv_i < 1) || (adv_i > DEPTH);
    wire [3:0] bad = {last && (rest != {DEPTH*VW{1'b0}}), |collide, adv_bad, |slot_bad};

    always @(posedge clk) begin
        if (rst) begin
            window    <= {DEPTH*VW{1'b0}};
            out_valid <= 1'b0;
            out_data  <= {DEPTH*VW{1'b0}};
            out_rows  <= {RW{1'b0}};
            out_last  <= 1'b0;
            err       <= 4'd0;
        end else if (accept && bad == 4'd0) begin
            window    <= rest;
            out_data  <= done_rows;
            out_rows  <= adv;
            out_last  <= last;
            out_valid <= 1'b1;
        end else if (accept) begin   // a bad word: dropped, its cause recorded
            err       <= err | bad;
            out_valid <= 1'b0;
        end else if (out_ready) begin
            out_valid <= 1'b0;
        end
    end
endmodule

`default_nettype wire
