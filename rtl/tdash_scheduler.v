// TensorDash hardware scheduler (paper §3.2, Fig 9 and Fig 10). Purely combinational.
//
// Input is the Z window: z[k*N + l] = 1 when an effectual (A, B) pair is still pending at
// lane l, staging row +k (Z = AZ & BZ is formed by the PE). Each lane i picks, with a static
// priority encoder, the first pending pair among its options (rows ahead, lane offset), in
// the priority order of the option set ORDER (tdash_options.vh, generated from
// model/params.py OPTION_SETS). ORDER 0 is the paper's:
//   DEPTH 3: (0,0) (1,0) (2,0) (1,-1) (1,+1) (2,-2) (2,+2) (1,-3)   -- Fig 9, lane 8 drawn
//   DEPTH 2: (0,0) (1,0) (1,-1) (1,+1) (1,-3)                       -- Fig 19's variant
// lane offsets wrapping mod N. The option index is the lane's 3-bit mux select MS_i, so the
// operand muxes that follow must use the same ORDER.
//
// Lanes choose in levels (Fig 10). Lanes of one level are at least S apart on the ring (S =
// the set's level spacing: 1 + the widest spread of lane offsets within one row, 5 for the
// paper's set), so their option sets are disjoint and they choose in parallel from the
// level's input window; what they take is cleared (AND gates) before the window passes to
// the next level. Lane i < S*(N/S) is in level i%S and each remaining lane has a level of
// its own: for the paper's set and N = 16, {0,5,10} {1,6,11} {2,7,12} {3,8,13} {4,9,14} {15}.
//
// AS (as_rows) counts the leading rows of z_after that are empty: the rows the staging
// buffer may drop and refill. Row +0 always drains (every set's option 0 is (0,0): lane l
// takes (+0,l) first unless an earlier level already did), so AS >= 1.
//
// Supported: N in {4, 5, 8, 16, 20, 32} (the tested set, model/params.py SCHEDULER_LANES),
// DEPTH 2 or 3, ORDER an index of OPTION_SETS. Anything else stops elaboration.
//
// The Python reference is model/scheduler.py (schedule_step(z, depth, n, order)); the
// testbench compares every output bit with it.
`default_nettype none

module tdash_scheduler #(
    parameter integer N     = 16,  // lanes: 4, 5, 8, 16, 20 or 32
    parameter integer DEPTH = 3,   // staging rows seen by the scheduler: 2 or 3
    parameter integer ORDER = 0    // option set (priority order): 0 the paper's, see tdash_options.vh
) (
    input  wire [DEPTH*N-1:0]           z,         // pending pairs, row k at [k*N +: N]
    output wire [3*N-1:0]               ms,        // lane i's option at [3*i +: 3]; 0 when idle
    output wire [N-1:0]                 ms_valid,  // lane i took a pair this step
    output wire [DEPTH*N-1:0]           z_after,   // z with this step's pairs removed
    output wire [$clog2(DEPTH+1)-1:0]   as_rows    // AS: leading empty rows of z_after
);
    `include "tdash_options.vh"

    localparam integer W     = DEPTH * N;
    localparam integer S     = level_spacing_of(ORDER);  // lane spacing within a level
    localparam integer FULL  = S * (N / S);               // lanes placed in the S spaced levels
    localparam integer NLEV  = S + (N - FULL);             // 6 for the paper's set and N = 16

    // Lanes of level lv, and the m-th of them. Constant functions, evaluated only at
    // elaboration (generate bounds and localparams): excluded from coverage.
    // verilator coverage_off
    function integer level_size(input integer lv);
        begin
            level_size = (lv < S) ? ((lv < FULL) ? (FULL / S) : 0) : 1;
        end
    endfunction

    function integer level_lane(input integer lv, input integer m);
        begin
            level_lane = (lv < S) ? (lv + S * m) : (FULL + lv - S);
        end
    endfunction
    // verilator coverage_on

    // Unsupported parameters stop elaboration. Verilog-2005 has no elaboration-time $error:
    // an instance of a module that does not exist names the problem in the tool's message.
    generate
        if (DEPTH != 2 && DEPTH != 3) begin : bad_depth
            tdash_error_scheduler_DEPTH_must_be_2_or_3 stop ();
        end
        if (lanes_supported(N) == 0) begin : bad_lanes
            tdash_error_scheduler_N_must_be_4_5_8_16_20_or_32 stop ();
        end
        if (ORDER < 0 || ORDER >= order_count(0)) begin : bad_order
            tdash_error_scheduler_ORDER_is_not_an_option_set_of_tdash_options_vh stop ();
        end
    endgenerate

    genvar lv, m, k;
    generate
        for (lv = 0; lv < NLEV; lv = lv + 1) begin : level
            // Icarus cannot index a generate scope with a function call: a localparam it is.
            localparam integer LSIZE = level_size(lv);
            wire [W-1:0] z_in;    // window as this level sees it
            wire [W-1:0] taken;   // pairs the lanes of this level took
            if (lv == 0) begin : first
                assign z_in = z;
            end else begin : chained
                assign z_in = level[lv-1].z_out;
            end
            wire [W-1:0] z_out = z_in & ~taken;

            for (m = 0; m < LSIZE; m = m + 1) begin : lane
                localparam integer I = level_lane(lv, m);
                wire [NOPT-1:0] req;     // option k available at this level's input
                wire [NOPT-1:0] grant;
                wire [2:0]      sel;
                wire            valid;
                wire [W-1:0]    take;    // one-hot (or zero) window bit this lane took
                tdash_prio_enc #(.W(NOPT), .IDX_W(3)) enc (
                    .req(req), .grant(grant), .idx(sel), .valid(valid)
                );
                for (k = 0; k < NOPT; k = k + 1) begin : opt
                    localparam integer POS = src_pos_of(ORDER, I, k);  // window bit of option k
                    wire [W-1:0] acc;    // running OR of grant[0..k] placed at their bits
                    assign req[k] = z_in[POS];
                    if (k == 0) begin : first
                        assign acc = {{(W-1){1'b0}}, grant[0]} << POS;
                    end else begin : next
                        assign acc = opt[k-1].acc | ({{(W-1){1'b0}}, grant[k]} << POS);
                    end
                end
                assign take = opt[NOPT-1].acc;
                // Running OR over the lanes of the level (disjoint by construction).
                wire [W-1:0] acc;
                if (m == 0) begin : first
                    assign acc = take;
                end else begin : next
                    assign acc = lane[m-1].acc | take;
                end
                assign ms[3*I +: 3] = sel;
                assign ms_valid[I]  = valid;
            end
            if (LSIZE == 0) begin : none   // N < S: the spaced levels may be empty
                assign taken = {W{1'b0}};
            end else begin : some
                assign taken = lane[LSIZE-1].acc;
            end
        end
    endgenerate

    assign z_after = level[NLEV-1].z_out;

    // AS: count the run of empty rows from row +0.
    tdash_as_count #(.N(N), .DEPTH(DEPTH)) as_count (.z_after(z_after), .as_rows(as_rows));
endmodule

`default_nettype wire
