"""The compile-cache warm-up's arguments (its real run is the preflight's last check,
exercised by tests/test_doctor.py)."""

import pytest

from course_tools import doctor
from course_tools.warm import warm_caches


def test_the_preflight_ends_with_the_warm_up():
    assert doctor.CHECKS[-1][1] is warm_caches


@pytest.mark.parametrize("kwargs", [{"draws": 200.0}, {"draws": True}, {"seed": "0"}])
def test_wrong_types_are_rejected(kwargs):
    with pytest.raises(TypeError, match=next(iter(kwargs))):
        warm_caches(**kwargs)


@pytest.mark.parametrize("kwargs", [{"draws": 99}, {"seed": -1}])
def test_wrong_values_are_rejected(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        warm_caches(**kwargs)
