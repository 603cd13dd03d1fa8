"""Tests of helpers.causal_graphs."""

import matplotlib.pyplot as plt
import networkx as nx
import pytest

from helpers.causal_graphs import (
    adjustment_sets,
    backdoor_paths,
    is_valid_adjustment,
    marketing_dag,
    plot_dag,
)


def test_backdoor_paths_and_adjustment_sets():
    dag = marketing_dag()
    assert backdoor_paths(dag, "ads", "sales") == [["ads", "demand", "sales"]]
    assert backdoor_paths(dag, "visits", "sales") == [
        ["visits", "ads", "demand", "sales"],
        ["visits", "ads", "press", "sales"],
        ["visits", "ads", "sales"],
    ]
    assert adjustment_sets(dag, "ads", "sales") == [
        frozenset({"demand"}),
        frozenset({"demand", "region"}),
    ]
    assert adjustment_sets(dag, "ads", "sales", observed=["region", "visits", "press"]) == []


@pytest.mark.parametrize(
    ("adjust", "valid"),
    [((), False), (("demand",), True), (("demand", "press"), False), (("demand", "visits"), False)],
)
def test_backdoor_criterion(adjust, valid):
    assert is_valid_adjustment(marketing_dag(), "ads", "sales", adjust) is valid


def test_classic_m_bias_collider():
    dag = nx.DiGraph([("a", "m"), ("b", "m"), ("a", "x"), ("b", "y"), ("x", "y")])
    assert is_valid_adjustment(dag, "x", "y", set())
    assert not is_valid_adjustment(dag, "x", "y", {"m"})
    assert is_valid_adjustment(dag, "x", "y", {"m", "a"})


@pytest.mark.parametrize(
    ("dag", "treatment", "error", "message"),
    [
        ("not a graph", "ads", TypeError, "`dag` must be a networkx.DiGraph"),
        (nx.DiGraph([("a", "b"), ("b", "a")]), "a", ValueError, "`dag` must be acyclic"),
        (None, "price", ValueError, "`treatment` must be a node of `dag`"),
    ],
)
def test_graph_functions_reject_bad_input(dag, treatment, error, message):
    dag = marketing_dag() if dag is None else dag
    with pytest.raises(error, match=message):
        backdoor_paths(dag, treatment, "sales")


def test_adjustment_rejects_bad_sets():
    dag = marketing_dag()
    with pytest.raises(ValueError, match="`adjust` must not contain the treatment"):
        is_valid_adjustment(dag, "ads", "sales", {"ads"})
    with pytest.raises(ValueError, match="`adjust` must be a node of `dag`"):
        is_valid_adjustment(dag, "ads", "sales", {"weather"})
    with pytest.raises(ValueError, match="`observed` must be a node of `dag`"):
        adjustment_sets(dag, "ads", "sales", observed=["weather"])
    big = nx.DiGraph([(f"n{i}", "y") for i in range(17)] + [("x", "y")])
    with pytest.raises(ValueError, match="at most 16 are supported"):
        adjustment_sets(big, "x", "y")


def test_draw_dag_returns_axes_and_handles_layouts():
    fig, ax = plt.subplots()
    assert plot_dag(marketing_dag(), ax=ax, hidden=["demand"], title="t") is ax
    assert ax.get_title() == "t"
    assert plot_dag(nx.DiGraph([("u", "x"), ("x", "y")])).get_title() == "Causal DAG"
    with pytest.raises(ValueError, match="`highlight` edge"):
        plot_dag(marketing_dag(), highlight=[("sales", "ads")])
