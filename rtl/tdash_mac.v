// MAC back-end shared by the TensorDash PE and the dense baseline PE (paper Fig 6 / Fig 8):
// the operand registers at the multipliers' inputs, N signed multipliers, an adder tree and
// the accumulator, plus the result register of the valid/ready output stream.
//
// Two pipeline stages. The pairs offered in cycle t (a scheduler step, or a dense row) are
// registered at the end of t; in t+1 they are multiplied, summed and accumulated. When they
// carry `in_last` (the job's last step), the total goes to the result register (out_valid
// from cycle t+2) and the accumulator restarts. `enable` is the PE-wide advance: low while a
// result waits on a stalled consumer, which freezes both stages.
`default_nettype none

module tdash_mac #(
    parameter integer N     = 16,
    parameter integer DW    = 16,  // signed operand width
    parameter integer ACC_W = 52   // accumulator / result width (see tdash_pe.v)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    enable,
    input  wire                    in_valid,  // the pairs below are a step of a job
    input  wire                    in_last,   // ... and the last step of their job
    input  wire [N*DW-1:0]         in_a,      // lane i at [i*DW +: DW], two's complement
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

    localparam integer PW = 2 * DW;               // product width
    localparam integer SW = PW + $clog2(N);       // width of one step's sum of N products

    // Multipliers and the adder tree (a balanced tree is what synthesis builds from this sum).
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

    reg  signed [ACC_W-1:0] acc;
    wire signed [ACC_W-1:0] acc_next = acc + {{(ACC_W-SW){step_sum[SW-1]}}, step_sum};

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
