// Iterative TensorDash scheduler (paper §3.7): one level's worth of priority encoders,
// reused over the levels of Fig 10, one level per cycle -- NLEV (6 for N = 16) cycles per
// step instead of one, for a fraction of the encoders. Same results as tdash_scheduler.
//
// Level L's lanes are L, L+5, L+10 (L < 5) or the single lane 5*(N/5) + L - 5. Rotating the
// window right by shift(L) (L, or that single lane) moves them to lanes 0, 5, 10, whose option
// positions are constants, so the encoders need fixed wiring; the taken pairs are rotated
// back before they are cleared from the window.
//
// Protocol: hold `go` high with `z` stable from the step's first cycle. The step's outputs
// are valid in the cycle `last_level` is high (combinational in that cycle); with `hold` low
// the engine then starts over, otherwise it stays on the last level (same outputs). While
// `go` is low the level counter holds; `hold` is only looked at on the last level, so the
// levels of the next step run while the previous result waits (model/compress.py
// CompressorCycles).
`default_nettype none

module tdash_scheduler_iter #(
    parameter integer N     = 16,  // lanes (>= 5)
    parameter integer DEPTH = 3
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          go,
    input  wire                          hold,
    input  wire [DEPTH*N-1:0]            z,
    output wire                          last_level,
    output reg  [3*N-1:0]                ms,
    output reg  [N-1:0]                  ms_valid,
    output wire [DEPTH*N-1:0]            z_after,
    output wire [$clog2(DEPTH+1)-1:0]    as_rows
);
    `include "tdash_options.vh"

    localparam integer W     = DEPTH * N;
    localparam integer FULL  = 5 * (N / 5);
    localparam integer NLEV  = 5 + (N - FULL);
    // encoders: lanes 0, 5, 10 after rotation (at least 1, so that N < 5 reaches the check below)
    localparam integer MAXM  = (N < 5) ? 1 : N / 5;
    localparam integer LW    = $clog2(NLEV);
    localparam integer SW    = $clog2(N);
    localparam integer  LAST_I = NLEV - 1;
    localparam [LW-1:0] LAST   = LAST_I[LW-1:0];

    reg  [LW-1:0]  lvl;
    reg  [W-1:0]   z_work;
    reg  [3*N-1:0] ms_reg;
    reg  [N-1:0]   valid_reg;

    wire [W-1:0] z_cur = (lvl == {LW{1'b0}}) ? z : z_work;
    assign last_level = go && (lvl == LAST);

    // This level's rotation and its member lanes.
    reg [SW-1:0]   shift;
    reg [MAXM-1:0] member_en;
    integer m, lvl_i;
    /* verilator lint_off UNUSEDSIGNAL */
    integer shift_i;    // only its low SW bits are the shift (it is < N)
    /* verilator lint_on UNUSEDSIGNAL */
    always @* begin
        lvl_i   = {{(32-LW){1'b0}}, lvl};
        shift_i = (lvl_i < 5) ? lvl_i : FULL + lvl_i - 5;
        shift   = shift_i[SW-1:0];
        for (m = 0; m < MAXM; m = m + 1)
            member_en[m] = (lvl_i < 5) ? (lvl_i + 5 * m < FULL) : (m == 0);
    end

    // Rotate every row right by `shift`.
    wire [W-1:0] z_rot;
    genvar r, g, k;
    generate
        for (r = 0; r < DEPTH; r = r + 1) begin : rot
            // A rotation is a shift of the doubled row; half of the result is unused.
            /* verilator lint_off UNUSEDSIGNAL */
            wire [2*N-1:0] twice = {z_cur[r*N +: N], z_cur[r*N +: N]} >> shift;
            /* verilator lint_on UNUSEDSIGNAL */
            assign z_rot[r*N +: N] = twice[N-1:0];
        end
    endgenerate

    // The reused encoders, at rotated lanes 0, 5, 10, ...: their options are fixed positions.
    wire [MAXM*3-1:0] sel;
    wire [MAXM-1:0]   got;
    generate
        for (g = 0; g < MAXM; g = g + 1) begin : enc
            wire [NOPT-1:0] req, grant;
            for (k = 0; k < NOPT; k = k + 1) begin : opt
                assign req[k] = member_en[g] && z_rot[src_pos(5 * g, k)];
            end
            tdash_prio_enc #(.W(NOPT), .IDX_W(3)) pe (
                .req(req), .grant(grant), .idx(sel[g*3 +: 3]), .valid(got[g]));
            for (k = 0; k < NOPT; k = k + 1) begin : clr   // running OR of grants at their bits
                wire [W-1:0] acc;
                if (k == 0) begin : first
                    assign acc = {{(W-1){1'b0}}, grant[0]} << src_pos(5 * g, 0);
                end else begin : next
                    assign acc = clr[k-1].acc | ({{(W-1){1'b0}}, grant[k]} << src_pos(5 * g, k));
                end
            end
            wire [W-1:0] taken;                            // running OR over the encoders
            if (g == 0) begin : first
                assign taken = clr[NOPT-1].acc;
            end else begin : next
                assign taken = enc[g-1].taken | clr[NOPT-1].acc;
            end
        end
    endgenerate

    // Rotate what was taken back (left by `shift`) and clear it from the window.
    wire [W-1:0] take_rot = enc[MAXM-1].taken;
    wire [W-1:0] take;
    generate
        for (r = 0; r < DEPTH; r = r + 1) begin : unrot
            /* verilator lint_off UNUSEDSIGNAL */
            wire [2*N-1:0] twice = {take_rot[r*N +: N], take_rot[r*N +: N]} << shift;
            /* verilator lint_on UNUSEDSIGNAL */
            assign take[r*N +: N] = twice[2*N-1:N];
        end
    endgenerate
    assign z_after = z_cur & ~take;

    // Outputs: earlier levels' choices from the registers, this level's straight from the
    // encoders (the step completes in the last level's cycle).
    integer i;
    reg [SW-1:0] lane;
    always @* begin
        ms       = ms_reg;
        ms_valid = valid_reg;
        lane     = {SW{1'b0}};
        for (i = 0; i < MAXM; i = i + 1)
            if (member_en[i]) begin
                lane = shift + 5 * i[SW-1:0];
                ms[3*lane +: 3] = sel[3*i +: 3];
                ms_valid[lane]  = got[i];
            end
    end

    tdash_as_count #(.N(N), .DEPTH(DEPTH)) as_count (.z_after(z_after), .as_rows(as_rows));

    always @(posedge clk) begin
        if (rst) begin
            lvl       <= {LW{1'b0}};
            z_work    <= {W{1'b0}};
            ms_reg    <= {3*N{1'b0}};
            valid_reg <= {N{1'b0}};
        end else if (go && !(last_level && hold)) begin
            lvl       <= last_level ? {LW{1'b0}} : lvl + 1'b1;
            z_work    <= z_after;
            ms_reg    <= ms;
            valid_reg <= ms_valid;
        end
    end

    // Parameter check. Verilog-2005 has no elaboration-time $error ($fatal is SystemVerilog):
    // an instance of a module that does not exist stops elaboration with this name in the
    // message, on all three tools (iverilog, Yosys, the Verilator linter). N >= 5: the
    // rotation puts a level's lanes at 0, 5, 10, ...; tested inside tdash_compress at N 16.
    generate
        if (N < 5 || (DEPTH != 2 && DEPTH != 3)) begin : bad_parameters
            tdash_error_tdash_scheduler_iter_needs_N_at_least_5_and_DEPTH_2_or_3 stop ();
        end
    endgenerate
endmodule

`default_nettype wire
