// TensorDash hardware scheduler (paper §3.2, Fig 9 and Fig 10). Purely combinational.
//
// Input is the Z window: z[k*N + l] = 1 when an effectual (A, B) pair is still pending at
// lane l, staging row +k (Z = AZ & BZ is formed by the PE). Each lane i picks, with a static
// priority encoder, the first pending pair among its options (rows ahead, lane offset):
//   DEPTH 3: (0,0) (1,0) (2,0) (1,-1) (1,+1) (2,-2) (2,+2) (1,-3)   -- Fig 9, lane 8 drawn
//   DEPTH 2: (0,0) (1,0) (1,-1) (1,+1) (1,-3)                       -- Fig 19's variant
// lane offsets wrapping mod N (table in tdash_options.vh). The option index is the lane's
// 3-bit mux select MS_i.
//
// Lanes choose in levels (Fig 10). Lanes of one level are at least 5 apart on the ring, so
// their option sets are disjoint and they choose in parallel from the level's input window;
// what they take is cleared (AND gates) before the window passes to the next level. For
// N = 16 the levels are {0,5,10} {1,6,11} {2,7,12} {3,8,13} {4,9,14} {15}; in general lane
// i < 5*(N/5) is in level i%5 and each remaining lane has a level of its own.
//
// AS (as_rows) counts the leading rows of z_after that are empty: the rows the staging
// buffer may drop and refill. Row +0 always drains (lane l is the only reader of (+0,l),
// its first choice), so AS >= 1.
//
// The Python reference is model/scheduler.py (schedule_step); the testbench compares every
// output bit with it.
`default_nettype none

module tdash_scheduler #(
    parameter integer N     = 16,  // lanes (>= 4)
    parameter integer DEPTH = 3    // staging rows seen by the scheduler: 2 or 3
) (
    input  wire [DEPTH*N-1:0]           z,         // pending pairs, row k at [k*N +: N]
    output wire [3*N-1:0]               ms,        // lane i's option at [3*i +: 3]; 0 when idle
    output wire [N-1:0]                 ms_valid,  // lane i took a pair this step
    output wire [DEPTH*N-1:0]           z_after,   // z with this step's pairs removed
    output wire [$clog2(DEPTH+1)-1:0]   as_rows    // AS: leading empty rows of z_after
);
    localparam integer W     = DEPTH * N;
    localparam integer FULL  = 5 * (N / 5);      // lanes placed in the five 3-lane-style levels
    localparam integer NLEV  = 5 + (N - FULL);   // 6 for N = 16

    `include "tdash_options.vh"

    // Lanes of level lv, and the m-th of them. Constant functions, evaluated only at
    // elaboration (generate bounds and indices): excluded from coverage.
    // verilator coverage_off
    function integer level_size(input integer lv);
        begin
            level_size = (lv < 5) ? ((lv < FULL) ? (FULL / 5) : 0) : 1;
        end
    endfunction

    function integer level_lane(input integer lv, input integer m);
        begin
            level_lane = (lv < 5) ? (lv + 5 * m) : (FULL + lv - 5);
        end
    endfunction
    // verilator coverage_on

    genvar lv, m, k;
    generate
        for (lv = 0; lv < NLEV; lv = lv + 1) begin : level
            wire [W-1:0] z_in;    // window as this level sees it
            wire [W-1:0] taken;   // pairs the lanes of this level took
            if (lv == 0) begin : first
                assign z_in = z;
            end else begin : chained
                assign z_in = level[lv-1].z_out;
            end
            wire [W-1:0] z_out = z_in & ~taken;

            for (m = 0; m < level_size(lv); m = m + 1) begin : lane
                localparam integer I = level_lane(lv, m);
                wire [NOPT-1:0] req;     // option k available at this level's input
                wire [NOPT-1:0] grant;
                wire [2:0]      sel;
                wire            valid;
                wire [W-1:0]    take;    // one-hot (or zero) window bit this lane took
                for (k = 0; k < NOPT; k = k + 1) begin : opt
                    assign req[k] = z_in[src_pos(I, k)];
                end
                tdash_prio_enc #(.W(NOPT), .IDX_W(3)) enc (
                    .req(req), .grant(grant), .idx(sel), .valid(valid)
                );
                for (k = 0; k < NOPT; k = k + 1) begin : clr
                    wire [W-1:0] acc;    // running OR of grant[0..k] placed at their bits
                    if (k == 0) begin : first
                        assign acc = {{(W-1){1'b0}}, grant[0]} << src_pos(I, 0);
                    end else begin : next
                        assign acc = clr[k-1].acc | ({{(W-1){1'b0}}, grant[k]} << src_pos(I, k));
                    end
                end
                assign take = clr[NOPT-1].acc;
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
            if (level_size(lv) == 0) begin : none   // N < 5: levels 0..4 may be empty
                assign taken = {W{1'b0}};
            end else begin : some
                assign taken = lane[level_size(lv)-1].acc;
            end
        end
    endgenerate

    assign z_after = level[NLEV-1].z_out;

    // AS: count the run of empty rows from row +0.
    tdash_as_count #(.N(N), .DEPTH(DEPTH)) as_count (.z_after(z_after), .as_rows(as_rows));

    // Elaboration-time parameter checks (Verilator and simulators stop on $fatal in initial).
    initial begin
        if (DEPTH != 2 && DEPTH != 3) $fatal(1, "tdash_scheduler: DEPTH must be 2 or 3, got %0d", DEPTH);
        if (N < 4) $fatal(1, "tdash_scheduler: N must be >= 4, got %0d", N);
    end
endmodule

`default_nettype wire
