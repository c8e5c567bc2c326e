// Floating-point multiplier of the BF16 and FP32 datapaths (issue 10; paper §3 "FP32 PE",
// §4.4 bfloat16): two IEEE-754 binary operands with 8 exponent bits and MW fraction bits
// (MW = 7: bfloat16, MW = 23: binary32), one binary32 product.
//
// Numerics, shared bit for bit with model/fp.py (fmul):
//   * subnormal operands are zero (DAZ); a product whose value, rounded to 24 significant bits
//     with an unbounded exponent, is below 2**-126 becomes a zero of the product's sign (FTZ);
//   * round to nearest, ties to even; a rounded product of 2**128 or more is +-Inf;
//   * NaN operand, or Inf x 0: the canonical quiet NaN 0x7fc00000 (IEEE leaves the payload
//     open; one canonical NaN keeps RTL and model comparable bit for bit); Inf x finite
//     non-zero: Inf of the product's sign; 0 x finite: zero of the product's sign.
// A bfloat16 product has at most 16 significant bits, so it is exact in binary32 unless it
// overflows or underflows: BF16 rounding only happens at the range limits.
// Combinational (the MAC registers its operands and its accumulator).
`default_nettype none

module tdash_fmul #(
    parameter integer MW = 23               // operand fraction bits: 7 bfloat16, 23 binary32
) (
    input  wire [MW+8:0] a,
    input  wire [MW+8:0] b,
    output reg  [31:0]   p
);
    localparam integer SW = MW + 1;          // significand bits, hidden one included
    localparam integer PW = 2 * SW;          // exact significand product
    localparam integer XW = (PW > 26) ? PW : 26;   // room for 24 bits + guard + sticky

    wire          s  = a[MW+8] ^ b[MW+8];
    wire [7:0]    ea = a[MW +: 8], eb = b[MW +: 8];
    wire [MW-1:0] fa = a[MW-1:0], fb = b[MW-1:0];
    wire za = (ea == 8'd0),   zb = (eb == 8'd0);     // zero, or subnormal read as zero
    wire ha = (ea == 8'hff),  hb = (eb == 8'hff);    // Inf or NaN
    wire na = ha && (fa != {MW{1'b0}}), nb = hb && (fb != {MW{1'b0}});
    wire nan = na || nb || (ha && zb) || (hb && za);

    // Significands in [1, 2): the product is in [1, 4); normalise so the leading one is at
    // the top of XW bits, then keep 24 bits, a guard bit and the sticky OR of the rest.
    wire [PW-1:0] prod = {1'b1, fa} * {1'b1, fb};
    wire          top  = prod[PW-1];                            // product >= 2
    wire [PW-1:0] norm = top ? prod : {prod[PW-2:0], 1'b0};
    /* verilator lint_off UNUSEDSIGNAL */
    wire [XW-1:0] ext  = {norm, {(XW-PW){1'b0}}};              // ext[XW-1]: the hidden one
    /* verilator lint_on UNUSEDSIGNAL */
    wire [22:0]   frac = ext[XW-2 -: 23];
    wire          g    = ext[XW-25];
    wire          st   = |ext[XW-26:0];
    wire          up   = g && (st || frac[0]);                  // round to nearest even
    wire [23:0]   fr   = {1'b0, frac} + {23'd0, up};            // fr[23]: rounded up to 2.0

    // Biased exponent, unbounded (signed, 11 bits): ea + eb - 127, +1 per normalisation.
    wire signed [10:0] e = $signed({3'b000, ea}) + $signed({3'b000, eb}) - 11'sd127
                           + $signed({10'd0, top}) + $signed({10'd0, fr[23]});

    always @* begin
        if (nan)                  p = 32'h7fc00000;
        else if (ha || hb)        p = {s, 8'hff, 23'd0};
        else if (za || zb)        p = {s, 31'd0};
        else if (e >= 11'sd255)   p = {s, 8'hff, 23'd0};        // overflow: Inf
        else if (e <= 11'sd0)     p = {s, 31'd0};               // underflow: flush to zero
        else                      p = {s, e[7:0], fr[22:0]};      // fr[22:0] = 0 on carry
    end
endmodule

`default_nettype wire
