"""Step conditions: a small, safe expression language (no eval).

    condition := or
    or        := and (("or" | "||") and)*
    and       := unary (("and" | "&&") unary)*
    unary     := ("not" | "!") unary | comparison
    comparison:= value (("<" | "<=" | ">" | ">=" | "==" | "!=") value)?
    value     := NUMBER | STRING | true | false | null | PATH | "{{" PATH "}}" | "(" or ")"
    PATH      := NAME ("." (NAME | DIGITS))*

A missing variable is null; an ordering comparison with null or between a number and a non-number
text is false. Numeric text compares as a number ("72" > 70).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op><=|>=|==|!=|&&|\|\||<|>|!|\(|\)|\{\{|\}\})
      | (?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and": "&&", "or": "||", "not": "!"}
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None, "none": None}
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")

Lookup = Callable[[str], Any]


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Node:
    kind: str  # const | path | not | and | or | cmp
    value: Any = None
    children: tuple[Node, ...] = ()


def _tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(f'cannot read "{text[position:].strip()[:20]}"')
        position = match.end()
        if match.group("number") is not None:
            raw = match.group("number")
            tokens.append(("const", float(raw) if "." in raw else int(raw)))
        elif match.group("string") is not None:
            raw = match.group("string")
            tokens.append(("const", re.sub(r"\\(.)", r"\1", raw[1:-1])))
        elif match.group("op") is not None:
            tokens.append(("op", match.group("op")))
        else:
            word = match.group("path")
            if word.lower() in _KEYWORDS:
                tokens.append(("op", _KEYWORDS[word.lower()]))
            elif word.lower() in _CONSTANTS:
                tokens.append(("const", _CONSTANTS[word.lower()]))
            else:
                tokens.append(("path", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take_op(self, *ops: str) -> str | None:
        token = self.peek()
        if token and token[0] == "op" and token[1] in ops:
            self.index += 1
            return token[1]
        return None

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        node = self.or_()
        if self.peek() is not None:
            raise ConditionError(f'unexpected "{self.peek()[1]}"')  # type: ignore[index]
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.take_op("||"):
            node = Node("or", children=(node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.unary()
        while self.take_op("&&"):
            node = Node("and", children=(node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.take_op("!"):
            return Node("not", children=(self.unary(),))
        left = self.value()
        op = self.take_op(*COMPARISONS)
        if op is None:
            return left
        return Node("cmp", op, (left, self.value()))

    def value(self) -> Node:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        self.index += 1
        kind, value = token
        if kind == "const":
            return Node("const", value)
        if kind == "path":
            return Node("path", value)
        if value == "(":
            node = self.or_()
            if not self.take_op(")"):
                raise ConditionError('a "(" is not closed')
            return node
        if value == "{{":
            inner = self.peek()
            if inner is None or inner[0] != "path":
                raise ConditionError('"{{" must hold a variable name')
            self.index += 1
            if not self.take_op("}}"):
                raise ConditionError('a "{{" is not closed')
            return Node("path", inner[1])
        raise ConditionError(f'unexpected "{value}"')


@lru_cache(maxsize=1024)
def parse_condition(text: str) -> Node:
    """The syntax tree of a condition (immutable, so cached); raises ConditionError."""
    return _Parser(_tokenize(text)).parse()


def condition_paths(node: Node) -> list[str]:
    if node.kind == "path":
        return [node.value]
    return [p for child in node.children for p in condition_paths(child)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _compare(op: str, left: Any, right: Any) -> bool:
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None:
        left, right = ln, rn
    elif isinstance(left, str) and isinstance(right, str):
        left, right = left.lower(), right.lower()
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if left is None or right is None or type(left) is not type(right):
        return False
    try:
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


def evaluate(node: Node, lookup: Lookup) -> Any:
    if node.kind == "const":
        return node.value
    if node.kind == "path":
        return lookup(node.value)
    if node.kind == "not":
        return not evaluate(node.children[0], lookup)
    if node.kind == "and":
        return bool(evaluate(node.children[0], lookup)) and bool(evaluate(node.children[1], lookup))
    if node.kind == "or":
        return bool(evaluate(node.children[0], lookup)) or bool(evaluate(node.children[1], lookup))
    return _compare(node.value, evaluate(node.children[0], lookup), evaluate(node.children[1], lookup))
