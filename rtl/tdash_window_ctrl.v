// Job-boundary control of a staging window, shared by tdash_pe and tdash_tile.
//
// The window is the first DEPTH rows of the staging queue. It is cut after the current job's
// last row: rows of the next job are "not mine" (masked out of Z by the caller, never popped).
// A step happens only when the window is complete -- DEPTH rows present, or the job's last
// row present -- so an upstream bubble delays the schedule but never changes it. The window
// advances by AS (a tile passes the smallest AS of its rows) but never past the job's last
// row, and the job ends on the step that drains its last row.
`default_nettype none

module tdash_window_ctrl #(
    parameter integer DEPTH = 3
) (
    input  wire [DEPTH-1:0]                win_present,  // entry k holds a row
    input  wire [DEPTH-1:0]                win_last,     // entry k is the last row of its job
    input  wire [$clog2(DEPTH+1)-1:0]      as_rows,      // leading empty rows after the step
    input  wire                            enable,       // the PE/tile may advance this cycle
    output wire [DEPTH-1:0]                mine,         // row k belongs to the current job
    output wire                            step,         // a scheduler step happens
    output wire [$clog2(DEPTH+1)-1:0]      adv,          // rows to pop
    output wire                            job_end       // this step finishes the job
);
    localparam integer RW = $clog2(DEPTH + 1);

    reg [RW-1:0] job_rows;   // rows of the current job in the window (DEPTH if it goes on)
    reg          has_last;   // the job's last row is in the window
    integer r;
    always @* begin
        job_rows = DEPTH[RW-1:0];
        has_last = 1'b0;
        for (r = DEPTH - 1; r >= 0; r = r - 1)
            if (win_present[r] && win_last[r]) begin
                job_rows = r[RW-1:0] + 1'b1;
                has_last = 1'b1;
            end
    end

    genvar k;
    generate
        for (k = 0; k < DEPTH; k = k + 1) begin : row
            localparam [RW-1:0] K = k;
            assign mine[k] = (K < job_rows);
        end
    endgenerate

    assign step    = (win_present[DEPTH-1] || has_last) && enable;
    assign adv     = !step ? {RW{1'b0}} : (as_rows < job_rows) ? as_rows : job_rows;
    assign job_end = step && has_last && (as_rows >= job_rows);
endmodule

`default_nettype wire
