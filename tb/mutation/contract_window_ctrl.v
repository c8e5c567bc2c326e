// Miter context of tdash_window_ctrl under its input contract "as_rows <= DEPTH" (AS counts
// rows of a DEPTH-row window): the contract is the input map below, so the miter ranges over
// exactly the inputs it allows. formal/sched_props.sv (as_exact) proves the scheduler's AS is
// the count of leading empty rows, hence <= DEPTH; the tile passes the minimum of such values.
`default_nettype none
module contract_window_ctrl #(
    parameter integer DEPTH = 3
) (
    input  wire [DEPTH-1:0]           win_present,
    input  wire [DEPTH-1:0]           win_last,
    input  wire [$clog2(DEPTH+1)-1:0] as_any,
    input  wire                       enable,
    output wire [DEPTH-1:0]           mine,
    output wire                       step,
    output wire [$clog2(DEPTH+1)-1:0] adv,
    output wire                       job_end
);
    localparam integer RW = $clog2(DEPTH + 1);
    localparam [RW-1:0] D = DEPTH;
    wire [RW-1:0] as_rows = (as_any > D) ? D : as_any;
    tdash_window_ctrl #(.DEPTH(DEPTH)) ctrl (
        .win_present(win_present), .win_last(win_last), .as_rows(as_rows), .enable(enable),
        .mine(mine), .step(step), .adv(adv), .job_end(job_end));
endmodule
`default_nettype wire
