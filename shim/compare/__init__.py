"""Result comparison: JSON normalisation, named tolerances and the first differing path."""

from shim.compare.diff import Difference, compare_results, first_difference, json_kind, row_count, row_list_key
from shim.compare.normalize import TOLERANCES, Tolerance, canonical, to_jsonable

__all__ = [
    "TOLERANCES",
    "Difference",
    "Tolerance",
    "canonical",
    "compare_results",
    "first_difference",
    "json_kind",
    "row_count",
    "row_list_key",
    "to_jsonable",
]
