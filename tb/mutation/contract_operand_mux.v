// Miter context of tdash_operand_mux under its input contract "a lane with valid set has an MS
// code < NOPT": the contract is the input map below (a code >= NOPT becomes 0), so the miter
// ranges over exactly the inputs the contract allows. The scheduler is what drives ms, and
// formal/sched_props.sv (own_option) proves it never emits a code >= NOPT with ms_valid set.
`default_nettype none
module contract_operand_mux #(
    parameter integer N     = 16,
    parameter integer DEPTH = 3,
    parameter integer DW    = 16,
    parameter integer ORDER = 0
) (
    input  wire [DEPTH*N*DW-1:0] window,
    input  wire [3*N-1:0]        ms_any,
    input  wire [N-1:0]          valid,
    output wire [N*DW-1:0]       operand
);
    `include "tdash_options.vh"
    wire [3*N-1:0] ms;
    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : lane
            assign ms[3*i +: 3] = (ms_any[3*i +: 3] < NOPT) ? ms_any[3*i +: 3] : 3'd0;
        end
    endgenerate
    tdash_operand_mux #(.N(N), .DEPTH(DEPTH), .DW(DW), .ORDER(ORDER)) mux (
        .window(window), .ms(ms), .valid(valid), .operand(operand));
endmodule
`default_nettype wire
