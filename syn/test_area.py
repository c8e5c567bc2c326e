"""syn/area.py without Yosys: module names, the roll-up through the hierarchy, CLI errors."""

import pytest

from syn import area as A


def test_base_name_of_yosys_module_names():
    assert A.base_name("\\tdash_fadd") == "tdash_fadd"
    assert A.base_name("$paramod\\tdash_window_ctrl\\DEPTH=s32'00000000000000000000000000000011") == "tdash_window_ctrl"
    assert A.base_name("$paramod$561d1a5748cb61d7a0b5bdc5290e0793a03a5539\\tdash_mac") == "tdash_mac"


def test_rollup_expands_instances_and_groups():
    # tdash_pe: 10 own gates; 1 queue (100 gates); 2 muxes (7 each); 1 MAC = 5 own + 3 fadd (20 each).
    mac = "$paramod$abc\\tdash_mac"
    stat = {"modules": {
        "$paramod$p\\tdash_pe": {"num_cells_by_type": {"$_AND_": 10, "$paramod$q\\tdash_stage_queue": 1,
                                                        "$paramod$m\\tdash_operand_mux": 2, mac: 1},
                                  "estimated_num_transistors": "60+"},
        "$paramod$q\\tdash_stage_queue": {"num_cells_by_type": {"$_DFF_P_": 100}, "estimated_num_transistors": "1000"},
        "$paramod$m\\tdash_operand_mux": {"num_cells_by_type": {"$_MUX_": 7}, "estimated_num_transistors": "84"},
        mac: {"num_cells_by_type": {"$_XOR_": 5, "tdash_fadd": 3}, "estimated_num_transistors": "60+"},
        "\\tdash_fadd": {"num_cells_by_type": {"$_OR_": 20}, "estimated_num_transistors": "120"},
    }}
    r = A.rollup(stat, "tdash_pe")
    assert r["queue"] == {"cells": 100, "transistors": 1000}
    assert r["front"] == {"cells": 10 + 14, "transistors": 60 + 168}
    assert r["mac"] == {"cells": 5 + 60, "transistors": 60 + 360}
    assert r["total"] == {"cells": 189, "transistors": 1648}


def test_rollup_counts_the_black_box_mac_from_its_own_run():
    stat = {"modules": {"$paramod\\dense_pe\\OP_TYPE=2": {
        "num_cells_by_type": {"$_AND_": 4, "$paramod$m\\tdash_mac": 1}, "estimated_num_transistors": "24+"}}}
    mac = {"queue": {"cells": 0, "transistors": 0}, "front": {"cells": 0, "transistors": 0},
           "mac": {"cells": 500, "transistors": 4000}}
    r = A.rollup(stat, "dense_pe", mac)
    assert r["mac"] == {"cells": 500, "transistors": 4000} and r["front"] == {"cells": 4, "transistors": 24}
    with pytest.raises(RuntimeError, match="black-box MAC"):
        A.rollup(stat, "dense_pe")


def test_missing_yosys_is_a_clean_error(monkeypatch, capsys):
    monkeypatch.setattr(A.shutil, "which", lambda name: None)
    assert A.main([]) == 2
    assert "yosys not found" in capsys.readouterr().err


def test_tile_estimate_counts_shared_and_per_pe_parts():
    pe = {"modules": {"tdash_scheduler": {"instances": 1, "transistors": 100},
                      "tdash_prio_enc": {"instances": 16, "transistors": 160},
                      "tdash_operand_mux": {"instances": 2, "transistors": 400},
                      "tdash_nonzero": {"instances": 6, "transistors": 60}}}
    # 2x3 tile, DEPTH 3, FP: rows*(260 + 200 + 3*10) + rows*cols*200 + cols*3*10 = 980 + 1200 + 90.
    assert A.tile_estimate(pe, 1000, True, 3, rows=2, cols=3) == 1 + 2270 / 6000
    assert A.tile_estimate(pe, 1000, False, 3, rows=2, cols=3) == 1 + 2180 / 6000
