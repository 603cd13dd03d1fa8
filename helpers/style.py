"""Plot style and figure labelling for the course.

Importing this module changes nothing; call :func:`use_style` once in a notebook's setup cell.

Introduced in notebook 01.
"""

from __future__ import annotations

from typing import Any

__all__ = ["use_style", "label", "COLORS", "ARVIZ_DEFAULTS"]

#: A colour-blind-safe cycle (Okabe and Ito, 2008).
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)

_RC: dict[str, Any] = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "font.size": 10,
}


#: ArviZ settings the course relies on. ArviZ 1 otherwise reports 89% equal-tailed intervals
#: (ArviZ 0.x reported 94% HDIs); every interval in the course is a highest-density interval, at
#: 94% unless a cell names another probability.
ARVIZ_DEFAULTS: dict[str, Any] = {"stats.ci_kind": "hdi", "stats.ci_prob": 0.94}


def use_style() -> str:
    """Apply the course's matplotlib style and its ArviZ interval defaults.

    Returns
    -------
    str
        One line saying what was set, for the setup cell to print.

    Examples
    --------
    >>> print(use_style())
    course plot style; ArviZ intervals: 94% HDI (stats.ci_kind='hdi', stats.ci_prob=0.94)
    """
    import logging

    import matplotlib as mpl
    from cycler import cycler

    # ArviZ's plots ask for a "semibold" font weight that DejaVu Sans lacks; matplotlib then logs
    # "findfont: Failed to find font weight semibold" (and uses bold) into every notebook output.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(COLORS))
    import arviz as az

    for key, value in ARVIZ_DEFAULTS.items():
        az.rcParams[key] = value
    kind, prob = az.rcParams["stats.ci_kind"], az.rcParams["stats.ci_prob"]
    return (
        f"course plot style; ArviZ intervals: {prob:.0%} {kind.upper()} "
        f"(stats.ci_kind={kind!r}, stats.ci_prob={prob})"
    )


def label(ax: Any, *, title: str, xlabel: str, ylabel: str, legend: bool = False) -> Any:
    """Give a figure's axes the title and axis labels every course figure carries.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    title, xlabel, ylabel : str
        Non-empty strings; put units in the axis labels, e.g. ``"load (kN)"``.
    legend : bool, default False
        Also draw the legend.

    Returns
    -------
    matplotlib.axes.Axes
        The same axes.

    Raises
    ------
    ValueError
        If a label is empty.
    """
    for name, text in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"`{name}` must be a non-empty string; got {text!r}")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
    return ax
