// A tile of ROWS x COLS TensorDash PEs sharing per-row schedules (paper §3.3, Fig 11).
//
//   PE row r:  one B stream, one B staging buffer, one scheduler that sees only B_r's zero
//              vector, one B-side operand mux block.
//   column c:  one A stream and one A staging buffer.
//   PE (r, c): its own A-side operand mux block, driven by row r's MS, and its own MAC;
//              it computes dot(A_c, B_r).
//
// Shared-buffer advance (model/tile.py is the reference). The A staging buffers serve every
// row, so all rows see the same DEPTH-row window. Each cycle every row schedules its own
// remaining B pairs in that window, and the window advances by the smallest AS over the
// rows (cut at the job's last row): rows that drained more wait for the slowest one.
// The staging buffers of all streams therefore move together; they are built as one
// tdash_stage_queue whose row payload holds every stream's row (and each B row's pending Z).
//
// Streams and protocol. The A and B streams move in lockstep, so they share one valid/ready
// handshake. A beat is up to DEPTH rows of every stream: column c's rows at
// in_a[c*DEPTH*N*DW +: DEPTH*N*DW], PE row r's at in_b[r*DEPTH*N*DW +: DEPTH*N*DW], each laid
// out like tdash_pe's in_a/in_b; in_rows and in_last as in tdash_pe (jobs of R rows as
// ceil(R/DEPTH) beats). A values of zero are multiplied like any other (one-side scheduling).
// The output is one beat per job with all ROWS*COLS results, PE (r, c)'s at
// out_data[(r*COLS + c)*ACC_W +: ACC_W]. With no bubbles and no back-pressure, job j's results
// are presented in cycle steps_0 + ... + steps_j + 2 (cycle 0 = the first beat's), exactly as
// in tdash_pe, with steps = model.tile.tile_steps. Reset as in tdash_pe.
//
// Operand types (OP_TYPE) as in tdash_pe: INT, BF16, FP32. For floating point a B value is
// zero when its exponent field is 0, and a B zero is only skipped when no column's A value at
// that position is Inf or NaN (0 x Inf = NaN must reach PE (r, c)'s sum, IEEE). Each PE sums in
// its row's scheduled order (model/tile.py computes exactly that).
`default_nettype none

module tdash_tile #(
    parameter integer ROWS      = 4,
    parameter integer COLS      = 4,
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
    input  wire [COLS*DEPTH*N*DW-1:0]    in_a,
    input  wire [ROWS*DEPTH*N*DW-1:0]    in_b,
    input  wire [$clog2(DEPTH+1)-1:0]    in_rows,
    input  wire                          in_last,
    output wire                          out_valid,
    input  wire                          out_ready,
    output wire [ROWS*COLS*ACC_W-1:0]    out_data,
    output reg                           err        // sticky: a bad beat was dropped (tdash_pe.v)
);
    localparam integer RW  = $clog2(DEPTH + 1);
    localparam integer CW  = $clog2(3 * DEPTH + 1);
    localparam integer VW  = N * DW;                  // one row of one stream
    localparam integer BW  = DEPTH * VW;              // one beat of one stream
    // Queue payload per row: {Z of every B row, every A column's row, every B row's row}.
    localparam integer B_OFF = 0;
    localparam integer A_OFF = ROWS * VW;
    localparam integer Z_OFF = (ROWS + COLS) * VW;
    localparam integer PW    = Z_OFF + ROWS * N;

    wire enable = !(out_valid && !out_ready);

    // ---- incoming beat: B zero detectors, payload packing
    wire [DEPTH*PW-1:0] push_payload;
    genvar k, r, c;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : in_row
            // Lanes where some column's A value is Inf/NaN (always 0 for integers).
            wire [COLS*N-1:0] sp_a;
            for (c = 0; c < COLS; c = c + 1) begin : acol
                wire [VW-1:0] a = in_a[c*BW + k*VW +: VW];
                /* verilator lint_off UNUSEDSIGNAL */
                wire [N-1:0]  nz_a;    // A zeros are multiplied like any value (one-side scheduling)
                /* verilator lint_on UNUSEDSIGNAL */
                tdash_nonzero #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW)) zd (.row(a), .nz(nz_a), .special(sp_a[c*N +: N]));
                assign push_payload[k*PW + A_OFF + c*VW +: VW] = a;
            end
            reg [N-1:0] sp_any;
            integer q;
            always @* begin
                sp_any = {N{1'b0}};
                for (q = 0; q < COLS; q = q + 1) sp_any = sp_any | sp_a[q*N +: N];
            end
            for (r = 0; r < ROWS; r = r + 1) begin : brow
                wire [VW-1:0] b = in_b[r*BW + k*VW +: VW];
                /* verilator lint_off UNUSEDSIGNAL */
                wire [N-1:0]  nz, sp_b;  // sp_b implies nz (exponent all ones is non-zero)
                /* verilator lint_on UNUSEDSIGNAL */
                tdash_nonzero #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW)) zd (.row(b), .nz(nz), .special(sp_b));
                assign push_payload[k*PW + B_OFF + r*VW +: VW] = b;
                assign push_payload[k*PW + Z_OFF + r*N +: N]   = nz | sp_any;
            end
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

    // ---- the shared staging queue and window control
    wire [DEPTH*PW-1:0] win_payload, wb_payload;
    wire [DEPTH-1:0]    win_last, win_present, mine;
    wire                step, job_end;
    wire [RW-1:0]       adv;
    reg  [RW-1:0]       as_min;       // the slowest row's AS
    // The write-back rewrites only the B rows' pending Z (the top ROWS*N payload bits,
    // Z_OFF up): the A and B values never change (tdash_stage_queue WB_W).
    tdash_stage_queue #(.DEPTH(DEPTH), .PW(PW), .WB_W(ROWS * N)) queue (
        .clk(clk), .rst(rst),
        .push_valid(in_valid && !bad_beat), .push_ready(in_ready), .push_payload(push_payload),
        .push_rows({{(CW-RW){1'b0}}, in_rows}), .push_last(in_last),
        .win_payload(win_payload), .win_last(win_last), .win_present(win_present),
        .wb_en(step), .wb_payload(wb_payload), .pop({{(CW-RW){1'b0}}, adv})
    );
    tdash_window_ctrl #(.DEPTH(DEPTH)) ctrl (
        .win_present(win_present), .win_last(win_last), .as_rows(as_min), .enable(enable),
        .mine(mine), .step(step), .adv(adv), .job_end(job_end)
    );

    // A and B values are never rewritten; only the B rows' pending Z is written back (the
    // bits below Z_OFF are not written back: tied to 0).
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : wb_row
            assign wb_payload[k*PW +: Z_OFF] = {Z_OFF{1'b0}};
        end
    endgenerate

    // ---- per PE row: scheduler on B_r's Z, B-side muxes
    wire [ROWS*RW-1:0] as_all;
    wire [ROWS*3*N-1:0] ms_all;
    wire [ROWS*N-1:0]   valid_all;
    wire [ROWS*VW-1:0]  sel_b_all;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : pe_row
            wire [DEPTH*N-1:0]  z_win, z_after;
            wire [DEPTH*VW-1:0] win_b;
            for (k = 0; k < DEPTH; k = k + 1) begin : wrow
                wire [N-1:0] pend = win_payload[k*PW + Z_OFF + r*N +: N];
                assign win_b[k*VW +: VW] = win_payload[k*PW + B_OFF + r*VW +: VW];
                assign z_win[k*N +: N]   = mine[k] ? pend : {N{1'b0}};
                assign wb_payload[k*PW + Z_OFF + r*N +: N] = mine[k] ? z_after[k*N +: N] : pend;
            end
            tdash_scheduler #(.N(N), .DEPTH(DEPTH), .ORDER(ORDER)) sched (
                .z(z_win), .ms(ms_all[r*3*N +: 3*N]), .ms_valid(valid_all[r*N +: N]),
                .z_after(z_after), .as_rows(as_all[r*RW +: RW])
            );
            tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW), .ORDER(ORDER)) mux_b (
                .window(win_b), .ms(ms_all[r*3*N +: 3*N]), .valid(valid_all[r*N +: N]),
                .operand(sel_b_all[r*VW +: VW]));
        end
    endgenerate

    integer i;
    always @* begin
        as_min = as_all[0 +: RW];
        for (i = 1; i < ROWS; i = i + 1)
            if (as_all[i*RW +: RW] < as_min) as_min = as_all[i*RW +: RW];
    end

    // ---- per PE: A-side muxes on its column's window with its row's MS, then the MAC
    wire [ROWS*COLS-1:0] valid_pe;
    generate
        for (c = 0; c < COLS; c = c + 1) begin : a_col
            wire [DEPTH*VW-1:0] win_a;
            for (k = 0; k < DEPTH; k = k + 1) begin : wrow
                assign win_a[k*VW +: VW] = win_payload[k*PW + A_OFF + c*VW +: VW];
            end
        end
        for (r = 0; r < ROWS; r = r + 1) begin : pe_r
            for (c = 0; c < COLS; c = c + 1) begin : pe_c
                wire [VW-1:0] sel_a;
                tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW), .ORDER(ORDER)) mux_a (
                    .window(a_col[c].win_a), .ms(ms_all[r*3*N +: 3*N]),
                    .valid(valid_all[r*N +: N]), .operand(sel_a));
                tdash_mac #(.N(N), .OP_TYPE(OP_TYPE), .DW(DW), .ACC_W(ACC_W)) mac (
                    .clk(clk), .rst(rst), .enable(enable),
                    .in_valid(step), .in_last(job_end), .in_a(sel_a), .in_b(sel_b_all[r*VW +: VW]),
                    .out_valid(valid_pe[r*COLS + c]), .out_data(out_data[(r*COLS + c)*ACC_W +: ACC_W])
                );
            end
        end
    endgenerate
    // Every MAC sees the same step/job_end/enable, so their out_valids are equal.
    assign out_valid = &valid_pe;
endmodule

`default_nettype wire
