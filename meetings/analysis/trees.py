"""Gradient-boosted trees as plain arrays, evaluated in plain Python.

Trained at build time with scikit-learn (`bench/gradient_trees.py` exports them), shipped as JSON and
walked here, so the analyser never imports scikit-learn. Used by the whole call's weighing of the
signals (`signal_weighing`) and of the speakers' sentiment (`sentiment_weighing`); each subclass names
the features its trees must have been trained on.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar, Self

from pydantic import BaseModel, model_validator


class Tree(BaseModel):
    """One regression tree, its nodes in arrays: a split sends `x[feature] <= threshold` left."""

    feature: list[int]
    threshold: list[float]
    left: list[int]
    right: list[int]
    leaf: list[bool]
    value: list[float]

    @model_validator(mode="after")
    def _same_length(self) -> Tree:
        lengths = {len(self.feature), len(self.threshold), len(self.left), len(self.right), len(self.leaf)}
        if len(lengths | {len(self.value)}) != 1:
            raise ValueError("a tree's node arrays differ in length")
        return self

    def __call__(self, x: list[float]) -> float:
        node = 0
        while not self.leaf[node]:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


class GradientTrees(BaseModel):
    """A baseline and the trees added to it. `EXPECTED` (set by each subclass) is the feature names, in
    order, the trees must have been trained on; `WHERE` names them in the refusal."""

    EXPECTED: ClassVar[tuple[str, ...]] = ()
    WHERE: ClassVar[str] = ""

    features: list[str]
    baseline: float
    trees: list[Tree]

    @model_validator(mode="after")
    def _same_features(self) -> GradientTrees:
        if tuple(self.features) != self.EXPECTED:
            raise ValueError(f"the trees were trained on other features than {self.WHERE}")
        return self

    @classmethod
    def load(cls, path: Path) -> Self:
        """The trees saved at `path` (JSON), refused if trained on other features."""
        return cls.model_validate_json(path.read_text())

    def raw(self, x: list[float]) -> float:
        """The sum of the baseline and every tree's leaf for `x`: a regressor's prediction."""
        return self.baseline + sum(tree(x) for tree in self.trees)

    def likelihood(self, x: list[float]) -> float:
        """A binary classifier's probability of the positive class for `x`."""
        return 1.0 / (1.0 + math.exp(-self.raw(x)))
