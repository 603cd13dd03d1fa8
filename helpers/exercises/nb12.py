"""Self-checks for notebook 12 (causal models: confounding, do-operator, instruments, toolkit).

Each checker recomputes the answer independently of the notebook's solution: by a large fresh
simulation, by a different formula, or in closed form.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import check
from helpers.causal import MarketingSCM
from helpers.causal_estimators import NonlinearSCM
from helpers.causal_refutation import robustness_value, unobserved_common_cause
from helpers.exercises import Answer, Exercise

CHECK_SIZE = 200_000


#: the number of draws of the worked answers to 12-3 and 12-5, and the seed they are drawn with
_WORKED_DRAWS, _WORKED_SEED = 4000, 12_012


def _naive_slope_expected() -> float:
    """In closed form, Cov(X, Y) / Var(X) of the SCM; the checker simulates it instead."""
    return float(MarketingSCM().naive_slope)


def _naive_slope(answer: Any) -> None:
    scm = MarketingSCM()
    data = scm.simulate(CHECK_SIZE, rng=11).data
    slope = np.cov(data["ads"], data["sales"])[0, 1] / data["ads"].var()
    # the OLS slope on 200 000 rows has a standard error of about 0.004; allow 4 of them
    check.close(answer, slope, atol=0.016, name="naive slope")


def _wald_expected(*, iv_data: pd.DataFrame) -> float:
    if not isinstance(iv_data, pd.DataFrame) or not {"region", "ads", "sales"} <= set(iv_data):
        raise TypeError(
            "pass the strong-instrument data as iv_data=... (columns region, ads, sales)"
        )
    # the covariance form of the IV estimator equals the Wald ratio for a binary instrument
    cov = np.cov(iv_data[["region", "ads", "sales"]].to_numpy(float).T)
    return float(cov[0, 2] / cov[0, 1])


def _wald(answer: Any, *, iv_data: pd.DataFrame) -> None:
    expected = _wald_expected(iv_data=iv_data)
    check.close(answer, expected, atol=1e-8, name="Wald estimate")


def _ate_expected() -> np.ndarray:
    """Differences a correct simulation produces: sales under do(ads=4) minus sales under an
    independent do(ads=2), drawn from their exact Normal distribution."""
    scm = MarketingSCM()
    # under do(ads), sales vary through visits' noise, demand and sales' own noise
    var_sales = (
        (scm.sales_on_visits * scm.visits_sd) ** 2 + scm.sales_on_demand**2 + scm.sales_sd**2
    )
    generator = np.random.default_rng(_WORKED_SEED)
    mean = scm.do_mean(4.0) - scm.do_mean(2.0)
    return mean + np.sqrt(2 * var_sales) * generator.standard_normal(_WORKED_DRAWS)


def _ate(answer: Any) -> None:
    draws = answer
    check.holds(bool(draws.size >= 1000), name="at least 1000 simulated differences")
    se = draws.std(ddof=1) / np.sqrt(draws.size)
    exact = 2.0 * MarketingSCM().total_effect
    check.close(draws.mean(), exact, atol=4 * se, name="ATE of ads 2 -> 4 (4 Monte Carlo SE)")


def _flip_low_expected(*, effect_draws: Any, sd_y: float, sd_x: float) -> float:
    lower_end = float(np.quantile(np.asarray(effect_draws, dtype=float), 0.025))
    # the lower end shifts by the bias, so it reaches 0 where the bias equals it: the robustness
    # value of the lower end, in closed form
    return robustness_value(lower_end, sd_outcome_resid=sd_y, sd_treatment_resid=sd_x)


def _flip_low(answer: Any, *, effect_draws: Any, sd_y: float, sd_x: float) -> None:
    expected = _flip_low_expected(effect_draws=effect_draws, sd_y=sd_y, sd_x=sd_x)
    check.close(answer, expected, atol=1e-6, name="strength at which the 95% interval reaches 0")


def _atu_fit(campaign_data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of sales on [1, t, t z, z]: coefficients, their covariance, and the
    weights that turn coefficients into the ATU."""
    needed = {"campaign", "demand", "sales"}
    if not isinstance(campaign_data, pd.DataFrame) or not needed <= set(campaign_data):
        raise TypeError("pass the campaign data as campaign_data=... (campaign, demand, sales)")
    t = campaign_data["campaign"].to_numpy(float)
    z = campaign_data["demand"].to_numpy(float)
    y = campaign_data["sales"].to_numpy(float)
    design = np.column_stack([np.ones(len(t)), t, t * z, z])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    s2 = float(np.sum((y - design @ coef) ** 2) / (len(y) - design.shape[1]))
    cov = s2 * np.linalg.inv(design.T @ design)
    return coef, cov, np.array([0.0, 1.0, z[t == 0].mean(), 0.0])


def _atu_expected(*, campaign_data: pd.DataFrame) -> np.ndarray:
    """ATU draws of the flat-prior posterior of the same regression (Normal about least
    squares), which a weakly informative prior barely moves."""
    coef, cov, weights = _atu_fit(campaign_data)
    generator = np.random.default_rng(_WORKED_SEED)
    return generator.multivariate_normal(coef, cov, size=_WORKED_DRAWS) @ weights


def _atu(answer: Any, *, campaign_data: pd.DataFrame) -> None:
    draws = answer
    check.holds(bool(draws.size >= 100), name="one ATU per posterior draw (at least 100)")
    coef, _, weights = _atu_fit(campaign_data)
    atu = coef @ weights
    # the posterior mean equals least squares up to Monte Carlo error and the prior's pull
    # (both well under 0.01); ATE and ATT differ from the ATU by tau_1 times a demand gap (~0.3)
    check.close(draws.mean(), atu, atol=0.05, name="posterior mean of the ATU")


def _first_stage_f_expected(*, iv_data: pd.DataFrame) -> float:
    if not isinstance(iv_data, pd.DataFrame) or not {"region", "ads"} <= set(iv_data):
        raise TypeError("pass the weak-instrument data as iv_data=... (columns region, ads)")
    r2 = np.corrcoef(iv_data["region"], iv_data["ads"])[0, 1] ** 2
    n = len(iv_data)
    return float(r2 / (1 - r2) * (n - 2))


def _first_stage_f(answer: Any, *, iv_data: pd.DataFrame) -> None:
    expected = _first_stage_f_expected(iv_data=iv_data)
    check.close(answer, expected, rtol=1e-8, name="first-stage F")


def _hidden_moves(sales: Any, ads: Any, covariates: Any) -> np.ndarray:
    return unobserved_common_cause(
        sales, ads, covariates, effect_on_treatment=0.5, effect_on_outcome=2.0,
        n_draws=2000, rng=7,
    )  # fmt: skip


def _hidden_move_expected(*, sales: Any, ads: Any, covariates: Any) -> float:
    return float(_hidden_moves(sales, ads, covariates).mean())


def _hidden_move(answer: Any, *, sales: Any, ads: Any, covariates: Any) -> None:
    moved = _hidden_moves(sales, ads, covariates)
    # 4 Monte Carlo SEs of the simulated mean, plus 0.01: the formula is exact to order 1/n
    atol = 4 * moved.std() / np.sqrt(moved.size) + 0.01
    check.close(answer, moved.mean(), atol=atol, name="where the hidden confounder moves it")


def _fwl_expected(*, nl_data: pd.DataFrame) -> float:
    if not isinstance(nl_data, pd.DataFrame) or not {"demand", "ads", "sales"} <= set(nl_data):
        raise TypeError("pass the non-linear stores as nl_data=... (demand, ads, sales)")
    z = nl_data["demand"].to_numpy(float)
    design = np.column_stack([np.ones(len(z)), nl_data["ads"], z, z**2])
    coef = np.linalg.lstsq(design, nl_data["sales"].to_numpy(float), rcond=None)[0]
    return float(coef[1])


def _fwl(answer: Any, *, nl_data: pd.DataFrame) -> None:
    check.close(
        answer,
        _fwl_expected(nl_data=nl_data),
        atol=1e-8,
        name="partialled-out effect = OLS coefficient",
    )


def _deep_counterfactual_expected(
    *, unit: pd.DataFrame, noise: pd.DataFrame, resid_sd: float
) -> float:
    """The store's true counterfactual sales, from the simulator's own noise."""
    if not isinstance(unit, pd.DataFrame) or len(unit) != 1:
        raise TypeError("pass the store as a one-row DataFrame, unit=held_out.loc[[worst]]")
    truth = NonlinearSCM().counterfactual_sales(unit, noise, unit["ads"].to_numpy() - 1.0)
    return float(truth[0])


def _deep_counterfactual(
    answer: Any, *, unit: pd.DataFrame, noise: pd.DataFrame, resid_sd: float
) -> None:
    truth = [_deep_counterfactual_expected(unit=unit, noise=noise, resid_sd=resid_sd)]
    # the network's RMS error in the mean function is at most the held-out residual SD, and a
    # counterfactual is the difference of two network predictions: allow twice that
    check.close(answer, truth[0], atol=2 * resid_sd, name="counterfactual sales, 1k fewer ads")


EXERCISES = {
    "12-1": Exercise(
        _naive_slope,
        expected=_naive_slope_expected,
        answer=Answer.number("the expected naive regression slope"),
        hint="The naive slope is the covariance of ads and sales over the variance of ads; "
        "demand drives both, so the slope is the total effect plus a backdoor term whose sign "
        "is the product of demand's two effects.",
        solution="var_ads = scm.ads_on_demand**2 + scm.ads_sd**2; scm.total_effect + "
        "scm.sales_on_demand * scm.ads_on_demand / var_ads.",
        explanation="The bias gamma * alpha / Var(X) is the whole backdoor path, in one number.",
    ),
    "12-2": Exercise(
        _wald,
        expected=_wald_expected,
        answer=Answer.number("the Wald estimate"),
        hint="With a binary instrument, the effect is how much sales move between the two "
        "regions relative to how much ads move between them: a ratio of two differences, "
        "outcome over treatment.",
        solution="by_region = iv_data.groupby('region')[['ads', 'sales']].mean(); (sales[1] - "
        "sales[0]) / (ads[1] - ads[0]).",
        explanation=(
            "The Wald ratio is the method-of-moments IV estimate; the Bayesian model agrees "
            "with it and adds an interval that widens honestly when the instrument is weak."
        ),
    ),
    "12-3": Exercise(
        _ate,
        expected=_ate_expected,
        answer=Answer.vector(None, "simulated differences in sales, one per draw"),
        hint="An intervention sets ads for every store, cutting the arrow from demand to ads: "
        "simulate the model under each setting and take the differences in sales.",
        solution="high = poutine.do(pyro_scm, data={'ads': torch.tensor(4.0)})(n); the same "
        "with 2.0 for low; ate_draws = high - low.",
        explanation="Under do() every store has the same ads, so demand no longer biases the "
        "difference.",
    ),
    "12-4": Exercise(
        _flip_low,
        expected=_flip_low_expected,
        answer=Answer.number("the confounder strength (a partial R^2)"),
        hint="It is the interval's lower end, not the estimate, that has to reach zero; find "
        "the equal confounder strength on treatment and outcome whose bias is as large as "
        "that lower end.",
        solution="low = np.quantile(effect_draws, 0.025); brentq(lambda r: low - "
        "confounder_bias(r, r, sd_outcome_resid=sd_y, sd_treatment_resid=sd_x), 0, 0.999).",
        explanation="The interval flips long before the estimate itself reaches zero.",
    ),
    "12-5": Exercise(
        _atu,
        expected=_atu_expected,
        answer=Answer.vector(None, "the ATU, one value per posterior draw"),
        hint="The effect depends on demand, so the average effect on the untreated averages "
        "the effect over the untreated stores' demand, separately for every posterior draw.",
        solution="z = camp.loc[~treated, 'demand'].to_numpy(); (tau0[:, None] + tau1[:, None] "
        "* z).mean(axis=1).",
        explanation="The untreated stores have low demand, so the campaign would do less there.",
    ),
    "12-6": Exercise(
        _first_stage_f,
        expected=_first_stage_f_expected,
        answer=Answer.number("the first-stage F statistic"),
        hint="For one instrument the first-stage F is the square of the t statistic of the "
        "instrument's coefficient when ads are regressed on it (with an intercept).",
        solution="Regress ads on [1, region] with lstsq; s2 = RSS / (n - 2); se = sqrt(s2 * "
        "inv(D'D)[1, 1]); F = (slope / se) ** 2.",
        explanation="For one instrument F = t^2 = R^2 / (1 - R^2) * (n - 2): three routes, one "
        "number.",
    ),
    "12-7": Exercise(
        _hidden_move,
        expected=_hidden_move_expected,
        answer=Answer.number("the effect estimate after adding the hidden confounder"),
        hint="The omitted-variable formula of section 8 predicts the move: the confounder's "
        "effect on ads adds to the variance of ads, and its effect on sales adds a covariance; "
        "the estimate becomes a ratio of the two.",
        solution="(estimate * v_ads + 0.5 * 2.0) / (v_ads + 0.5**2), with k_X = 0.5 and k_Y = 2.0.",
        explanation=(
            "A confounder strong on the treatment attenuates and biases at once; the formula "
            "tells you the move before you simulate."
        ),
    ),
    "12-8": Exercise(
        _fwl,
        expected=_fwl_expected,
        answer=Answer.number("the partialled-out effect of ads"),
        hint="Frisch-Waugh-Lovell: remove from both sales and ads what the controls (demand "
        "and its square, plus an intercept) explain, then regress residual on residual.",
        solution="Residualise sales and ads on [1, demand, demand_sq] with lstsq; effect = "
        "ads_r @ sales_r / (ads_r @ ads_r).",
        explanation="Double ML is this recipe with learned regressions and cross-fitting.",
    ),
    "12-9": Exercise(
        _deep_counterfactual,
        expected=_deep_counterfactual_expected,
        answer=Answer.number("the counterfactual sales"),
        hint="A counterfactual keeps the store's own noise (abduction) and changes only its "
        "ads (action), then predicts (prediction); it is about this one store with one "
        "thousand fewer ads, not a population average.",
        solution="worst_row = held_out.loc[[worst]]; with torch.no_grad(): "
        "float(deep_counterfactual(worst_row, worst_row['ads'].to_numpy() - 1)[0]).",
        explanation="Abduction keeps the store's large residual; a mean prediction would lose it.",
    ),
}
