// TensorDash processing element (paper §3.1-3.2, §3.5, Fig 8): integer, bfloat16 or FP32
// datapath (OP_TYPE; §3 "FP32 PE", §4.4 bfloat16).
//
//   in beats --> staging queue --> scheduler + A/B operand muxes --> N multipliers,
//   (<=DEPTH     (3*DEPTH rows;     (one step per cycle; same MS     adder tree, accumulator
//    rows/cycle)  window = first    for both sides)                  --> result stream
//                 DEPTH rows)
//
// Jobs. A job is a dot product over R >= 1 rows of N (a, b) pairs, producing one result.
// It arrives as ceil(R/DEPTH) beats of the input stream: every beat but the last carries
// DEPTH rows (in_rows = DEPTH), the last carries 1..DEPTH rows and has in_last = 1. Jobs
// follow each other back to back. Row k of a beat, lane l, is in_a/in_b[(k*N + l)*DW +: DW],
// two's complement (INT) or IEEE bits (BF16, FP32). This shape is the paper's banked scratchpads: up to DEPTH rows written
// into the staging buffer per cycle, so the PE can drain DEPTH rows per cycle on sparse data.
//
// Modes (in_mode, taken per beat; keep it constant within a job):
//   0  both sides sparse: Z = AZ & BZ (a pair is skipped if either value is zero)
//   1  B side only:       Z = BZ, as in the paper's tile (§3.3) where only B is scheduled
//   2  bypass:            Z = all ones: the dense schedule, one row per step (§3.5);
//                         3 is reserved and behaves as 2.
// INT results are the exact integer dot product in every mode. Floating point: a value is
// zero when its exponent field is 0 (subnormals are zero, as in the multiplier), and a pair of
// a zero and an Inf or NaN is never skipped (0 x Inf = NaN must reach the sum, IEEE). The sum
// follows the scheduled order: per step, the lane products through the fixed adder tree, then
// into the accumulator (tdash_mac.v; model/pe.py computes exactly this). Skipped pairs are
// zeros, so the only way skipping itself changes a result bit is the sign of a zero result.
//
// Window and job boundaries. The scheduler sees the first DEPTH queue rows, cut after the
// current job's last row: rows of the next job are masked out of Z and never popped, so each
// job takes exactly model.scheduler.count_steps(Z of the job) steps. A step only happens
// when the window is complete (DEPTH rows present, or the job's last row present); if the
// upstream stalls, the PE waits instead of scheduling a partial window, so the schedule, and
// the results, never depend on upstream timing.
//
// Timing (model/pe.py is the cycle-exact model). Count cycles from the one in which the
// first beat is accepted (cycle 0). With an upstream that always has the next beat and a
// consumer that is always ready, the PE does one scheduler step per cycle from cycle 1 on,
// and job j's result is presented (out_valid) in cycle  steps_0 + ... + steps_j + 2:
// one cycle in the queue, then the operand register stage and the MAC stage.
// out_ready low while out_valid is high stalls every stage after the queue (the queue keeps
// accepting beats while it has room); in_ready depends on registered state only.
//
// Accumulator (INT). ACC_W = 2*DW + clog2(N) + ROWS_LOG2 bits: |a*b| <= 2**(2*DW-2), so a job of up
// to 2**ROWS_LOG2 rows sums to at most 2**(2*DW-2+clog2(N)+ROWS_LOG2) < 2**(ACC_W-1) in
// magnitude and can never overflow. Default 16-bit operands, jobs up to 65536 rows: 52 bits.
// BF16 and FP32 accumulate in binary32: ACC_W = 32, out_data is the result's bit pattern.
//
// Reset (rst, synchronous, active high) empties the queue and the pipeline and clears the
// accumulator; a job cut by reset is dropped and the next beat starts a new job.
`default_nettype none

module tdash_pe #(
    parameter integer N         = 16,
    parameter integer DEPTH     = 3,
    parameter integer OP_TYPE   = 0,                    // 0 INT, 1 BF16, 2 FP32 (tdash_mac.v)
    parameter integer DW        = (OP_TYPE == 2) ? 32 : 16,
    parameter integer ROWS_LOG2 = 16,                   // INT: longest job 2**ROWS_LOG2 rows
    parameter integer ACC_W     = (OP_TYPE == 0) ? 2 * DW + $clog2(N) + ROWS_LOG2 : 32,
    parameter integer ORDER     = 0                     // scheduler option set (tdash_options.vh)
) (
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          in_valid,
    output wire                          in_ready,
    input  wire [DEPTH*N*DW-1:0]         in_a,
    input  wire [DEPTH*N*DW-1:0]         in_b,
    input  wire [$clog2(DEPTH+1)-1:0]    in_rows,
    input  wire                          in_last,
    input  wire [1:0]                    in_mode,
    output wire                          out_valid,
    input  wire                          out_ready,
    output wire signed [ACC_W-1:0]       out_data,
    output reg                           err        // sticky: a bad beat was dropped (below)
);
    localparam integer RW  = $clog2(DEPTH + 1);
    localparam integer CW  = $clog2(3 * DEPTH + 1);   // tdash_stage_queue's count width
    localparam integer VW  = N * DW;                  // one row of values
    localparam integer PW  = N + 2 * VW;              // queue payload: {pending Z, a row, b row}
    localparam [1:0] MODE_BOTH = 2'd0, MODE_B_ONLY = 2'd1;

    wire enable = !(out_valid && !out_ready);

    // ---- incoming rows: zero detectors (AZ, BZ) and the mode's Z, packed into the payload
    wire [DEPTH*PW-1:0] push_payload;
    genvar k;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : in_row
            wire [VW-1:0] a = in_a[k*VW +: VW];
            wire [VW-1:0] b = in_b[k*VW +: VW];
            wire [N-1:0]  nz_a, nz_b, sp_a, sp_b;
            tdash_nonzero #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW)) zd_a (.row(a), .nz(nz_a), .special(sp_a));
            tdash_nonzero #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW)) zd_b (.row(b), .nz(nz_b), .special(sp_b));
            // A pair is skippable when its product is a zero that cannot change the sum: one
            // value zero and the other finite (sp_*: Inf/NaN, floating point only).
            wire [N-1:0] z = (in_mode == MODE_BOTH)   ? (nz_a & nz_b | sp_a | sp_b) :
                             (in_mode == MODE_B_ONLY) ? (nz_b | sp_a) : {N{1'b1}};
            assign push_payload[k*PW +: PW] = {z, a, b};
        end
    endgenerate

    // Bad beats (model/pipeline.py, rule 2): in_rows of 0 or more than DEPTH. Such a beat is
    // accepted and dropped whole, and err stays high until reset; nothing else changes.
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
        if (rst)                                err <= 1'b0;
        else if (in_valid && in_ready && bad_beat) err <= 1'b1;
    end

    // ---- staging queue
    wire [DEPTH*PW-1:0] win_payload, wb_payload;
    wire [DEPTH-1:0]    win_last, win_present;
    wire                step;
    wire [RW-1:0]       adv;
    // The write-back rewrites only the pending Z (the top N payload bits): the A and B rows
    // never change, so their storage needs no write-back mux (tdash_stage_queue WB_W).
    tdash_stage_queue #(.DEPTH(DEPTH), .PW(PW), .WB_W(N)) queue (
        .clk(clk), .rst(rst),
        .push_valid(in_valid && !bad_beat), .push_ready(in_ready), .push_payload(push_payload),
        .push_rows({{(CW-RW){1'b0}}, in_rows}), .push_last(in_last),
        .win_payload(win_payload), .win_last(win_last), .win_present(win_present),
        .wb_en(step), .wb_payload(wb_payload), .pop({{(CW-RW){1'b0}}, adv})
    );

    // ---- the window, cut after the current job's last row
    wire [DEPTH-1:0] mine;      // row k belongs to the current job
    wire             job_end;
    wire [RW-1:0]    as_rows;
    tdash_window_ctrl #(.DEPTH(DEPTH)) ctrl (
        .win_present(win_present), .win_last(win_last), .as_rows(as_rows), .enable(enable),
        .mine(mine), .step(step), .adv(adv), .job_end(job_end)
    );

    wire [DEPTH*N-1:0]  z_win, z_after;
    wire [DEPTH*VW-1:0] win_a, win_b;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : win_row
            wire [N-1:0]  pend = win_payload[k*PW + 2*VW +: N];
            assign win_a[k*VW +: VW] = win_payload[k*PW + VW +: VW];
            assign win_b[k*VW +: VW] = win_payload[k*PW +: VW];
            assign z_win[k*N +: N]   = mine[k] ? pend : {N{1'b0}};
            // Write back what is still pending; rows of the next job keep their Z. The bits
            // below the Z are not written back (WB_W = N): tied to 0.
            assign wb_payload[k*PW +: PW] = {mine[k] ? z_after[k*N +: N] : pend, {(2*VW){1'b0}}};
        end
    endgenerate

    // ---- scheduler and operand muxes
    wire [3*N-1:0] ms;
    wire [N-1:0]   ms_valid;
    tdash_scheduler #(.N(N), .DEPTH(DEPTH), .ORDER(ORDER)) sched (
        .z(z_win), .ms(ms), .ms_valid(ms_valid), .z_after(z_after), .as_rows(as_rows)
    );

    wire [VW-1:0] sel_a, sel_b;
    tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW), .ORDER(ORDER)) mux_a (
        .window(win_a), .ms(ms), .valid(ms_valid), .operand(sel_a));
    tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW), .ORDER(ORDER)) mux_b (
        .window(win_b), .ms(ms), .valid(ms_valid), .operand(sel_b));

    // ---- operand registers, multipliers, adder tree, accumulator
    tdash_mac #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW), .ACC_W(ACC_W)) mac (
        .clk(clk), .rst(rst), .enable(enable),
        .in_valid(step), .in_last(job_end), .in_a(sel_a), .in_b(sel_b),
        .out_valid(out_valid), .out_data(out_data)
    );
endmodule

`default_nettype wire
