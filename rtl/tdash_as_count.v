// AS (paper §3.2): how many leading rows of the scheduler's window are empty after a step,
// i.e. how many staging rows can be dropped and refilled.
`default_nettype none

module tdash_as_count #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3
) (
    input  wire [DEPTH*N-1:0]            z_after,  // row k at [k*N +: N]
    output reg  [$clog2(DEPTH+1)-1:0]    as_rows
);
    localparam integer AS_W = $clog2(DEPTH + 1);
    integer r;
    reg run;
    always @* begin
        as_rows = {AS_W{1'b0}};
        run = 1'b1;
        for (r = 0; r < DEPTH; r = r + 1) begin
            run = run & ~|z_after[r*N +: N];
            as_rows = as_rows + {{(AS_W-1){1'b0}}, run};
        end
    end
endmodule

`default_nettype wire
