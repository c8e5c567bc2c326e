// Adder tree of the BF16 and FP32 datapaths: the binary32 sum of N lane products in one
// fixed, documented order (model/fp.py tree_sum computes the same levels).
//
// Order: level 0 is the N lane products; node i of level L is node 2i + node 2i+1 of level
// L-1 (2i as the adder's first operand), or node 2i passed through when it has no partner.
// clog2(N) levels; for N = 16 the balanced tree ((((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)))+...).
// Floating-point addition is not associative, so this order is part of the datapath's
// specification: the model must sum in exactly this order to match bit for bit.
`default_nettype none

module tdash_fadd_tree #(
    parameter integer N = 16
) (
    input  wire [N*32-1:0] in,     // lane i at [i*32 +: 32]
    output wire [31:0]     total
);
    localparam integer LEVELS = $clog2(N);

    genvar lv, i;
    generate
        for (lv = 0; lv <= LEVELS; lv = lv + 1) begin : level
            localparam integer NODES = (N + (1 << lv) - 1) >> lv;    // ceil(N / 2**lv)
            wire [NODES*32-1:0] v;
            if (lv == 0) begin : products
                assign v = in;
            end else begin : sums
                localparam integer BELOW = (N + (1 << (lv - 1)) - 1) >> (lv - 1);
                for (i = 0; i < NODES; i = i + 1) begin : node
                    if (2 * i + 1 < BELOW) begin : add
                        tdash_fadd fadd (.a(level[lv-1].v[2*i*32 +: 32]), .b(level[lv-1].v[(2*i+1)*32 +: 32]),
                                         .s(v[i*32 +: 32]));
                    end else begin : pass
                        assign v[i*32 +: 32] = level[lv-1].v[2*i*32 +: 32];
                    end
                end
            end
        end
    endgenerate
    assign total = level[LEVELS].v;
endmodule

`default_nettype wire
