// GENERATED from model/params.py OPTION_SETS by `python -m model.params > rtl/tdash_options.vh`:
// edit the Python table, not this file (a unit test fails when they differ).
//
// Movement options of one lane (paper §3.2, Fig 9), shared by the scheduler and the operand
// muxes so the two can never disagree. Include inside a module that has parameters N and
// DEPTH. Option k (the MS code) of lane i reads staging row opt_row(k), lane (i + opt_off(k))
// mod N, and k is also the lane's priority (0 first). Option sets (ORDER):
//   0 paper    DEPTH 3: (0,0) (1,0) (2,0) (1,-1) (1,+1) (2,-2) (2,+2) (1,-3)   levels: spacing 5
//   0 paper    DEPTH 2: (0,0) (1,0) (1,-1) (1,+1) (1,-3)   levels: spacing 5
//   1 explored DEPTH 3: (0,0) (1,-4) (1,0) (1,-1) (1,-3) (2,+4) (2,0) (2,+1)   levels: spacing 5
//   1 explored DEPTH 2: (0,0) (1,-3) (1,+1) (1,-2) (1,-1)   levels: spacing 5
// opt_row(k), opt_off(k), src_pos(i, k) and NOPT are the paper's table (ORDER 0), for modules
// without an ORDER parameter; *_of(order, ...) select any set. Levels of a set with spacing S:
// lane i < S*(N/S) is in level i mod S, every other lane has a level of its own.

localparam integer NOPT = (DEPTH == 3) ? 8 : 5;

// Coverage exclusion: these are constant functions, evaluated only at elaboration (generate
// indices, localparams); no simulation cycle ever executes their lines.
// verilator coverage_off

// Number of option sets: a module's ORDER parameter must be in [0, order_count(0)).
function integer order_count(input integer unused);
    begin
        order_count = 2 + 0 * unused;
    end
endfunction

function integer opt_row_of(input integer order, input integer k);
    begin
        case (order * 100 + DEPTH * 10 + k)
            30: opt_row_of = 0;  31: opt_row_of = 1;  32: opt_row_of = 2;  33: opt_row_of = 1;
            34: opt_row_of = 1;  35: opt_row_of = 2;  36: opt_row_of = 2;  37: opt_row_of = 1;
            20: opt_row_of = 0;  21: opt_row_of = 1;  22: opt_row_of = 1;  23: opt_row_of = 1;
            24: opt_row_of = 1;
            130: opt_row_of = 0;  131: opt_row_of = 1;  132: opt_row_of = 1;  133: opt_row_of = 1;
            134: opt_row_of = 1;  135: opt_row_of = 2;  136: opt_row_of = 2;  137: opt_row_of = 2;
            120: opt_row_of = 0;  121: opt_row_of = 1;  122: opt_row_of = 1;  123: opt_row_of = 1;
            124: opt_row_of = 1;
            default: opt_row_of = 0;
        endcase
    end
endfunction

function integer opt_off_of(input integer order, input integer k);
    begin
        case (order * 100 + DEPTH * 10 + k)
            30: opt_off_of = 0;  31: opt_off_of = 0;  32: opt_off_of = 0;  33: opt_off_of = -1;
            34: opt_off_of = 1;  35: opt_off_of = -2;  36: opt_off_of = 2;  37: opt_off_of = -3;
            20: opt_off_of = 0;  21: opt_off_of = 0;  22: opt_off_of = -1;  23: opt_off_of = 1;
            24: opt_off_of = -3;
            130: opt_off_of = 0;  131: opt_off_of = -4;  132: opt_off_of = 0;  133: opt_off_of = -1;
            134: opt_off_of = -3;  135: opt_off_of = 4;  136: opt_off_of = 0;  137: opt_off_of = 1;
            120: opt_off_of = 0;  121: opt_off_of = -3;  122: opt_off_of = 1;  123: opt_off_of = -2;
            124: opt_off_of = -1;
            default: opt_off_of = 0;
        endcase
    end
endfunction

function integer level_spacing_of(input integer order);
    begin
        case (order * 10 + DEPTH)
            3: level_spacing_of = 5;  2: level_spacing_of = 5;
            13: level_spacing_of = 5;  12: level_spacing_of = 5;
            default: level_spacing_of = 1;
        endcase
    end
endfunction

// Lane counts tdash_scheduler supports (model/params.py SCHEDULER_LANES: the tested ones).
function integer lanes_supported(input integer n);
    begin
        lanes_supported = (n == 4 || n == 5 || n == 8 || n == 16 || n == 20 || n == 32) ? 1 : 0;
    end
endfunction

// Position (row * N + lane) in the DEPTH x N window that lane `lane_i` reads with option k.
function integer src_pos_of(input integer order, input integer lane_i, input integer k);
    begin
        src_pos_of = opt_row_of(order, k) * N + ((lane_i + opt_off_of(order, k) % N + N) % N);
    end
endfunction

// The paper's table (ORDER 0).
function integer opt_row(input integer k);
    begin
        opt_row = opt_row_of(0, k);
    end
endfunction

function integer opt_off(input integer k);
    begin
        opt_off = opt_off_of(0, k);
    end
endfunction

function integer src_pos(input integer lane_i, input integer k);
    begin
        src_pos = src_pos_of(0, lane_i, k);
    end
endfunction
// verilator coverage_on
