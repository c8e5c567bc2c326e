`default_nettype none
// tdash_mac's registers at its ports and nothing between them: the operand registers that
// the PE's step logic writes (op_valid, op_last, op_a, op_b, as in rtl/tdash_mac.v) and the
// result registers it reads (out_valid, out_data). syn/area.py synthesises each PE flattened
// with this module in place of the MAC, so that OpenSTA times every path of the PE outside the
// MAC's datapath, register to register: the staging queue's read through the window, the
// window control, the scheduler and the operand muxes into the MAC's operand registers, and
// the scheduler's write-back into the queue (README "Timing"; issue 21). The MAC's own
// register-to-register path is timed on the real MAC. The registers are kept (the datapath
// that reads them is gone) so the paths that end in them stay.
module tdash_mac #(
    parameter integer N       = 16,
    parameter integer OP_TYPE = 0,
    parameter integer DW      = 16,
    parameter integer ACC_W   = 52    // <= N*DW in every PE (out_data below takes op_a's bits)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    enable,
    input  wire                    in_valid,
    input  wire                    in_last,
    input  wire [N*DW-1:0]         in_a,
    input  wire [N*DW-1:0]         in_b,
    output reg                     out_valid,
    output reg  signed [ACC_W-1:0] out_data
);
    (* keep *) reg            op_valid;
    (* keep *) reg            op_last;
    (* keep *) reg [N*DW-1:0] op_a;
    (* keep *) reg [N*DW-1:0] op_b;
    always @(posedge clk) begin
        if (rst) begin
            op_valid <= 1'b0;
            op_last  <= 1'b0;
            op_a     <= {N*DW{1'b0}};
            op_b     <= {N*DW{1'b0}};
        end else if (enable) begin
            op_valid <= in_valid;
            op_last  <= in_valid && in_last;
            op_a     <= in_a;
            op_b     <= in_b;
        end
    end
    always @(posedge clk) begin
        out_valid <= op_valid && op_last;
        out_data  <= op_a[ACC_W-1:0] ^ op_b[ACC_W-1:0];
    end
endmodule
`default_nettype wire
