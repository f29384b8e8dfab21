"""Small integer codes for distinct values, numbered by first appearance."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# Below this many values numpy's sort is as quick as a hash table, and `matcher rank` (one
# requirement) never imports pandas.
_SMALL = 4096


def first_and_codes(values: NDArray[np.intp]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(the first position of each distinct value, each position's code): codes number the
    distinct values by first appearance, as pandas.factorize does."""
    if len(values) <= _SMALL:
        _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        return first[order].astype(np.intp), renumber[inverse.reshape(-1)].astype(np.intp)
    import pandas as pd

    codes, _ = pd.factorize(values)
    firsts = np.zeros(int(codes.max()) + 1, dtype=np.intp)
    firsts[codes[::-1]] = np.arange(len(codes))[::-1]
    return firsts, codes.astype(np.intp)
