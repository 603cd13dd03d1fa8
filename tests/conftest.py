"""Shared test set-up: a headless matplotlib backend and a seeded generator."""

from __future__ import annotations

import matplotlib

# In-process only: an MPLBACKEND variable would leak into the notebook kernels the book test
# starts and hide their inline figures.
matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import SEED, silence_known_warnings  # noqa: E402


@pytest.fixture(autouse=True)
def _known_warnings():
    """The narrow third-party filters notebooks install, inside each test's warning context."""
    silence_known_warnings()


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator seeded with the course seed."""
    return np.random.default_rng(SEED)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test opened."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
