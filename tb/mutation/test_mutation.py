"""Mutation testing in the regression: the site finder's invariants (fast) and the guard, a
random sample of mutants the last full ``make mutate`` killed, which must still be killed."""

from __future__ import annotations

import os
import secrets

from tb.common.runner import RTL
from tb.mutation import sites as S
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
            ids.add(m.id)
            keys.add(m.key)
        meta = S.metamutant(fs)
        # Every runtime mutant is selectable in the metamutant; static ones are built alone.
        for m in fs.mutants:
            assert (f"(tdash_mut == {m.id})" in meta) != m.static, m.describe()
    assert len(ids) > 500, f"only {len(ids)} mutants: did the site finder lose a construct?"


def test_mutation_guard():
    seed = int(os.environ.get("SEED") or secrets.randbelow(2**31))
    rc = main(["--sample", str(GUARD_SAMPLE), "--jobs", "1", "--seed", str(seed)])
    assert rc == 0, (f"a sampled mutant survived the quick regression (replay: python -m tb.mutation "
                     f"--sample {GUARD_SAMPLE} --jobs 1 --seed {seed})")
