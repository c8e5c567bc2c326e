// Zero detectors of one staging row (paper §3.2: the staging buffer "generates a ... zero bit
// vector"): bit l is set when lane l's value is non-zero.
`default_nettype none

module tdash_nonzero #(
    parameter integer N  = 16,
    parameter integer DW = 16
) (
    input  wire [N*DW-1:0] row,   // lane l at [l*DW +: DW]
    output wire [N-1:0]    nz
);
    genvar l;
    generate
        for (l = 0; l < N; l = l + 1) begin : lane
            assign nz[l] = |row[l*DW +: DW];
        end
    endgenerate
endmodule

`default_nettype wire
