"""Fitted scikit-learn gradient boosting exported as the plain trees the analyser walks
(`meetings/analysis/trees.py`): the builders of the signal and the sentiment weighing share it."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from meetings.analysis.trees import GradientTrees, Tree

T = TypeVar("T", bound=GradientTrees)

PARAMS = {  # both builders': 200 trees of at most 15 leaves, no early stopping, reproducible
    "max_iter": 200,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "early_stopping": False,
    "random_state": 0,
}


def export(fitted, cls: type[T]) -> T:
    """A fitted binary `HistGradientBoostingClassifier` or `HistGradientBoostingRegressor` as `cls`."""
    exported = []
    for (predictor,) in fitted._predictors:
        nodes = predictor.nodes
        exported.append(
            Tree(
                feature=[int(n["feature_idx"]) for n in nodes],
                threshold=[float(n["num_threshold"]) for n in nodes],
                left=[int(n["left"]) for n in nodes],
                right=[int(n["right"]) for n in nodes],
                leaf=[bool(n["is_leaf"]) for n in nodes],
                value=[float(n["value"]) for n in nodes],
            )
        )
    baseline = float(fitted._baseline_prediction.ravel()[0])
    return cls(features=list(cls.EXPECTED), baseline=baseline, trees=exported)


def save(fitted, cls: type[GradientTrees], path: Path, rows: int, what: str) -> None:
    """Export `fitted` as `cls` to `path` (JSON), and say so."""
    exported = export(fitted, cls)
    path.write_text(exported.model_dump_json())
    where = path.relative_to(Path(__file__).resolve().parent.parent)
    print(f"wrote {where}: {len(exported.trees)} trees over {rows} {what}")
