"""Groups, small cells and the top-k: one rule of each, used by the audit, the mitigation
comparison, the explanation report, the lists, the model card and the dashboard.

- Top-k: the one tie rule of every list Abri sends or evaluates: score descending, then the
  household key ascending (row order when there is no key). `top_k_mask` (numpy) and `ordered`
  (a DataFrame sort) are two forms of the same rule; a test checks that they agree.
  Worked example: scores a 0.9, b 0.9, c 0.5, d 0.9 with keys "k3", "k1", "k0", "k2": the order is
  b (k1), d (k2), a (k3), c; top-2 = {b, d}. Without keys the order is a, b, d, c (row order).
- Small cells: `suppress` hides every group with fewer than `min_cell` rows (primary), then enough
  neighbours that the hidden rows cannot be recovered by subtraction from a published margin
  (complementary): within each cell of each margin the hidden groups hold 0 or >= min_cell rows.
- Group labels: `spec_label` and `group_label` give the catalogue's words (`attr.*`, `gval.*`) for
  an audited attribute and a group value; an unknown value is shown as it is, never blank.

Imports numpy, pandas and the catalogue only: models/ and the dashboard use it without pulling
in Fairlearn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reports.i18n import has, t

MIN_CELL = 11  # fewer people than this in a group or cell: no figure shown (ABRI_MIN_CELL)
MISSING = "NA"  # a missing attribute value is a group of its own, never dropped
JOIN = " × "  # how an intersection of attributes (a spec) and its groups are named


# --------------------------------------------------------------------------- group values

def group_values(col: pd.Series) -> pd.Series:
    """Group values as strings (object Series, same index); whole floats print as integers
    (1.0 -> "1"); missing or blank -> "NA"."""
    s = col
    if pd.api.types.is_float_dtype(s) and np.all(np.mod(s.dropna(), 1) == 0):
        s = s.astype("Int64")
    out = s.astype("string").fillna(MISSING).str.strip()
    return out.mask(out == "", MISSING).astype(object)


def spec_name(spec: Sequence[str] | str) -> str:
    """("sexe", "tenure") -> "sexe × tenure"; a name is returned as it is."""
    return spec if isinstance(spec, str) else JOIN.join(spec)


def natural_key(name: str) -> tuple:
    """Sort key for group names: arrondissements "2" before "10", text after numbers, "NA" last."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in str(name).split(JOIN))
    return (name == MISSING, parts)


# --------------------------------------------------------------------------- top-k

def top_k_order(scores, keys: np.ndarray | None = None) -> np.ndarray:
    """Row indices in list order: scores descending, then keys ascending (row order when None).

    scores: one array, or a tuple of arrays compared in turn (the first decides, the next breaks
    its ties; all descending) before the keys. NaN scores come last."""
    arrays = [np.asarray(a, dtype=float) for a in (scores if isinstance(scores, tuple) else (scores,))]
    n = len(arrays[0])
    tiebreak = np.arange(n) if keys is None else np.asarray(keys)
    # lexsort sorts by its last key first
    return np.lexsort((tiebreak, *(-a for a in reversed(arrays))))


def top_k_mask(scores, k: int, keys: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of the k first rows by the one tie rule (`top_k_order`); k is clipped to
    [0, n]. The same rows as `ordered(frame).head(k)`."""
    order = top_k_order(scores, keys)
    mask = np.zeros(len(order), dtype=bool)
    mask[order[:max(0, min(int(k), len(order)))]] = True
    return mask


def ordered(frame: pd.DataFrame, *, score: str = "score", by: tuple[str, ...] = (),
            key: str | None = "household_key") -> pd.DataFrame:
    """`frame` sorted within `by` groups by the one tie rule: `score` descending, then `key`
    ascending (row order when key is None); the DataFrame form of `top_k_order`."""
    cols = [*by, score, *([key] if key else [])]
    asc = [True] * len(by) + [False] + ([True] if key else [])
    return frame.sort_values(cols, ascending=asc, kind="stable", na_position="last")


# --------------------------------------------------------------------------- small cells

def suppress(sizes: pd.Series, *, min_cell: int, values: pd.DataFrame | None = None,
             margins: Sequence[Sequence[str]] = (), complementary: bool = True) -> set:
    """Groups (index of `sizes`: group -> rows) whose figures must not be shown.

    Primary: fewer than min_cell rows. Complementary: the overall total and every margin (a
    tuple of columns of `values`, group -> value of each column) are published, so within each of
    their cells the hidden groups must together hold 0 or at least min_cell rows; otherwise the
    smallest shown sibling (then by name) is hidden too. E.g. F (n=500) = F x 0 (n=495) + F x 1
    (n=5): hiding F x 1 alone is useless, F x 0 goes too. Finest margins are checked first: a
    sibling hidden there also protects every coarser margin. complementary=False: primary only,
    for figures whose group sizes are not published (the mitigation comparison's miss rates).
    """
    if any(margins) and values is None:
        raise ValueError("suppress: margins need the values of their columns")
    hidden = set(sizes.index[sizes < min_cell])
    if not complementary:
        return hidden
    margins = sorted((tuple(m) for m in margins if m), key=len, reverse=True) + [()]
    changed = True
    while changed:
        changed = False
        for margin in margins:
            if margin and values is not None:
                keys = values.loc[sizes.index, list(margin)].apply(tuple, axis=1)
            else:
                keys = pd.Series([()] * len(sizes), index=sizes.index, dtype=object)
            for members in keys.groupby(keys).groups.values():
                pooled = sum(sizes[g] for g in members if g in hidden)
                shown = sorted((sizes[g], str(g), g) for g in members if g not in hidden)
                if 0 < pooled < min_cell and shown:
                    hidden.add(shown[0][2])
                    changed = True
            if changed:  # start again from the finest margin
                break
    return hidden


# --------------------------------------------------------------------------- labels

def label(prefix: str, code, *, lang: str | None = None) -> str:
    """t(f"{prefix}.{code}") when the catalogue has it, else the code itself."""
    key = f"{prefix}.{code}"
    return t(key, lang=lang) if has(key) else str(code)


def spec_label(spec: Sequence[str] | str, lang: str | None = None) -> str:
    """"nationalite × tenure" (or the tuple) -> "nationalité × parc de logement"."""
    attrs = str(spec).split(JOIN) if isinstance(spec, str) else list(spec)
    return JOIN.join(label("attr", a, lang=lang) for a in attrs)


def value_label(attr: str, value, *, lang: str | None = None) -> str:
    """One attribute's value in words: "prive" -> "parc privé", arrondissement "4" -> "4e"."""
    value = str(value)
    if attr == "arrondissement" and value.isdigit():
        return (t("gval.arrondissement_1", lang=lang) if int(value) == 1
                else t("gval.arrondissement", lang=lang, n=str(int(value))))
    return label("gval", value, lang=lang)


def group_label(spec: Sequence[str] | str, value, *, lang: str | None = None) -> str:
    """("nationalite × tenure", "HORS_UE × prive") -> "hors Union européenne × parc privé". A
    value whose parts do not match the spec is shown as it is."""
    attrs = str(spec).split(JOIN) if isinstance(spec, str) else list(spec)
    values = str(value).split(JOIN)
    if len(attrs) != len(values):
        return str(value)
    return JOIN.join(value_label(a, v, lang=lang) for a, v in zip(attrs, values, strict=True))
