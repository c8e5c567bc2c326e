// Movement options of one lane (paper §3.2, Fig 9), shared by the scheduler and the operand
// muxes so the two can never disagree. Include inside a module that has parameters N and
// DEPTH. Option k (the MS code) reads staging row opt_row(k), lane (i + opt_off(k)) mod N:
//   DEPTH 3: (0,0) (1,0) (2,0) (1,-1) (1,+1) (2,-2) (2,+2) (1,-3)
//   DEPTH 2: (0,0) (1,0) (1,-1) (1,+1) (1,-3)                  (Fig 19's cheaper variant)
// model/scheduler.py OPTIONS is the same table.

localparam integer NOPT = (DEPTH == 3) ? 8 : 5;

// Coverage exclusion: these are constant functions, evaluated only at elaboration (generate
// indices, localparams); no simulation cycle ever executes their lines.
// verilator coverage_off

function integer opt_row(input integer k);
    begin
        if (DEPTH == 3)
            case (k)
                0: opt_row = 0;  1: opt_row = 1;  2: opt_row = 2;  3: opt_row = 1;
                4: opt_row = 1;  5: opt_row = 2;  6: opt_row = 2;  default: opt_row = 1;
            endcase
        else
            opt_row = (k == 0) ? 0 : 1;
    end
endfunction

function integer opt_off(input integer k);
    begin
        if (DEPTH == 3)
            case (k)
                0: opt_off = 0;  1: opt_off = 0;  2: opt_off = 0;  3: opt_off = -1;
                4: opt_off = 1;  5: opt_off = -2; 6: opt_off = 2;  default: opt_off = -3;
            endcase
        else
            case (k)
                0: opt_off = 0;  1: opt_off = 0;  2: opt_off = -1; 3: opt_off = 1;
                default: opt_off = -3;
            endcase
    end
endfunction

// Position (row * N + lane) in the DEPTH x N window that lane `lane_i` reads with option k.
function integer src_pos(input integer lane_i, input integer k);
    begin
        src_pos = opt_row(k) * N + ((lane_i + opt_off(k) + N) % N);
    end
endfunction
// verilator coverage_on
