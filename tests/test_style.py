import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from helpers.style import COLORS, label, use_style


def test_import_changes_nothing():
    import importlib

    import helpers.style

    before = dict(mpl.rcParams)
    importlib.reload(helpers.style)
    assert dict(mpl.rcParams) == before


def test_use_style_sets_the_colour_cycle():
    with mpl.rc_context():
        use_style()
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == COLORS[0]


def test_use_style_sets_arviz_intervals_to_94_percent_hdi():
    import arviz as az

    with az.rc_context():
        az.rcParams["stats.ci_kind"], az.rcParams["stats.ci_prob"] = "eti", 0.89
        with mpl.rc_context():
            line = use_style()
        assert (az.rcParams["stats.ci_kind"], az.rcParams["stats.ci_prob"]) == ("hdi", 0.94)
        assert "94% HDI" in line


def test_label_sets_title_and_axes():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="line")
    assert label(ax, title="T", xlabel="x (m)", ylabel="y (s)", legend=True) is ax
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x (m)", "y (s)")
    assert ax.get_legend() is not None


@pytest.mark.parametrize("field", ["title", "xlabel", "ylabel"])
def test_label_rejects_empty_text(field):
    fig, ax = plt.subplots()
    kwargs = {"title": "T", "xlabel": "x", "ylabel": "y", field: " "}
    with pytest.raises(ValueError, match=f"`{field}` must be a non-empty string"):
        label(ax, **kwargs)
