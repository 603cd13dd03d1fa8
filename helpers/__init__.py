"""helpers: the small, tested package every course notebook imports.

The top level holds what every notebook's setup cell needs: the run budget, the seed and
generator, the plot style and the ``check`` module. Topic modules (``helpers.probability``,
``helpers.ab``, ...) are imported where a notebook needs them, so importing ``helpers`` stays
light and changes nothing. The course's tools (the workshop preflight and the student copies)
live in the separate ``course_tools`` package.
"""

from helpers import check
from helpers.budget import Budget, get_budget, is_fast
from helpers.known_warnings import silence_known_warnings
from helpers.seeding import SEED, child_seed, make_rng, seed_torch
from helpers.style import COLORS, label, use_style

__all__ = [
    "Budget",
    "COLORS",
    "SEED",
    "check",
    "child_seed",
    "get_budget",
    "is_fast",
    "label",
    "make_rng",
    "seed_torch",
    "silence_known_warnings",
    "use_style",
]

__version__ = "0.1.0"
