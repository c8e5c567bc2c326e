// HDL-side stream agents for the clocked benches (issue 19): a beat source, a result sink
// and trace capture in one module, so that a whole run happens in the simulator with no
// Python code per cycle. Python (tb/common/hdl_agents.py) writes the stimulus files, pulses
// `go`, waits for `done` and compares the captured trace with the model in one pass.
//
// Files, in the simulator's working directory (the build directory):
//   tb_ctl.bin    binary, one byte per cycle c: {out_ready, bubble, rst}. rst drives the
//                 DUT's reset in c; bubble: the source may not start presenting a new beat in
//                 c; out_ready is the sink's ready in c (a raw back-pressure pattern,
//                 independent of valid).
//   tb_beats.bin  binary, the beats in order, each IN_W-bit word as ceil(IN_W/8) bytes, most
//                 significant first ($fread's layout, IEEE 1364-2005 17.2.8). Binary, not
//                 $readmemh: Verilator parses a hex word digit by digit, shifting the whole
//                 word each time, so a 1541-bit PE beat costs O(width^2): 0.40 s for the 15k
//                 beats of a 35k-cycle run whose simulation takes 0.07 s.
//   tb_trace.hex  written at the end, per cycle: {window_rows[1:0], err, out_ready,
//                 out_valid, in_ready, in_valid, rst}, sampled just before the edge ending c.
//   tb_chg.hex    written at the end: {cycle[31:0], out_data} for cycle 0 and every cycle
//                 in which out_data differs from the cycle before (out_data is known in
//                 every cycle from these); `nchg` entries.
//
// Source rule (tb/common/hdl_agents.py replays it): in cycle c the source presents beat i
// (in_valid high) when beats remain, rst is low, and it either presented in c-1 without a
// handshake (valid/ready: once offered, a beat stays until taken) or bubble[c] is low. A
// reset cycle withdraws the offer. While idle (between runs) the DUT is held in reset.
`default_nettype none

module tdash_tb_stream #(
    parameter integer IN_W   = 8,    // beat word
    parameter integer OUT_W  = 8,    // out_data
    parameter integer BEAT_AW = 14,  // up to 2**BEAT_AW beats per run
    parameter integer CYC_AW = 20,   // up to 2**CYC_AW cycles per run
    parameter integer CHG_AW = 14    // up to 2**CHG_AW out_data changes per run
) (
    input  wire              clk,
    input  wire              go,          // Python: load the files and run
    input  wire [31:0]       ncycles,     // cycles in this run (1 .. 2**CYC_AW)
    input  wire [31:0]       nbeats,      // beats in tb_beats.hex (0 .. 2**BEAT_AW)
    output reg               done,        // the run is over and the files are written
    output reg  [31:0]       nchg,        // entries in tb_chg.hex
    output reg               overflow,    // more out_data changes than CHG_AW holds
    // the DUT's side
    output wire              rst,
    output wire              in_valid,
    output wire [IN_W-1:0]   in_word,
    input  wire              in_ready,
    input  wire              out_valid,
    output wire              out_ready,
    input  wire [OUT_W-1:0]  out_data,
    input  wire              err,
    input  wire [1:0]        window_rows
);
    localparam [1:0] IDLE = 2'd0, RUN = 2'd1, DUMP = 2'd2;
    reg [1:0]  state;
    reg [31:0] cycle;

    reg [2:0]       ctl   [0:(1 << CYC_AW) - 1];
    // File handle and $fread's byte count (unused: the run's length is ncycles / nbeats, and a
    // short file shows as a trace mismatch). Blocking, as file I/O is: the loads finish
    // before this edge's nonblocking updates, and nothing else reads fd.
    /* verilator lint_off UNUSEDSIGNAL */
    integer         fd, nread;
    /* verilator lint_on UNUSEDSIGNAL */
    reg [IN_W-1:0]  beats [0:(1 << BEAT_AW) - 1];
    reg [7:0]       trace [0:(1 << CYC_AW) - 1];
    reg [32+OUT_W-1:0] chg [0:(1 << CHG_AW) - 1];

    wire        running = (state == RUN);
    wire [2:0]  now     = running ? ctl[cycle[CYC_AW-1:0]] : 3'b001;  // idle: reset held
    assign rst       = now[0];
    wire   bubble    = now[1];
    assign out_ready = running && now[2];

    reg  [31:0] idx;          // next beat
    reg         holding;      // presented in the last cycle and not taken
    assign in_valid = running && !rst && (idx < nbeats) && (holding || !bubble);
    assign in_word  = beats[idx[BEAT_AW-1:0]];

    reg [OUT_W-1:0] prev_data;

    initial begin
        state = IDLE;
        done = 1'b0;
        nchg = 32'd0;
        overflow = 1'b0;
    end

    always @(posedge clk) begin
        case (state)
            /* verilator lint_off BLKSEQ */
            IDLE: if (go) begin
                fd = $fopen("tb_ctl.bin", "rb");
                nread = $fread(ctl, fd);
                $fclose(fd);
                if (nbeats != 0) begin
                    fd = $fopen("tb_beats.bin", "rb");
                    nread = $fread(beats, fd);
                    $fclose(fd);
                end
                /* verilator lint_on BLKSEQ */
                state    <= RUN;
                done     <= 1'b0;
                cycle    <= 32'd0;
                idx      <= 32'd0;
                holding  <= 1'b0;
                nchg     <= 32'd0;
                overflow <= 1'b0;
            end
            RUN: begin
                trace[cycle[CYC_AW-1:0]] <= {window_rows, err, out_ready, out_valid, in_ready, in_valid, rst};
                if (cycle == 0 || out_data != prev_data) begin
                    if (nchg < (1 << CHG_AW)) chg[nchg[CHG_AW-1:0]] <= {cycle, out_data};
                    else overflow <= 1'b1;
                    nchg <= nchg + 1'b1;
                end
                prev_data <= out_data;
                if (in_valid && in_ready) begin
                    idx     <= idx + 1'b1;
                    holding <= 1'b0;
                end else begin
                    holding <= in_valid;
                end
                cycle <= cycle + 1'b1;
                if (cycle + 1 == ncycles) state <= DUMP;
            end
            DUMP: begin
                $writememh("tb_trace.hex", trace, 0, ncycles - 1);
                $writememh("tb_chg.hex", chg, 0, ((nchg < (1 << CHG_AW)) ? nchg : (1 << CHG_AW)) - 1);
                state <= IDLE;
                done  <= 1'b1;
            end
            default: state <= IDLE;
        endcase
    end
endmodule

`default_nettype wire
