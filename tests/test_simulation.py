"""helpers.simulation: the Truth record, the Simulation result, and every simulator's shape."""

from __future__ import annotations

import copy
import importlib
import inspect
import pickle
import pkgutil
from typing import Any

import numpy as np
import pandas as pd
import pytest

import helpers
from helpers.simulation import Simulation, Truth
from tests.test_validation_policy import _valid_call

# --- Truth ---------------------------------------------------------------------------------


def test_truth_reads_by_attribute_and_item() -> None:
    hidden = pd.DataFrame({"u": [0.1, 0.2]})
    truth = Truth(elasticity=-1.5, hidden=hidden)
    assert truth.elasticity == -1.5
    assert truth["elasticity"] == -1.5
    assert truth.hidden is hidden
    assert list(truth) == ["elasticity", "hidden"]
    assert len(truth) == 2
    assert "hidden" in truth and "sigma" not in truth
    assert dict(truth) == {"elasticity": -1.5, "hidden": hidden}
    assert truth.to_dict() == dict(truth)
    assert truth.keys() == ["elasticity", "hidden"]


def test_truth_to_dict_is_a_copy() -> None:
    truth = Truth(a=1)
    values = truth.to_dict()
    values["a"] = 2
    assert truth.a == 1


def test_truth_repr_summarises_arrays_and_frames() -> None:
    truth = Truth(
        sigma=0.025,
        y0=np.zeros((112,)),
        hidden=pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}),
        share=pd.Series([0.1, 0.2, 0.3]),
        n_pre=np.int64(84),
    )
    assert repr(truth) == (
        "Truth(sigma=0.025, y0=array(shape=(112,), dtype=float64), "
        "hidden=DataFrame(2 rows x 2 columns), share=Series(3 values), n_pre=84)"
    )
    assert repr(Truth()) == "Truth()"


def test_truth_is_read_only() -> None:
    truth = Truth(lift=0.1)
    with pytest.raises(AttributeError, match="read-only: cannot set 'lift'"):
        truth.lift = 0.2
    with pytest.raises(AttributeError, match="read-only: cannot set 'new'"):
        truth.new = 1
    with pytest.raises(AttributeError, match="read-only: cannot delete 'lift'"):
        del truth.lift
    with pytest.raises(TypeError):
        truth["lift"] = 0.2  # type: ignore[index]
    assert truth.lift == 0.1


def test_an_unknown_name_lists_the_known_ones() -> None:
    truth = Truth(lift=0.1, baseline=0.05)
    with pytest.raises(AttributeError) as err:
        _ = truth.true_lift
    assert str(err.value) == "the truth has no 'true_lift'; its names are: lift, baseline"
    with pytest.raises(KeyError, match="its names are: lift, baseline"):
        _ = truth["lft"]
    with pytest.raises(AttributeError, match=r"its names are: \(none\)"):
        _ = Truth().lift


@pytest.mark.parametrize("name", ["_hidden", "keys", "to_dict", "class", "not a name"])
def test_a_name_that_cannot_be_an_attribute_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"`{name}` must be a name usable as an attribute") as err:
        Truth(**{name: 1})
    assert str(err.value).endswith(f"; got {name!r}")


def test_truth_survives_copy_and_pickle() -> None:
    truth = Truth(lift=0.1, y0=np.arange(3.0))
    for other in (copy.copy(truth), copy.deepcopy(truth), pickle.loads(pickle.dumps(truth))):
        assert other.lift == 0.1
        np.testing.assert_array_equal(other.y0, truth.y0)


# --- Simulation ----------------------------------------------------------------------------


def test_simulation_holds_data_and_truth() -> None:
    data = pd.DataFrame({"y": [1.0, 2.0]})
    sim = Simulation(data, Truth(mean=1.5))
    assert sim.data is data and sim.truth.mean == 1.5
    assert repr(sim) == "Simulation(data=DataFrame(2 rows x 1 columns), truth=Truth(mean=1.5))"
    matrix = Simulation(np.zeros((4, 3)), Truth())
    assert matrix.data.shape == (4, 3)
    assert [f for f in Simulation.__dataclass_fields__] == ["data", "truth"]


def test_simulation_is_frozen() -> None:
    sim = Simulation(np.zeros(3), Truth())
    with pytest.raises(AttributeError):
        sim.data = np.ones(3)  # type: ignore[misc]


def test_simulation_refuses_a_truth_that_is_not_a_truth() -> None:
    with pytest.raises(TypeError, match=r"`truth` must be a Truth .*; got dict"):
        Simulation(pd.DataFrame(), {"lift": 0.1})  # type: ignore[arg-type]


def test_simulation_refuses_data_that_is_not_a_frame_or_array() -> None:
    with pytest.raises(TypeError, match="`data` must be a pandas DataFrame or a numpy array; got"):
        Simulation([1.0, 2.0], Truth())  # type: ignore[arg-type]


# --- every simulator returns a Simulation --------------------------------------------------


def _is_simulator(name: str) -> bool:
    return name == "simulate" or name.startswith("simulate_")


def _simulators() -> list[tuple[str, Any]]:
    """Every public ``simulate``/``simulate_*`` function or method of every helpers module."""
    found = []
    for info in pkgutil.iter_modules(helpers.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"helpers.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) and _is_simulator(name):
                found.append((f"{info.name}.{name}", obj))
            elif inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if inspect.isfunction(value) and _is_simulator(attr):
                        found.append((f"{info.name}.{name}.{attr}", value))
    return found


SIMULATORS = _simulators()


def test_the_simulators_are_found() -> None:
    names = {q for q, _ in SIMULATORS}
    assert {"regression.simulate_shares", "causal.MarketingSCM.simulate"} <= names
    assert len(names) >= 14, names


@pytest.mark.parametrize(("qualname", "fn"), SIMULATORS, ids=[q for q, _ in SIMULATORS])
def test_every_simulator_returns_a_simulation(qualname: str, fn: Any) -> None:
    call = _valid_call(qualname, fn)
    sim = fn(*call.args, **call.kwargs)
    assert isinstance(sim, Simulation), f"{qualname} returns {type(sim).__name__}, not Simulation"
    assert isinstance(sim.truth, Truth)
    assert isinstance(sim.data, (pd.DataFrame, np.ndarray))
    assert len(sim.truth) > 0, f"{qualname} returns no truth"
    undocumented = [name for name in sim.truth if f"``{name}``" not in (fn.__doc__ or "")]
    assert not undocumented, f"{qualname}: document the truth names {undocumented} in Returns"
