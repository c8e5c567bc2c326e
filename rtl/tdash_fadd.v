// binary32 adder of the BF16 and FP32 datapaths' adder tree and accumulator (issue 10).
//
// Numerics, shared bit for bit with model/fp.py (fadd): IEEE-754 addition with round to
// nearest, ties to even, except that subnormal inputs are zero (DAZ) and a sum below 2**-126
// in magnitude becomes a zero of its sign (FTZ). A sum of normal numbers that falls below
// 2**-126 is exact (both are multiples of 2**-149), so FTZ here is "IEEE result, then flush".
// Zeros: x + (-x) = +0, (-0) + (-0) = -0. NaN in, or Inf + (-Inf): the canonical quiet NaN
// 0x7fc00000; Inf + finite: that Inf.
//
// Datapath: swap so |x| >= |y|, align y by the exponent difference into 24 + 3 bits (guard,
// round, sticky: enough for correct rounding of add and subtract), add or subtract, normalise
// (one right shift on carry, or a left shift by the leading-zero count), round.
// Combinational.
`default_nettype none

module tdash_fadd (
    input  wire [31:0] a,
    input  wire [31:0] b,
    output reg  [31:0] s
);
    wire za = (a[30:23] == 8'd0),  zb = (b[30:23] == 8'd0);   // zero or subnormal: zero
    wire ha = (a[30:23] == 8'hff), hb = (b[30:23] == 8'hff);  // Inf or NaN
    wire na = ha && (a[22:0] != 23'd0), nb = hb && (b[22:0] != 23'd0);
    wire nan = na || nb || (ha && hb && (a[31] != b[31]));

    // |x| >= |y| (for normal operands the bit patterns order like the magnitudes).
    wire        a_big = (a[30:0] >= b[30:0]);
    wire [31:0] x = a_big ? a : b;
    wire [31:0] y = a_big ? b : a;
    wire [7:0]  d = x[30:23] - y[30:23];
    wire [26:0] mx = {1'b1, x[22:0], 3'b000};
    wire [26:0] my = {1'b1, y[22:0], 3'b000};

    // Align y: shift right by d; every bit shifted out ORs into the sticky bit (bit 0).
    wire [26:0] my_sh   = (d > 8'd26) ? 27'd0 : (my >> d);
    wire [26:0] my_lost = (d > 8'd26) ? my : (my & ~({27{1'b1}} << d));
    wire [26:0] my_al   = {my_sh[26:1], my_sh[0] || (my_lost != 27'd0)};

    wire        sub = x[31] ^ y[31];
    wire [27:0] raw = sub ? ({1'b0, mx} - {1'b0, my_al}) : ({1'b0, mx} + {1'b0, my_al});

    // Leading zeros of raw[26:0] (raw[27] is the carry of an addition).
    reg [4:0] lz;
    integer i;
    always @* begin
        lz = 5'd27;
        for (i = 0; i < 27; i = i + 1)
            if (raw[i]) lz = 5'd26 - i[4:0];
    end

    // Normalised 27 bits (24 significand + guard, round, sticky; nrm[26] is the hidden one)
    // and the unbounded exponent.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [26:0] nrm = raw[27] ? {raw[27:2], raw[1] || raw[0]} : (raw[26:0] << lz);
    /* verilator lint_on UNUSEDSIGNAL */
    wire signed [10:0] e0 = raw[27] ? $signed({3'b000, x[30:23]}) + 11'sd1
                                    : $signed({3'b000, x[30:23]}) - $signed({6'd0, lz});
    wire        up = nrm[2] && (nrm[1] || nrm[0] || nrm[3]);    // round to nearest even
    wire [23:0] fr = {1'b0, nrm[25:3]} + {23'd0, up};           // fr[23]: rounded up to 2.0
    wire signed [10:0] e = e0 + $signed({10'd0, fr[23]});

    always @* begin
        if (nan)                    s = 32'h7fc00000;
        else if (ha)                s = a;                        // Inf (+ finite or same Inf)
        else if (hb)                s = b;
        else if (za && zb)          s = {a[31] && b[31], 31'd0};
        else if (za)                s = b;
        else if (zb)                s = a;
        else if (raw == 28'd0)      s = 32'd0;                    // exact cancellation: +0
        else if (e >= 11'sd255)     s = {x[31], 8'hff, 23'd0};    // overflow: Inf
        else if (e <= 11'sd0)       s = {x[31], 31'd0};           // below 2**-126: flush
        else                        s = {x[31], e[7:0], fr[22:0]};   // fr[22:0] = 0 on carry
    end
endmodule

`default_nettype wire
