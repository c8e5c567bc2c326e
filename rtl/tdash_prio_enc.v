// Fixed-priority encoder: request 0 has the highest priority.
//
// One per scheduler lane (paper §3.2: "A 8b-to-3b priority encoder suffices"). Besides the
// binary index it returns the one-hot grant, which the scheduler uses to clear the chosen
// pair from the Z window before the next level (Fig 10's AND gates).
`default_nettype none

module tdash_prio_enc #(
    parameter integer W     = 8,  // number of requests
    parameter integer IDX_W = 3   // width of idx; must satisfy 2**IDX_W >= W
) (
    input  wire [W-1:0]     req,
    output wire [W-1:0]     grant,  // one-hot lowest set request, all zero when none
    output reg  [IDX_W-1:0] idx,    // index of the granted request, 0 when none
    output wire             valid   // some request was set
);
    // Isolate the lowest set bit: req & -req.
    assign grant = req & (~req + {{(W-1){1'b0}}, 1'b1});
    assign valid = |req;

    // One-hot to binary: bit b of idx is the OR of the grants whose index has bit b set.
    integer b, k;
    always @* begin
        idx = {IDX_W{1'b0}};
        for (b = 0; b < IDX_W; b = b + 1)
            for (k = 0; k < W; k = k + 1)
                if (((k >> b) & 1) == 1) idx[b] = idx[b] | grant[k];
    end
endmodule

`default_nettype wire
