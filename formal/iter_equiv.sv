// The iterative scheduler (rtl/tdash_scheduler_iter.v) equals the single-cycle one
// (rtl/tdash_scheduler.v): in every cycle that last_level is high, ms, ms_valid, z_after and
// as_rows equal the single-cycle scheduler's outputs for the same z.
//
// Input contract (the protocol in tdash_scheduler_iter.v's header, which tdash_compress keeps:
// its window stays put until the step commits): reset in the first cycle; once a step has
// started (a cycle with go high and reset low) z stays stable until the step completes
// (last_level with hold low) or reset. go may drop in between (the engine pauses); reset,
// go and hold are free, and so is z between steps.
//
//   equal     last_level -> the four outputs equal tdash_scheduler's
//   step_state  (the induction's invariant) the engine's registers, bound from outside
//             (scheduler_iter.sby: `connect -set iter_lvl iter.lvl` ... after flatten, no RTL
//             edit): the level counter is the cycle count of the step under way (0 unless one
//             is), and after level L the working window is z minus what the single-cycle
//             scheduler's levels < L took, the registered ms/ms_valid of those levels' lanes
//             are the single-cycle scheduler's
//   timing    last_level rises in exactly the NLEV-th cycle with go high of a step (what
//             tdash_compress's cycle counts assume) and stays high while hold is high
`default_nettype none

module iter_equiv #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3
) (
    input wire               clk,
    input wire               rst,
    input wire               go,
    input wire               hold,
    input wire [DEPTH*N-1:0] z
);
    localparam integer W    = DEPTH * N;
    localparam integer AS_W = $clog2(DEPTH + 1);
    localparam integer NLEV = 5 + (N - 5 * (N / 5));   // levels of Fig 10 (tdash_scheduler.v)
    // iter_lvl below is 3 bits: the engine's $clog2(NLEV) for every supported N >= 5.
    generate if ($clog2(NLEV) != 3) begin : bad_n
        iter_equiv_needs_NLEV_in_5_to_8 stop ();
    end endgenerate

    wire            last_level;
    wire [3*N-1:0]  ms_i, ms_c;
    wire [N-1:0]    valid_i, valid_c;
    wire [W-1:0]    z_after_i, z_after_c;
    wire [AS_W-1:0] as_i, as_c;
    tdash_scheduler_iter #(.N(N), .DEPTH(DEPTH)) iter (
        .clk(clk), .rst(rst), .go(go), .hold(hold), .z(z), .last_level(last_level),
        .ms(ms_i), .ms_valid(valid_i), .z_after(z_after_i), .as_rows(as_i));
    tdash_scheduler #(.N(N), .DEPTH(DEPTH)) comb (
        .z(z), .ms(ms_c), .ms_valid(valid_c), .z_after(z_after_c), .as_rows(as_c));

    // The iterative engine's registers, connected by the .sby script after flatten
    // (`connect -set iter_lvl iter.lvl` ...): the induction's invariant is stated on them.
    (* keep *) wire [2:0]     iter_lvl;
    (* keep *) wire [W-1:0]   iter_z_work;
    (* keep *) wire [3*N-1:0] iter_ms_reg;
    (* keep *) wire [N-1:0]   iter_valid_reg;

    // What the single-cycle scheduler's levels 0 .. iter_lvl-1 decided (Fig 10: lane i < FULL
    // is in level i mod 5, lane FULL + j in level 5 + j): their pairs, from its ms/ms_valid and
    // the option table (spec_options.vh, generated from model/params.py).
    `include "spec_options.vh"
    localparam integer FULL = 5 * (N / 5);
    reg [W-1:0]   taken_before;
    reg [3*N-1:0] ms_before;
    reg [N-1:0]   valid_before, lanes_before;
    integer i, k;
    always @* begin
        taken_before = {W{1'b0}};
        lanes_before = {N{1'b0}};
        for (i = 0; i < N; i = i + 1) begin
            lanes_before[i] = ((i < FULL) ? (i % 5) : (5 + i - FULL)) < iter_lvl;
            for (k = 0; k < spec_nopt_of(0); k = k + 1)
                if (lanes_before[i] && valid_c[i] && ms_c[3*i +: 3] == k)
                    taken_before[spec_pos_of(0, i, k)] = 1'b1;
        end
        for (i = 0; i < N; i = i + 1) begin
            ms_before[3*i +: 3] = lanes_before[i] ? iter_ms_reg[3*i +: 3] ^ ms_c[3*i +: 3] : 3'd0;
        end
        valid_before = lanes_before & (iter_valid_reg ^ valid_c);
    end

    // ---- the contract
    reg         init = 1'b1;
    reg         busy = 1'b0;     // a step is under way: z must hold
    reg [W-1:0] z_q;
    reg [7:0]   cycle = 8'd0;    // cycles with go high of the current step (the timing property)
    always @(posedge clk) begin
        init  <= 1'b0;
        z_q   <= z;
        if (rst) begin
            busy  <= 1'b0;
            cycle <= 8'd0;
        end else if (go) begin
            busy  <= !(last_level && !hold);
            if (last_level && !hold) cycle <= 8'd0;
            else if (!last_level)    cycle <= cycle + 8'd1;
        end
    end
    always @* begin
        if (init) assume (rst);
        if (busy) assume (z == z_q);
    end

    // ---- the properties
    always @* begin
        if (!init && last_level) begin
            equal: assert (ms_i == ms_c && valid_i == valid_c && z_after_i == z_after_c && as_i == as_c);
        end
        if (!init && go) begin
            timing: assert (last_level == (cycle == NLEV - 1));
        end
        if (!init) begin
            step_state: assert (cycle < NLEV && {5'd0, iter_lvl} == cycle && (busy || iter_lvl == 3'd0)
                                && (iter_lvl == 3'd0 || (iter_z_work == (z & ~taken_before)
                                                         && ms_before == 0 && valid_before == 0)));
        end
    end
endmodule

`default_nettype wire
