"""Plot style and figure labelling for the course.

Importing this module changes nothing; call :func:`use_style` once in a notebook's setup cell.

Introduced in notebook 01.
"""

from __future__ import annotations

from typing import Any

__all__ = ["use_style", "label", "COLORS"]

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


def use_style() -> None:
    """Apply the course's matplotlib style (and ArviZ's, when ArviZ is installed).

    Examples
    --------
    >>> use_style()
    """
    import logging

    import matplotlib as mpl
    from cycler import cycler

    # ArviZ's plots ask for a "semibold" font weight that DejaVu Sans lacks; matplotlib then logs
    # "findfont: Failed to find font weight semibold" (and uses bold) into every notebook output.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(COLORS))


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
