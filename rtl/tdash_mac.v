// MAC back-end shared by the TensorDash PE and the dense baseline PE (paper Fig 6 / Fig 8):
// the operand registers at the multipliers' inputs, N signed multipliers, an adder tree and
// the accumulator, plus the result register of the valid/ready output stream.
//
// Operand types (OP_TYPE, paper §3 and §4.4):
//   0 INT   signed DW-bit integers, exact products and sums; ACC_W wide enough never to overflow
//   1 BF16  bfloat16 operands (DW = 16), binary32 products (tdash_fmul), adder tree and
//           accumulator (tdash_fadd_tree, tdash_fadd); ACC_W = 32
//   2 FP32  binary32 operands (DW = 32), products, adder tree and accumulator; ACC_W = 32
// Floating-point order, per step: lane products -> tdash_fadd_tree (fixed balanced order)
// -> accumulator + tree sum. The accumulator starts each job at +0. Rounding: nearest even;
// subnormals flushed; canonical NaN (see tdash_fmul.v / tdash_fadd.v; model/fp.py).
//
// Two pipeline stages. The pairs offered in cycle t (a scheduler step, or a dense row) are
// registered at the end of t; in t+1 they are multiplied, summed and accumulated. When they
// carry `in_last` (the job's last step), the total goes to the result register (out_valid
// from cycle t+2) and the accumulator restarts. `enable` is the PE-wide advance: low while a
// result waits on a stalled consumer, which freezes both stages.
`default_nettype none

module tdash_mac #(
    parameter integer N       = 16,
    parameter integer OP_TYPE = 0,   // 0 INT, 1 BF16, 2 FP32 (above)
    parameter integer DW      = 16,  // operand width: INT any, BF16 16, FP32 32
    parameter integer ACC_W   = 52   // accumulator / result width: INT see tdash_pe.v, FP 32
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    enable,
    input  wire                    in_valid,  // the pairs below are a step of a job
    input  wire                    in_last,   // ... and the last step of their job
    input  wire [N*DW-1:0]         in_a,      // lane i at [i*DW +: DW]: two's complement or IEEE bits
    input  wire [N*DW-1:0]         in_b,
    output reg                     out_valid,
    output reg  signed [ACC_W-1:0] out_data
);
    // Operand registers.
    reg            op_valid, op_last;
    reg [N*DW-1:0] op_a, op_b;
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

    reg  [ACC_W-1:0] acc;
    wire [ACC_W-1:0] acc_next;

    genvar l;
    generate
        if (OP_TYPE == 0) begin : int_dp
            localparam integer PW = 2 * DW;               // product width
            localparam integer SW = PW + $clog2(N);       // width of one step's sum of N products

            // Multipliers and the adder tree (exact: any order gives the same sum; synthesis
            // builds a balanced tree from this chain).
            integer i;
            reg signed [SW-1:0] step_sum;
            reg signed [PW-1:0] prod;
            always @* begin
                step_sum = {SW{1'b0}};
                for (i = 0; i < N; i = i + 1) begin
                    prod = $signed(op_a[i*DW +: DW]) * $signed(op_b[i*DW +: DW]);
                    step_sum = step_sum + {{(SW-PW){prod[PW-1]}}, prod};
                end
            end
            assign acc_next = acc + {{(ACC_W-SW){step_sum[SW-1]}}, step_sum};
        end else if ((OP_TYPE == 1 && DW == 16 || OP_TYPE == 2 && DW == 32) && ACC_W == 32) begin : fp_dp
            wire [N*32-1:0] prods;
            for (l = 0; l < N; l = l + 1) begin : lane
                tdash_fmul #(.MW(DW - 9)) mul (.a(op_a[l*DW +: DW]), .b(op_b[l*DW +: DW]), .p(prods[l*32 +: 32]));
            end
            wire [31:0] step_sum;
            tdash_fadd_tree #(.N(N)) tree (.in(prods), .total(step_sum));
            tdash_fadd acc_add (.a(acc), .b(step_sum), .s(acc_next));
        end else begin : bad_parameters
            // Verilog-2005 has no elaboration-time $error: an instance of a module that does
            // not exist stops elaboration with this name in the message.
            tdash_error_OP_TYPE_1_needs_DW_16_OP_TYPE_2_needs_DW_32_ACC_W_32 stop ();
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            acc       <= {ACC_W{1'b0}};
            out_valid <= 1'b0;
            out_data  <= {ACC_W{1'b0}};
        end else if (enable) begin
            out_valid <= op_valid && op_last;
            if (op_valid) begin
                if (op_last) begin
                    out_data <= acc_next;
                    acc      <= {ACC_W{1'b0}};
                end else begin
                    acc <= acc_next;
                end
            end
        end
    end
endmodule

`default_nettype wire
