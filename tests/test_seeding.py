import numpy as np
import pytest

from helpers.seeding import SEED, child_seed, make_rng, seed_torch


def test_same_seed_same_stream():
    assert np.array_equal(make_rng(7).normal(size=5), make_rng(7).normal(size=5))
    assert not np.array_equal(make_rng(7).normal(size=5), make_rng(8).normal(size=5))


def test_default_is_the_course_seed():
    assert np.array_equal(make_rng().random(3), np.random.default_rng(SEED).random(3))


def test_generator_passes_through(rng):
    assert make_rng(rng) is rng


def test_none_gives_a_generator():
    assert isinstance(make_rng(None), np.random.Generator)


@pytest.mark.parametrize("bad", [1.5, "42", True, np.random.RandomState(0)])
def test_bad_types_are_rejected(bad):
    with pytest.raises(
        TypeError, match="`rng` must be a numpy.random.Generator, an int seed or None"
    ):
        make_rng(bad)


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match="`rng` must be an integer >= 0"):
        make_rng(-1)


def test_child_seed_is_reproducible_and_in_range():
    assert child_seed(3) == child_seed(3)
    assert 0 <= child_seed(3) < 2**31 - 1


def test_seed_torch_makes_torch_reproducible():
    import torch

    seed_torch(5)
    first = torch.randn(3)
    seed_torch(5)
    assert torch.equal(first, torch.randn(3))


@pytest.mark.parametrize(
    ("bad", "error"), [(-1, ValueError), (1.0, TypeError), ("1", TypeError), (True, TypeError)]
)
def test_seed_torch_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="`seed` must be an integer"):
        seed_torch(bad)


def test_course_seed_comes_from_the_environment():
    from helpers.seeding import DEFAULT_SEED, seed_from_env

    assert seed_from_env({}) == DEFAULT_SEED
    assert seed_from_env({"COURSE_SEED": ""}) == DEFAULT_SEED
    assert seed_from_env({"COURSE_SEED": " 0 "}) == 0  # seed 0 is a seed, not "unset"
    assert seed_from_env({"COURSE_SEED": "123"}) == 123


@pytest.mark.parametrize("raw", ["-1", "1.5", "abc", "0x10"])
def test_course_seed_rejects_non_integers(raw):
    from helpers.seeding import seed_from_env

    with pytest.raises(ValueError, match="`COURSE_SEED` must be a non-negative integer"):
        seed_from_env({"COURSE_SEED": raw})


def test_course_seed_reaches_helpers_seed_in_a_fresh_interpreter():
    import os
    import subprocess
    import sys

    code = "import helpers; print(helpers.SEED)"
    env = {**os.environ, "COURSE_SEED": "4242"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "4242", out.stderr
