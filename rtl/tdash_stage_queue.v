// Staging row queue of the PEs: the on-PE end of the paper's banked scratchpads (§3.2:
// "banked so that three rows [can] be read per cycle") and the staging buffer in one.
//
// Holds up to CAP = 3*DEPTH rows in order, each a PW-bit payload and a `last` flag (last row of
// its job). Every cycle it can
//   * take one beat of 1..DEPTH rows (push), when count <= 2*DEPTH -- a registered condition,
//     so push_ready never depends on this cycle's pop;
//   * rewrite the payloads of its first DEPTH entries (the window; used to write back the
//     scheduler's z_after) and drop 0..DEPTH rows from the front (pop).
// Why 3*DEPTH: if a beat was refused, count > 2*DEPTH, so even after popping DEPTH rows the
// next window is still full; if it was taken, it either brought DEPTH rows or ended a job.
// So with an upstream that is never idle the window is always complete (docs in tdash_pe.v).
//
// Organisation: a circular buffer, no shifting. Row s of the stream (s counted from reset)
// lives in bank s mod DEPTH, at address (s div DEPTH) mod 3: DEPTH banks of 3 rows. Any DEPTH
// consecutive rows lie in DEPTH different banks, so
//   * a beat writes each of its rows into its own bank (the beat rotated by the tail's bank);
//   * the window reads one row per bank (each bank at the head's address, or the next one for
//     banks before the head's), rotated back by the head's bank -- the paper's "three rows
//     read per cycle" from DEPTH banks;
//   * the write-back goes to the same bank rows the window read, un-rotated.
// A row stays in its register from push to pop; only the head and tail pointers move. Every
// storage bit thus has one hold/write mux (two with the write-back) instead of the shift FIFO's
// (DEPTH+1)+DEPTH-input mux, and the window costs DEPTH 3:1 bank muxes and a DEPTH-way rotator.
//
// The payload storage and its muxes are bit-sliced: tdash_stage_slice holds CH payload bits
// of every entry, with the same selects for all slices, so synthesis maps one slice and
// counts its instances (syn/area.py) instead of flattening a PW-wide datapath.
//
// Parameters that drop hardware a user does not need (the defaults keep everything):
//   WB_W: the write-back rewrites only the top WB_W bits of a row (tdash_pe and tdash_tile put
//         the pending Z there and write the values back unchanged); 0: no write-back at all
//         (wb_en, wb_payload ignored: what dense_pe's tied-off wb_en reduces to; syn/area.py).
//   WIN:  rows of the window whose payload is read (win_payload rows >= WIN are 0; no parent
//         sets it: syn/area.py uses 1 for dense_pe). win_last, win_present cover DEPTH rows.
// The storage is not reset: a row is only observable (win_present) after a push has written
// it, and reset empties the queue (count, head and tail).
`default_nettype none

module tdash_stage_queue #(
    parameter integer DEPTH = 3,   // rows per beat and rows in the window
    parameter integer PW    = 8,   // payload bits per row
    parameter integer WB_W  = PW,  // top payload bits the write-back rewrites (0..PW)
    parameter integer WIN   = DEPTH // window rows whose payload is read (1..DEPTH)
) (
    input  wire                              clk,
    input  wire                              rst,          // synchronous, empties the queue
    // push side: one beat of push_rows rows, row j at [j*PW +: PW]
    input  wire                              push_valid,
    output wire                              push_ready,
    input  wire [DEPTH*PW-1:0]               push_payload,
    input  wire [$clog2(3*DEPTH+1)-1:0]      push_rows,    // 1..DEPTH
    input  wire                              push_last,    // the beat's last row ends a job
    // window: the first DEPTH entries
    output wire [DEPTH*PW-1:0]               win_payload,
    output wire [DEPTH-1:0]                  win_last,
    output wire [DEPTH-1:0]                  win_present,  // entry k holds a row
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire                              wb_en,        // replace the window payloads ...
    input  wire [DEPTH*PW-1:0]               wb_payload,   // ... (their top WB_W bits) with these
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [$clog2(3*DEPTH+1)-1:0]      pop           // rows to drop from the front, 0..DEPTH
);
    localparam integer CAP = 3 * DEPTH;
    localparam integer CW  = $clog2(CAP + 1);            // count width; also wide enough for 0..DEPTH
    localparam integer BKW = (DEPTH > 1) ? $clog2(DEPTH) : 1;   // bank index width
    localparam integer ROOM_I = 2 * DEPTH;
    localparam [CW-1:0] D    = DEPTH[CW-1:0];
    localparam [CW-1:0] ROOM = ROOM_I[CW-1:0];            // take a beat only while count <= ROOM

    reg           last [0:CAP-1];                         // entry a*DEPTH + b: bank b, address a
    reg [CW-1:0]  count;
    reg [BKW-1:0] head_b, tail_b;                         // bank of the first row / of the next free row
    reg [1:0]     head_a, tail_a;                         // their addresses, 0..2

    assign push_ready = (count <= ROOM);
    wire push = push_valid && push_ready;
    wire [CW-1:0] push_n = push ? push_rows : {CW{1'b0}};
    wire [1:0] head_a1 = (head_a == 2'd2) ? 2'd0 : head_a + 2'd1;
    wire [1:0] tail_a1 = (tail_a == 2'd2) ? 2'd0 : tail_a + 2'd1;

    // Pointer advance by n (0..DEPTH) rows: the bank wraps at most once.
    wire [CW-1:0] head_s = {{(CW-BKW){1'b0}}, head_b} + pop;
    wire [CW-1:0] tail_s = {{(CW-BKW){1'b0}}, tail_b} + push_n;
    wire          head_w = (head_s >= D);
    wire          tail_w = (tail_s >= D);
    // The new bank is below DEPTH, so BKW-bit arithmetic gives it exactly.
    wire [BKW-1:0] head_bn = head_w ? head_s[BKW-1:0] - D[BKW-1:0] : head_s[BKW-1:0];
    wire [BKW-1:0] tail_bn = tail_w ? tail_s[BKW-1:0] - D[BKW-1:0] : tail_s[BKW-1:0];

    // Per bank: which window row / beat row it holds, at which address; per window row: its bank.
    wire [DEPTH*BKW-1:0] push_sel, wb_sel, win_sel;
    wire [DEPTH-1:0]     bank_last, push_last_rot, push_hit;
    wire [2*DEPTH-1:0]   rd_addr, wr_addr;
    wire [CAP-1:0]       do_push, do_wb;
    genvar g, k;
    generate
        for (g = 0; g < DEPTH; g = g + 1) begin : bank
            localparam [CW-1:0] B = g;
            wire [CW-1:0] hb = {{(CW-BKW){1'b0}}, head_b};
            wire [CW-1:0] tb = {{(CW-BKW){1'b0}}, tail_b};
            // window row in this bank (below DEPTH: BKW-bit arithmetic is exact)
            wire [BKW-1:0] kr = (B >= hb) ? B[BKW-1:0] - head_b : B[BKW-1:0] + D[BKW-1:0] - head_b;
            wire [CW-1:0] j  = (B >= tb) ? B - tb : B + D - tb;   // beat row for this bank
            assign rd_addr[2*g +: 2]     = (B >= hb) ? head_a : head_a1;
            assign wr_addr[2*g +: 2]     = (B >= tb) ? tail_a : tail_a1;
            assign push_sel[g*BKW +: BKW] = j[BKW-1:0];
            assign wb_sel[g*BKW +: BKW]   = kr;
            assign bank_last[g]          = (rd_addr[2*g +: 2] == 2'd0) ? last[g] :
                                           (rd_addr[2*g +: 2] == 2'd1) ? last[DEPTH + g] : last[2*DEPTH + g];
            assign push_last_rot[g]      = push_last && (j == push_rows - 1'b1);
            assign push_hit[g]           = push && (j < push_rows);
            // Window row g: the bank (head_b + g) mod DEPTH.
            localparam [CW-1:0] K = g;
            wire [CW-1:0] ws = hb + K;
            assign win_sel[g*BKW +: BKW] = (ws >= D) ? ws[BKW-1:0] - D[BKW-1:0] : ws[BKW-1:0];
            assign win_last[g]           = bank_last[win_sel[g*BKW +: BKW]];
            assign win_present[g]        = (count > K);
        end

        // Entry e = a*DEPTH + b takes its bank's beat row or write-back row at address a.
        for (g = 0; g < CAP; g = g + 1) begin : entry
            localparam integer B = g % DEPTH;
            localparam integer AI = g / DEPTH;
            localparam [1:0]   A = AI[1:0];
            assign do_push[g] = push_hit[B] && (wr_addr[2*B +: 2] == A);
            assign do_wb[g]   = wb_en && (rd_addr[2*B +: 2] == A);
        end

        // Payload slices: the bits below PW-WB_W (no write-back), then the top WB_W bits, each
        // cut into CH-bit slices and one narrower remainder.
        localparam integer CH   = 16;
        localparam integer NLO  = PW - WB_W;
        localparam integer LO_F = NLO / CH;
        localparam integer LO_R = (NLO % CH > 0) ? 1 : 0;
        localparam integer HI_F = WB_W / CH;
        localparam integer HI_R = (WB_W % CH > 0) ? 1 : 0;
        for (g = 0; g < LO_F + LO_R + HI_F + HI_R; g = g + 1) begin : slice
            localparam integer HI  = (g >= LO_F + LO_R) ? 1 : 0;
            localparam integer G   = (HI != 0) ? g - LO_F - LO_R : g;            // index within its part
            localparam integer FUL = (HI != 0) ? HI_F : LO_F;                     // full slices of the part
            localparam integer OFF = ((HI != 0) ? NLO : 0) + G * CH;
            localparam integer W   = (G < FUL) ? CH : ((HI != 0) ? WB_W % CH : NLO % CH);
            wire [DEPTH*W-1:0] pd, wd;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [DEPTH*W-1:0] wo;      // rows >= WIN unused (the slice drives them 0)
            /* verilator lint_on UNUSEDSIGNAL */
            for (k = 0; k < DEPTH; k = k + 1) begin : row
                assign pd[k*W +: W] = push_payload[k*PW + OFF +: W];
                assign wd[k*W +: W] = wb_payload[k*PW + OFF +: W];
                // Constant choices as generate branches, not ?: (no dead coverage points).
                if (k < WIN) begin : used
                    assign win_payload[k*PW + OFF +: W] = wo[k*W +: W];
                end else begin : unused
                    assign win_payload[k*PW + OFF +: W] = {W{1'b0}};
                end
            end
            tdash_stage_slice #(.DEPTH(DEPTH), .W(W), .BKW(BKW), .WB(HI), .WIN(WIN)) bits (
                .clk(clk), .push_data(pd), .wb_data(wd), .push_sel(push_sel), .wb_sel(wb_sel),
                .win_sel(win_sel), .rd_addr(rd_addr), .do_push(do_push), .do_wb(do_wb), .win(wo)
            );
        end
    endgenerate

    // Flags (the write-back leaves them alone). A push takes precedence over a write-back
    // into the same entry: that entry is beyond count (a free slot the window overlaps), so
    // what the write-back would put there is never observed.
    integer e;
    always @(posedge clk) begin
        for (e = 0; e < CAP; e = e + 1)
            if (do_push[e]) last[e] <= push_last_rot[e % DEPTH];
    end

    always @(posedge clk) begin
        if (rst) begin
            count  <= {CW{1'b0}};
            head_b <= {BKW{1'b0}};
            head_a <= 2'd0;
            tail_b <= {BKW{1'b0}};
            tail_a <= 2'd0;
        end else begin
            count  <= count - pop + push_n;
            head_b <= head_bn;
            head_a <= head_w ? head_a1 : head_a;
            tail_b <= tail_bn;
            tail_a <= tail_w ? tail_a1 : tail_a;
        end
    end
endmodule

// W payload bits of every entry of tdash_stage_queue, with its selects: bank b's row at
// address a is entry a*DEPTH + b; it takes beat row push_sel[b] when do_push, write-back row
// wb_sel[b] when do_wb (WB = 1 only); window row g reads bank win_sel[g] at rd_addr[b].
/* verilator lint_off DECLFILENAME */
module tdash_stage_slice #(
    parameter integer DEPTH = 3,
    parameter integer W     = 16,
    parameter integer BKW   = 2,
    parameter integer WB    = 1,
    parameter integer WIN   = DEPTH
) (
    input  wire                   clk,
    input  wire [DEPTH*W-1:0]     push_data,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [DEPTH*W-1:0]     wb_data,
    input  wire [DEPTH*BKW-1:0]   wb_sel,
    input  wire [3*DEPTH-1:0]     do_wb,
    input  wire [DEPTH*BKW-1:0]   win_sel,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [DEPTH*BKW-1:0]   push_sel,
    input  wire [2*DEPTH-1:0]     rd_addr,
    input  wire [3*DEPTH-1:0]     do_push,
    output wire [DEPTH*W-1:0]     win
);
    localparam integer CAP = 3 * DEPTH;
    reg  [W-1:0] q [0:CAP-1];
    wire [DEPTH*W-1:0] push_rot, wb_rot, bank_out;
    genvar b;
    generate
        for (b = 0; b < DEPTH; b = b + 1) begin : bank
            assign push_rot[b*W +: W] = push_data[push_sel[b*BKW +: BKW]*W +: W];
            assign bank_out[b*W +: W] = (rd_addr[2*b +: 2] == 2'd0) ? q[b] :
                                        (rd_addr[2*b +: 2] == 2'd1) ? q[DEPTH + b] : q[2*DEPTH + b];
            if (WB != 0) begin : wb
                assign wb_rot[b*W +: W] = wb_data[wb_sel[b*BKW +: BKW]*W +: W];
            end else begin : no_wb
                assign wb_rot[b*W +: W] = {W{1'b0}};
            end
            if (b < WIN) begin : used
                assign win[b*W +: W] = bank_out[win_sel[b*BKW +: BKW]*W +: W];
            end else begin : unused
                assign win[b*W +: W] = {W{1'b0}};
            end
        end
    endgenerate

    integer e;
    always @(posedge clk) begin
        for (e = 0; e < CAP; e = e + 1) begin
            if (do_push[e]) q[e] <= push_rot[(e % DEPTH)*W +: W];
            else if (WB != 0 && do_wb[e]) q[e] <= wb_rot[(e % DEPTH)*W +: W];   // see the flags
        end
    end
endmodule
/* verilator lint_on DECLFILENAME */

`default_nettype wire
