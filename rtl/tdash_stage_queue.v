// Staging row queue of the PEs: the on-PE end of the paper's banked scratchpads (§3.2:
// "banked so that three rows [can] be read per cycle") and the staging buffer in one.
//
// Holds up to CAP = 3*DEPTH rows in order, each a PW-bit payload and a `last` flag (last row of
// its job). Every cycle it can
//   * take one beat of 1..DEPTH rows (push), when count <= 2*DEPTH -- a registered condition,
//     so in_ready never depends on this cycle's pop;
//   * rewrite the payloads of its first DEPTH entries (the window; used to write back the
//     scheduler's z_after) and drop 0..DEPTH rows from the front (pop).
// Why 3*DEPTH: if a beat was refused, count > 2*DEPTH, so even after popping DEPTH rows the
// next window is still full; if it was taken, it either brought DEPTH rows or ended a job.
// So with an upstream that is never idle the window is always complete (docs in tdash_pe.v).
`default_nettype none

module tdash_stage_queue #(
    parameter integer DEPTH = 3,   // rows per beat and rows in the window
    parameter integer PW    = 8    // payload bits per row
) (
    input  wire                      clk,
    input  wire                      rst,          // synchronous, empties the queue
    // push side: one beat of push_rows rows, row j at [j*PW +: PW]
    input  wire                      push_valid,
    output wire                      push_ready,
    input  wire [DEPTH*PW-1:0]       push_payload,
    input  wire [CW-1:0]             push_rows,    // 1..DEPTH
    input  wire                      push_last,    // the beat's last row ends a job
    // window: the first DEPTH entries
    output wire [DEPTH*PW-1:0]       win_payload,
    output wire [DEPTH-1:0]          win_last,
    output wire [DEPTH-1:0]          win_present,  // entry k holds a row
    input  wire                      wb_en,        // replace the window payloads ...
    input  wire [DEPTH*PW-1:0]       wb_payload,   // ... with these (before the pop)
    input  wire [CW-1:0]             pop           // rows to drop from the front, 0..DEPTH
);
    localparam integer CAP = 3 * DEPTH;
    localparam integer CW  = $clog2(CAP + 1);  // count width; also wide enough for 0..DEPTH

    reg [PW-1:0] payload [0:CAP-1];
    reg          last    [0:CAP-1];
    reg [CW-1:0] count;

    localparam integer  ROOM_I = 2 * DEPTH;
    localparam [CW-1:0] ROOM   = ROOM_I[CW-1:0];  // take a beat only while count <= ROOM
    assign push_ready = (count <= ROOM);
    wire push = push_valid && push_ready;

    genvar g;
    generate
        for (g = 0; g < DEPTH; g = g + 1) begin : win
            assign win_payload[g*PW +: PW] = payload[g];
            assign win_last[g]             = last[g];
            localparam [CW-1:0] K = g;
            assign win_present[g]          = (count > K);
        end
    endgenerate

    // Next state: entry i <- entry i+pop while that exists, else the (i - kept)-th pushed row.
    integer i;
    reg [PW-1:0] cur      [0:CAP-1];  // payloads after the window write-back
    reg [PW-1:0] nxt_pl   [0:CAP-1];
    reg          nxt_last [0:CAP-1];
    reg [CW-1:0] kept;                // rows that stay after the pop
    reg [CW:0]   src, j;
    always @* begin
        kept = count - pop;
        for (i = 0; i < CAP; i = i + 1)
            cur[i] = (wb_en && i < DEPTH) ? wb_payload[i*PW +: PW] : payload[i];
        for (i = 0; i < CAP; i = i + 1) begin
            src = i[CW:0] + {1'b0, pop};
            j   = i[CW:0] - {1'b0, kept};
            nxt_pl[i]   = {PW{1'b0}};
            nxt_last[i] = 1'b0;
            if (src < {1'b0, count}) begin
                nxt_pl[i]   = cur[src[CW-1:0]];
                nxt_last[i] = last[src[CW-1:0]];
            end else if (push && j < {1'b0, push_rows}) begin
                nxt_pl[i]   = push_payload[j[CW-1:0]*PW +: PW];
                nxt_last[i] = push_last && (j == {1'b0, push_rows} - 1'b1);
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            count <= {CW{1'b0}};
            for (i = 0; i < CAP; i = i + 1) begin
                payload[i] <= {PW{1'b0}};
                last[i]    <= 1'b0;
            end
        end else begin
            count <= kept + (push ? push_rows : {CW{1'b0}});
            for (i = 0; i < CAP; i = i + 1) begin
                payload[i] <= nxt_pl[i];
                last[i]    <= nxt_last[i];
            end
        end
    end
endmodule

`default_nettype wire
