"""syn/area.py and syn/liberty.py without Yosys: module names, the liberty's cell areas, the
roll-up through the hierarchy into Table 3's rows, CLI errors."""

import re

import pytest

from syn import area as A
from syn import liberty as L

LIB = """library (tiny) {
  cell (INVX1) { area : 16; pin (A) { direction : input; } }
  cell (NAND2X1) {
    area : 24.5;
  }
  cell (DFFPOSX1) { area : 96; ff (DS0000,P0002) { next_state : "D"; } }
}"""
AREAS = {"INVX1": 16.0, "NAND2X1": 24.5, "DFFPOSX1": 96.0}


def test_base_name_of_yosys_module_names():
    assert A.base_name("\\tdash_fadd") == "tdash_fadd"
    assert A.base_name("$paramod\\tdash_window_ctrl\\DEPTH=s32'00000000000000000000000000000011") == "tdash_window_ctrl"
    assert A.base_name("$paramod$561d1a5748cb61d7a0b5bdc5290e0793a03a5539\\tdash_mac") == "tdash_mac"
    assert A.base_name("tdash_stage_queue") == "tdash_stage_queue"


def test_liberty_cell_areas():
    assert L.parse_cell_areas(LIB) == AREAS
    with pytest.raises(L.LibertyError, match="no area"):
        L.parse_cell_areas("cell (X) { pin (A) { } }")


def _tile_stat():
    # top: 3 own INVs; 2 muxes (one A side, one B side, 1 NAND each); 2 zero detectors (A, B:
    # 1 INV each); 1 scheduler (1 DFF + 2 encoders of 2 INVs); 4 MACs and 1 queue (black boxes).
    return {"modules": {
        "\\top": {"num_cells_by_type": {"INVX1": 3, "$paramod$m\\tdash_operand_mux": 2,
                                        "$paramod$z\\tdash_nonzero": 2, "$paramod$s\\tdash_scheduler": 1,
                                        "tdash_mac": 4, "tdash_stage_queue": 1}},
        "$paramod$m\\tdash_operand_mux": {"num_cells_by_type": {"NAND2X1": 1}},
        "$paramod$z\\tdash_nonzero": {"num_cells_by_type": {"INVX1": 1}},
        "$paramod$s\\tdash_scheduler": {"num_cells_by_type": {"DFFPOSX1": 1, "$paramod$p\\tdash_prio_enc": 2}},
        "$paramod$p\\tdash_prio_enc": {"num_cells_by_type": {"INVX1": 2}},
    }}


def test_rollup_groups_the_tile_into_table3_rows():
    data = {"stat": _tile_stat(), "module": "top",
            "instances": {"tdash_operand_mux": ["pe_r[0].pe_c[1].mux_a", "pe_row[0].mux_b"],
                          "tdash_nonzero": ["in_row[0].acol[0].zd", "in_row[0].brow[0].zd"]}}
    r = A.rollup(data, AREAS, {"tdash_mac": 1000.0, "tdash_stage_queue": 500.0}, "sched_b")
    assert r["compute"] == 4000.0
    assert r["staging"] == 500.0
    assert r["a_side"] == 24.5 + 16.0
    # own 3 INV + B mux + B detector + scheduler (96 + 2 * 32)
    assert r["sched_b"] == 48.0 + 24.5 + 16.0 + 160.0
    assert r["compute_only"] == r["compute"] + r["sched_b"] + r["a_side"]
    assert r["total"] == r["compute_only"] + 500.0
    assert r["instances"]["tdash_mac"] == 4 and r["instances"]["tdash_scheduler"] == 1


def test_rollup_own_cells_of_a_dense_top_are_staging():
    stat = {"modules": {"\\top": {"num_cells_by_type": {"DFFPOSX1": 10, "tdash_mac": 16}}}}
    r = A.rollup({"stat": stat, "module": "top", "instances": {}}, AREAS, {"tdash_mac": 7.0}, "staging")
    assert r["staging"] == 960.0 and r["compute"] == 112.0 and r["sched_b"] == 0.0


def test_rollup_refuses_unknown_cells_and_missing_instance_names():
    data = {"stat": _tile_stat(), "module": "top",
            "instances": {"tdash_operand_mux": ["mux_a"], "tdash_nonzero": ["zd_a", "zd_b"]}}
    with pytest.raises(RuntimeError, match="instance names"):
        A.rollup(data, AREAS, {"tdash_mac": 1.0, "tdash_stage_queue": 1.0}, "sched_b")
    with pytest.raises(RuntimeError, match="tdash_stage_queue"):
        A.rollup(dict(data, instances={}), AREAS, {"tdash_mac": 1.0}, "sched_b")


def test_missing_yosys_is_a_clean_error(monkeypatch, capsys):
    monkeypatch.setattr(A.shutil, "which", lambda name: None)
    assert A.main([]) == 2
    assert "yosys not found" in capsys.readouterr().err


def test_missing_liberty_is_a_clean_error(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(A.shutil, "which", lambda name: "/usr/bin/yosys")
    monkeypatch.setenv("TDASH_LIBERTY", str(tmp_path / "none.lib"))
    assert A.main([]) == 2
    assert "qflow-tech-osu018" in capsys.readouterr().err


DUMP = """
  attribute \\module_not_derived 1
  cell \\tdash_stage_queue \\queue
    parameter signed \\DEPTH 3
    parameter signed \\PW 128
    connect \\pop { 3'000 \\step }
    connect \\wb_en 1'0
    connect \\win_payload \\win_payload
  end
"""


def test_queue_run_follows_how_the_design_instantiates_it():
    cells = A.parse_queue_cells(DUMP)
    assert cells == [{"name": "\\queue", "params": {"DEPTH": 3, "PW": 128}, "wb_tied_off": True}]
    runs = A.runs_for("int16", 3)
    q = A.queue_run(runs["dense_pe"], cells)
    assert dict(q.params) == {"DEPTH": 3, "PW": 128, "WB_W": 0, "WIN": 1}
    td = [{"name": "\\queue", "params": {"DEPTH": 3, "PW": 528, "WB_W": 16}, "wb_tied_off": False}]
    assert dict(A.queue_run(runs["pe"], td).params) == {"DEPTH": 3, "PW": 528, "WB_W": 16, "WIN": 3}
    with pytest.raises(RuntimeError, match="one tdash_stage_queue"):
        A.queue_run(runs["pe"], [])


def test_timing_joins_netlists_with_plain_module_names(tmp_path):
    from syn import timing as T
    a = tmp_path / "a.v"
    a.write_text("module \\$paramod$ab12\\tdash_scheduler (z);\nendmodule\nmodule top(z);\n"
                 "  \\$paramod$ab12\\tdash_scheduler  sched (.z(z));\n  tdash_mac mac ();\nendmodule\n")
    b = tmp_path / "b.v"
    b.write_text("module tdash_mac();\n  \\$paramod\\tdash_fadd\\W=s32'1 add ();\nendmodule\n")
    j = T.join_netlists([a, b], tmp_path / "j.v")
    assert T.module_names(j) == ["tdash_scheduler_p0", "top", "tdash_mac"]
    assert "tdash_scheduler_p0  sched" in j.read_text() and "tdash_fadd_p1 add" in j.read_text()
    assert T.base_of("tdash_scheduler_p0") == "tdash_scheduler" and T.base_of("tdash_mac") == "tdash_mac"
    assert T.fmax_mhz(T.PERIOD_NS - 10.0) == 100.0


def test_missing_sta_is_a_clean_error(monkeypatch, tmp_path):
    from syn import timing as T
    monkeypatch.setattr(T.shutil, "which", lambda name: None)
    with pytest.raises(T.TimingError, match="opensta"):
        T.run_sta(tmp_path / "x.lib", tmp_path / "x.v", "top", tmp_path / "x.log")


def test_flops_name_each_register_by_its_q_net(tmp_path):
    from syn import timing as T
    n = tmp_path / "f.v"
    n.write_text("module m(clk);\n  DFFPOSX1 _12_ (\n    .CLK(clk),\n    .D(_3_),\n    .Q(\\queue.count [3])\n  );\n"
                 "  DFFSR _13_ (.CLK(clk), .D(x), .Q(out_data[0]), .R(r), .S(s));\n  NAND2X1 _14_ (.A(a), .B(b), .Y(y));\n"
                 "endmodule\n")
    assert T.flops(n) == {"_12_": "\\queue.count [3]", "_13_": "out_data[0]"}
    assert A._reg("\\queue.count [3]") == "queue.count[3]"
    assert re.search(A.PATH_GROUPS["queue"], "\\queue.count [3]") and re.search(A.PATH_GROUPS["mac_operands"],
                                                                                  "\\mac.op_b [250]")
