"""A warm build is a cold build: seeded random walks of author edits (differential.py), after
each step the warm build (cache and previous site kept) compared with a cold one, byte for
byte, its report line for line; the devserver's builds the same, with its settings.

`make test` walks a few seeds for about a minute; `make fuzz SEED=7 STEPS=300` walks longer
(GUIDE_FUZZ_SEED, GUIDE_FUZZ_STEPS)."""

from __future__ import annotations

import os

import pytest
from differential import walk

SEED = os.environ.get("GUIDE_FUZZ_SEED")
STEPS = int(os.environ.get("GUIDE_FUZZ_STEPS", "0"))
SAY = print if SEED else lambda line: None  # make fuzz shows each step (pytest -s)


@pytest.mark.parametrize(("seed", "editions"), [(int(SEED), True)] if SEED else [(11, False), (12, True)])
def test_warm_builds_equal_cold_builds_along_a_random_walk(tmp_path, seed, editions):
    """`editions`: the EPUB and print.html made on both sides too (GUIDE_EDITIONS)."""
    walked = walk(tmp_path, seed, STEPS or 20, say=SAY, editions=editions)
    assert len(walked.log) == (STEPS or 20)


def test_the_devservers_builds_equal_cold_builds_with_its_settings(tmp_path):
    walked = walk(tmp_path, int(SEED or 13), STEPS or 12, devserver=True, say=SAY)
    assert len(walked.log) == (STEPS or 12)
