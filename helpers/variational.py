"""Variational inference: what a mean-field Gaussian approximation gets wrong.

Introduced in notebook 07.

:func:`mean_field_sd` gives the standard deviations that the best mean-field (fully factorised)
Gaussian approximation, in the sense of KL(q || p), assigns to a Gaussian target: the
reciprocal square roots of the precision matrix's diagonal, smaller than the true marginal
standard deviations whenever the coordinates are correlated.
:func:`helpers.compare.compare_methods` sets approximate methods (ADVI, SVI) against a
reference posterior (NUTS).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from helpers import _validate as validate

__all__ = [
    "mean_field_sd",
]


def mean_field_sd(cov: ArrayLike) -> np.ndarray:
    """Standard deviations of the best mean-field Normal approximation to a Normal target.

    Minimising KL(q || p) over fully factorised Normals q for a Normal target p with covariance
    Sigma gives ``sd_i = 1 / sqrt((Sigma^{-1})_{ii})`` (Bishop 2006, section 10.1.2): the
    conditional, not the marginal, spread, so too small whenever parameters are correlated.

    Parameters
    ----------
    cov : array-like, shape (d, d)
        Symmetric positive definite.

    Returns
    -------
    numpy.ndarray, shape (d,)

    Raises
    ------
    ValueError
        If ``cov`` is not a symmetric positive definite square matrix.

    Examples
    --------
    >>> mean_field_sd([[1.0, 0.8], [0.8, 1.0]]).round(3).tolist()
    [0.6, 0.6]
    """
    c = validate.array(cov, "cov", ndim=2)
    if c.shape[0] != c.shape[1]:
        raise validate.fail_value("cov", "a square matrix", f"shape {c.shape}")
    if not np.allclose(c, c.T) or np.any(np.linalg.eigvalsh(c) <= 0):
        raise validate.fail_value("cov", "a symmetric positive definite matrix", "not one")
    return 1.0 / np.sqrt(np.diag(np.linalg.inv(c)))
