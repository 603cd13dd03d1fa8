"""Causal graphs: backdoor paths, the backdoor criterion, adjustment sets and a DAG drawing.

Introduced in notebook 12.

Graph reading on a :class:`networkx.DiGraph` (the marketing DAG of :func:`marketing_dag`, or
any other): the backdoor paths between a treatment and an outcome, whether a set of variables
satisfies the backdoor criterion, all the valid adjustment sets, and a DAG drawing with
matplotlib only (no graphviz).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

__all__ = [
    "marketing_dag",
    "plot_dag",
    "backdoor_paths",
    "is_valid_adjustment",
    "adjustment_sets",
]


_POSITIONS = {
    "region": (-1.0, 0.0),
    "demand": (1.5, 1.2),
    "ads": (0.0, 0.0),
    "visits": (1.5, -0.9),
    "sales": (3.0, 0.0),
    "press": (1.5, -2.0),
}


def marketing_dag() -> Any:
    """The course's marketing DAG, with drawing positions stored on the nodes.

    ``demand`` confounds ``ads`` and ``sales``; ``visits`` mediates; ``press`` (stores featured
    in the trade press) is a collider of ads and sales; ``region`` moves only ads (an instrument).

    Returns
    -------
    networkx.DiGraph

    Examples
    --------
    >>> sorted(marketing_dag().predecessors("sales"))
    ['ads', 'demand', 'visits']
    """
    import networkx as nx

    dag = nx.DiGraph()
    dag.add_edges_from(
        [
            ("region", "ads"),
            ("demand", "ads"),
            ("demand", "sales"),
            ("ads", "visits"),
            ("visits", "sales"),
            ("ads", "sales"),
            ("ads", "press"),
            ("sales", "press"),
        ]
    )
    for node, pos in _POSITIONS.items():
        dag.nodes[node]["pos"] = pos
    return dag


def _check_dag(dag: Any, nodes: dict[str, Any]) -> None:
    import networkx as nx

    if not isinstance(dag, nx.DiGraph):
        raise TypeError(f"`dag` must be a networkx.DiGraph; got {type(dag).__name__}")
    if not nx.is_directed_acyclic_graph(dag):
        raise ValueError("`dag` must be acyclic; it has a directed cycle")
    for name, node in nodes.items():
        if node not in dag:
            raise ValueError(f"`{name}` must be a node of `dag`; got {node!r}")


def plot_dag(
    dag: Any,
    *,
    ax: Any = None,
    highlight: Iterable[tuple[str, str]] = (),
    hidden: Iterable[str] = (),
    title: str = "Causal DAG",
) -> Any:
    """Draw a DAG with networkx and matplotlib (no graphviz).

    Parameters
    ----------
    dag : networkx.DiGraph
        Node positions are read from the node attribute ``pos``; a layered layout is used for
        nodes without one.
    ax : matplotlib.axes.Axes, optional
    highlight : iterable of (u, v)
        Edges drawn thick, in the course palette's orange-red (C3): a backdoor path, say.
    hidden : iterable of str
        Unobserved nodes, drawn dashed and grey.
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph, or a highlighted edge is not in it.

    Examples
    --------
    >>> ax = plot_dag(marketing_dag(), highlight=[("demand", "ads")])
    >>> ax.get_title()
    'Causal DAG'
    """
    import matplotlib.pyplot as plt
    import networkx as nx

    _check_dag(dag, {})
    highlight, hidden = list(highlight), set(hidden)
    for edge in highlight:
        if not dag.has_edge(*edge):
            raise ValueError(f"`highlight` edge {edge!r} is not an edge of `dag`")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    pos = {n: dag.nodes[n].get("pos") for n in dag}
    if any(p is None for p in pos.values()):
        for layer, nodes in enumerate(nx.topological_generations(dag)):
            for i, node in enumerate(sorted(nodes)):
                pos[node] = pos[node] or (float(layer), float(-i))
    plain = [e for e in dag.edges if e not in set(highlight)]
    observed = [n for n in dag if n not in hidden]
    nx.draw_networkx_nodes(dag, pos, nodelist=observed, node_color="#dbe9f6", node_size=2200, ax=ax)
    if hidden:
        nx.draw_networkx_nodes(
            dag, pos, nodelist=sorted(hidden), node_color="#eeeeee", node_size=2200,
            edgecolors="grey", linewidths=1.5, ax=ax,
        )  # fmt: skip
    nx.draw_networkx_labels(dag, pos, font_size=10, ax=ax)
    common = {"arrows": True, "arrowsize": 18, "node_size": 2200, "ax": ax}
    nx.draw_networkx_edges(dag, pos, edgelist=plain, width=1.5, edge_color="0.35", **common)
    if highlight:
        nx.draw_networkx_edges(dag, pos, edgelist=highlight, width=3.5, edge_color="C3", **common)
    ax.set_title(title)
    ax.set_xlabel("arrows point from cause to effect")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.15)
    return ax


def backdoor_paths(dag: Any, treatment: str, outcome: str) -> list[list[str]]:
    """Every path from ``treatment`` to ``outcome`` that starts with an arrow *into* the treatment.

    Written out in notebook 12, section 1.

    Paths ignore edge direction (they may run against arrows) but never repeat a node.

    Parameters
    ----------
    dag : networkx.DiGraph
    treatment, outcome : str
        Nodes of ``dag``.

    Returns
    -------
    list of list of str
        Each path as its sequence of nodes, sorted.

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph or a node is missing.

    Examples
    --------
    >>> backdoor_paths(marketing_dag(), "ads", "sales")
    [['ads', 'demand', 'sales']]
    """
    import networkx as nx

    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    skeleton = dag.to_undirected()
    paths = [
        path
        for path in nx.all_simple_paths(skeleton, treatment, outcome)
        if dag.has_edge(path[1], treatment)
    ]
    return sorted(paths)


def is_valid_adjustment(dag: Any, treatment: str, outcome: str, adjust: Iterable[str]) -> bool:
    """Pearl's backdoor criterion: does adjusting for ``adjust`` identify the causal effect?

    Written out in notebook 12, section 1.

    The set must contain no descendant of the treatment and must block every backdoor path,
    i.e. d-separate treatment and outcome once the treatment's outgoing arrows are removed.

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph or a node is missing (including in ``adjust``).

    Examples
    --------
    >>> dag = marketing_dag()
    >>> is_valid_adjustment(dag, "ads", "sales", {"demand"})
    True
    >>> is_valid_adjustment(dag, "ads", "sales", {"demand", "visits"})
    False
    """
    import networkx as nx

    adjust = set(adjust)
    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    for node in adjust:
        _check_dag(dag, {"adjust": node})
    if {treatment, outcome} & adjust:
        raise ValueError("`adjust` must not contain the treatment or the outcome")
    if adjust & nx.descendants(dag, treatment):
        return False
    cut = dag.copy()
    cut.remove_edges_from(list(dag.out_edges(treatment)))
    return bool(nx.is_d_separator(cut, {treatment}, {outcome}, adjust))


def adjustment_sets(
    dag: Any, treatment: str, outcome: str, *, observed: Iterable[str] | None = None
) -> list[frozenset[str]]:
    """All valid backdoor adjustment sets made of observed nodes (exhaustive; small DAGs).

    Parameters
    ----------
    dag : networkx.DiGraph
    treatment, outcome : str
    observed : iterable of str, optional
        Nodes that are measured; by default every node.

    Returns
    -------
    list of frozenset
        Sorted by size, then alphabetically. Empty when no observed set works.

    Raises
    ------
    TypeError, ValueError
        As :func:`is_valid_adjustment`; also if the DAG has more than 16 candidate nodes.

    Examples
    --------
    >>> [sorted(s) for s in adjustment_sets(marketing_dag(), "ads", "sales")]
    [['demand'], ['demand', 'region']]
    >>> adjustment_sets(marketing_dag(), "ads", "sales", observed=["region", "visits"])
    []
    """
    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    pool = set(dag) if observed is None else set(observed)
    for node in pool:
        _check_dag(dag, {"observed": node})
    candidates = sorted(pool - {treatment, outcome})
    if len(candidates) > 16:
        raise ValueError(f"`dag` has {len(candidates)} candidate nodes; at most 16 are supported")
    found = [
        frozenset(subset)
        for size in range(len(candidates) + 1)
        for subset in itertools.combinations(candidates, size)
        if is_valid_adjustment(dag, treatment, outcome, subset)
    ]
    return sorted(found, key=lambda s: (len(s), sorted(s)))
