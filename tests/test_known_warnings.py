import warnings

import pytest

from helpers.known_warnings import KNOWN_WARNINGS, silence_known_warnings


def test_every_filter_says_why():
    for message, category, module, why in KNOWN_WARNINGS:
        assert message and module and len(why) > 40
        assert issubclass(category, Warning)


def test_known_warning_is_silenced_only_from_its_module():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        silence_known_warnings()
        warnings.warn_explicit(
            "The 'mode.chained_assignment' option is deprecated ...",
            DeprecationWarning,
            "lifetimes/utils.py",
            50,
            module="lifetimes.utils",
        )
        warnings.warn_explicit(
            "The 'mode.chained_assignment' option is deprecated ...",
            DeprecationWarning,
            "ours.py",
            1,
            module="helpers.something",
        )
    assert [w.filename for w in caught] == ["ours.py"]


def test_our_own_deprecations_still_fail():
    with warnings.catch_warnings():
        silence_known_warnings()
        warnings.simplefilter("error", DeprecationWarning)
        with pytest.raises(DeprecationWarning):
            warnings.warn("old helper", DeprecationWarning, stacklevel=1)
