// Back-side scheduler / compressor (paper §3.6, §3.7): dense rows in, scheduled rows out,
// in exactly model/compress.py's storage format.
//
// Input: beats of up to DEPTH dense rows, as tdash_pe's input (in_data row k, lane l at
// [(k*N + l)*DW +: DW]; in_rows; in_last) where a *group* plays the role of a job: in_last
// ends a group (16 rows in the model's layout, the tensor's last group shorter). Each group
// is scheduled on its own, one-side, Z = "value is non-zero".
// Output: one stored row per scheduler step, out_word = {last, adv[1:0], slot[N-1] .. slot[0]}
// with slot i = {idx[2:0], value[DW-1:0]} (value 0 = empty, idx 0), adv = dense rows the step
// completes (AS cut at the group end), last = the group's last stored row.
//
// ITERATIVE = 0: the single-cycle scheduler (tdash_scheduler), one stored row per cycle;
//   row s is presented in cycle s + 2 (cycle 0 = first beat accepted, no stalls).
// ITERATIVE = 1: tdash_scheduler_iter, one level per cycle, NLEV (6) cycles per stored row;
//   row s is presented in cycle (s + 1) * NLEV + 1.
// Under any handshake trace and reset (in_ready = queue rows <= 2*DEPTH; a held stored row
// freezes the steps; the iterative levels run on while it is held): model/compress.py
// CompressorCycles, whose docstring is the timing contract.
//
// Supported parameters: N = 16, DW = 16, DEPTH 2 or 3, ITERATIVE 0 or 1 (the tested set);
// others stop elaboration with a readable module name.
// Bad beats: in_rows of 0 or more than DEPTH. Such a beat is accepted and dropped whole and
// err stays high until reset; nothing else changes (as in tdash_pe).
`default_nettype none

module tdash_compress #(
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer DW        = 16,
    parameter integer ITERATIVE = 0
) (
    input  wire                            clk,
    input  wire                            rst,
    input  wire                            in_valid,
    output wire                            in_ready,
    input  wire [DEPTH*N*DW-1:0]           in_data,
    input  wire [$clog2(DEPTH+1)-1:0]      in_rows,
    input  wire                            in_last,
    output reg                             out_valid,
    input  wire                            out_ready,
    output reg  [N*(DW+3)+2:0]             out_word,
    output reg                             err         // sticky: a bad beat was dropped (below)
);
    localparam integer RW = $clog2(DEPTH + 1);
    localparam integer CW = $clog2(3 * DEPTH + 1);
    localparam integer VW = N * DW;
    localparam integer PW = N + VW;                  // queue payload: {pending Z, values}
    localparam integer SL = DW + 3;                  // one lane's slot

    wire enable = !(out_valid && !out_ready);

    generate
        if (!(N == 16 && DW == 16 && (DEPTH == 2 || DEPTH == 3) && (ITERATIVE == 0 || ITERATIVE == 1)))
        begin : bad_parameters
            // Verilog-2005 has no elaboration-time $error: an instance of a module that does
            // not exist stops elaboration (iverilog, Yosys, Verilator) with this name.
            tdash_error_tdash_compress_supports_N_16_DW_16_DEPTH_2_or_3_ITERATIVE_0_or_1 stop ();
        end
    endgenerate

    // ---- dense rows in: zero detectors
    wire [DEPTH*PW-1:0] push_payload;
    genvar k, l;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : in_row
            wire [VW-1:0] v = in_data[k*VW +: VW];
            wire [N-1:0]  nz; /* verilator lint_off UNUSEDSIGNAL */ wire [N-1:0] special; /* verilator lint_on UNUSEDSIGNAL */
            tdash_nonzero #(.N(N), .DW(DW)) zd (.row(v), .nz(nz), .special(special));  // special: 0 for integers
            assign push_payload[k*PW +: PW] = {nz, v};
        end
    endgenerate

    // ---- bad beats: dropped, flagged
    wire too_many;   // in_rows > DEPTH; impossible when DEPTH fills in_rows' range
    generate
        if ((1 << RW) - 1 > DEPTH) begin : rows_check
            localparam integer  MAX_ROWS_I = DEPTH;
            localparam [RW-1:0] MAX_ROWS   = MAX_ROWS_I[RW-1:0];
            assign too_many = (in_rows > MAX_ROWS);
        end else begin : rows_full
            assign too_many = 1'b0;
        end
    endgenerate
    wire bad_beat = (in_rows == {RW{1'b0}}) || too_many;
    always @(posedge clk) begin
        if (rst)                                   err <= 1'b0;
        else if (in_valid && in_ready && bad_beat) err <= 1'b1;
    end

    // ---- staging queue and group window
    wire [DEPTH*PW-1:0] win_payload, wb_payload;
    wire [DEPTH-1:0]    win_last, win_present, mine;
    wire                step, group_end, sched_ready;
    wire [RW-1:0]       adv, as_rows;
    tdash_stage_queue #(.DEPTH(DEPTH), .PW(PW)) queue (
        .clk(clk), .rst(rst),
        .push_valid(in_valid && !bad_beat), .push_ready(in_ready), .push_payload(push_payload),
        .push_rows({{(CW-RW){1'b0}}, in_rows}), .push_last(in_last),
        .win_payload(win_payload), .win_last(win_last), .win_present(win_present),
        .wb_en(step), .wb_payload(wb_payload), .pop({{(CW-RW){1'b0}}, adv})
    );
    // A step commits when the scheduler has its result (every cycle, or the last level).
    tdash_window_ctrl #(.DEPTH(DEPTH)) ctrl (
        .win_present(win_present), .win_last(win_last), .as_rows(as_rows),
        .enable(enable && sched_ready),
        .mine(mine), .step(step), .adv(adv), .job_end(group_end)
    );

    wire [DEPTH*N-1:0]  z_win, z_after;
    wire [DEPTH*VW-1:0] win_v;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : win_row
            wire [N-1:0] pend = win_payload[k*PW + VW +: N];
            assign win_v[k*VW +: VW] = win_payload[k*PW +: VW];
            assign z_win[k*N +: N]   = mine[k] ? pend : {N{1'b0}};
            assign wb_payload[k*PW +: PW] = {mine[k] ? z_after[k*N +: N] : pend, win_payload[k*PW +: VW]};
        end
    endgenerate

    // ---- the scheduler: single-cycle or iterative
    wire [3*N-1:0] ms;
    wire [N-1:0]   ms_valid;
    generate
        if (ITERATIVE == 1) begin : iter
            // Run the levels while the window is complete; it stays put until the commit.
            wire complete = win_present[DEPTH-1] || |(win_present & win_last);
            tdash_scheduler_iter #(.N(N), .DEPTH(DEPTH)) sched (
                .clk(clk), .rst(rst), .go(complete), .hold(!enable), .z(z_win),
                .last_level(sched_ready), .ms(ms), .ms_valid(ms_valid), .z_after(z_after),
                .as_rows(as_rows));
        end else begin : comb
            tdash_scheduler #(.N(N), .DEPTH(DEPTH)) sched (
                .z(z_win), .ms(ms), .ms_valid(ms_valid), .z_after(z_after), .as_rows(as_rows));
            assign sched_ready = 1'b1;
        end
    endgenerate

    wire [VW-1:0] picked;
    tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW)) mux (
        .window(win_v), .ms(ms), .valid(ms_valid), .operand(picked));

    // ---- stored row out
    wire [N*SL-1:0] slots;
    generate
        for (l = 0; l < N; l = l + 1) begin : slot
            assign slots[l*SL +: SL] = {ms_valid[l] ? ms[3*l +: 3] : 3'd0, picked[l*DW +: DW]};
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            out_word  <= {(N*SL+3){1'b0}};
        end else if (enable) begin
            out_valid <= step;
            if (step) out_word <= {group_end, adv, slots};
        end
    end
endmodule

`default_nettype wire
