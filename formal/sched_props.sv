// Properties of the single-cycle scheduler (rtl/tdash_scheduler.v), at its ports, for every
// input window z. The scheduler is combinational, so a one-step check with z free is a proof
// over all 2**(DEPTH*N) inputs (sby mode bmc, depth 1: the solver's "no counterexample" is
// an UNSAT result over every z, not a sample).
//
//   own_option   a lane that takes a pair (ms_valid) takes one of its own options (Fig 9; the
//                table is spec_options.vh, which formal/run.py generates from model/params.py
//                OPTION_SETS, independently of rtl/tdash_options.vh) that is pending in z; an idle lane's ms is 0 (idle_zero)
//   once         no window pair is taken by two lanes
//   remove       z_after == z minus exactly the pairs taken
//   greedy       each lane's options before the one it took (all of them if idle) are empty in
//                z_after: it took the first one still pending at its turn (Fig 10), and left
//                none it could have taken
//   as_exact     as_rows == the number of leading empty rows of z_after, and >= 1
`default_nettype none

module sched_props #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3,
    parameter integer ORDER = 0    // option set (model/params.py OPTION_SETS index)
) (
    input wire [DEPTH*N-1:0] z
);
    localparam integer W    = DEPTH * N;
    localparam integer AS_W = $clog2(DEPTH + 1);
    `include "spec_options.vh"

    wire [3*N-1:0]  ms;
    wire [N-1:0]    ms_valid;
    wire [W-1:0]    z_after;
    wire [AS_W-1:0] as_rows;
    tdash_scheduler #(.N(N), .DEPTH(DEPTH), .ORDER(ORDER)) dut (
        .z(z), .ms(ms), .ms_valid(ms_valid), .z_after(z_after), .as_rows(as_rows));

    // took[i]: the window bit lane i took (one-hot, or 0 when idle or for a code >= NOPT);
    // before[i]: the options of lane i that come before its choice (all when idle).
    reg [W-1:0] took   [0:N-1];
    reg [W-1:0] before [0:N-1];
    reg [W-1:0] so_far;      // pairs taken by lanes 0..i-1
    reg         twice, bad_own, bad_idle, bad_greedy;
    integer i, k;
    always @* begin
        so_far     = {W{1'b0}};
        twice      = 1'b0;
        bad_own    = 1'b0;
        bad_idle   = 1'b0;
        bad_greedy = 1'b0;
        for (i = 0; i < N; i = i + 1) begin
            took[i]   = {W{1'b0}};
            before[i] = {W{1'b0}};
            for (k = 0; k < spec_nopt_of(ORDER); k = k + 1) begin
                if (ms_valid[i] && ms[3*i +: 3] == k) took[i][spec_pos_of(ORDER, i, k)] = 1'b1;
                if (!ms_valid[i] || k < ms[3*i +: 3]) before[i][spec_pos_of(ORDER, i, k)] = 1'b1;
            end
            if (ms_valid[i]) bad_own = bad_own | (took[i] == 0) | |(took[i] & ~z);
            else             bad_idle = bad_idle | (ms[3*i +: 3] != 3'd0);
            bad_greedy = bad_greedy | |(before[i] & z_after);
            twice  = twice | |(took[i] & so_far);
            so_far = so_far | took[i];
        end
    end

    // Leading empty rows of z_after, counted here independently of tdash_as_count.
    reg [AS_W-1:0] as_spec;
    reg            empty_run;
    integer r;
    always @* begin
        as_spec   = 0;
        empty_run = 1'b1;
        for (r = 0; r < DEPTH; r = r + 1) begin
            empty_run = empty_run && (z_after[r*N +: N] == {N{1'b0}});
            if (empty_run) as_spec = as_spec + 1'b1;
        end
    end

    always @* begin
        own_option: assert (!bad_own);
        idle_zero:  assert (!bad_idle);
        greedy:     assert (!bad_greedy);
        once:       assert (!twice);
        remove:     assert (z_after == (z & ~so_far));
        as_exact:   assert (as_rows == as_spec && as_rows >= 1);
    end
endmodule

`default_nettype wire
