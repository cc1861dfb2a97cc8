"""Deterministic, varied answer profiles (answer sets) built from the question definitions.

Used by the outcome diff (``python -m generator diff``) and the Pyodide
parity test: values cluster around the numbers rules compare against,
answers go missing at random, and some sets break a cross-answer constraint
or a bound on purpose, so rejections are compared as well as scores.
The same seed always gives the same profiles.
"""

from __future__ import annotations

import random

_NUMBERS = [0, 1, 2, 4, 4.5, 5, 6, 9, 10, 12, 19, 20, 21, 27, 29, 30, 31, 40, 100]
_RATIOS = [0, 0.1, 0.25, 0.49, 0.5, 0.75, 1, 1.5]
_REVENUE = [0, 50_000, 100_000, 999_999, 1_000_000, 2_500_000]


def answer_sets(questions: list[dict], n: int, seed: int, constraints: list[dict] = ()) -> list[dict]:
    """``constraints`` (compiled, as {"rule": "a <= b"}) let half the profiles set ``a`` as a
    share of ``b``, so ratios between related answers are spread evenly, not left to chance."""
    rng = random.Random(seed)
    pairs = bounded_pairs(constraints)
    sets = []
    for index in range(n):
        missing = rng.choice([0.0, 0.2, 0.5, 0.8])
        answers = {}
        for q in questions:
            if rng.random() < missing:
                continue
            answers[q["id"]] = _value(q, rng)
        for low, high in pairs:
            if rng.random() < 0.5 and isinstance(answers.get(high), int) and not isinstance(answers.get(low), bool) and low in answers:
                answers[low] = round(answers[high] * rng.choice([0.3, 0.5, 0.8, 0.85, 0.88, 0.9, 0.92, 0.95, 1.0]))
        if index % 7 == 0 and "paying_customers" in answers and "hell_yes_customers" in answers:
            answers["hell_yes_customers"] = answers["paying_customers"] + rng.randint(1, 3)  # breaks a constraint
        if index % 11 == 0 and answers:
            answers[rng.choice(sorted(answers))] = rng.choice([-1, "five", True, 2.5])  # a wrong type or bound
        if index % 5 == 1 and "paying_customers" in answers and "hell_yes_customers" in answers:
            answers["hell_yes_customers"] = min(answers["hell_yes_customers"], answers["paying_customers"])
        sets.append(answers)
    return sets


def bounded_pairs(constraints) -> list[tuple[str, str]]:
    """(a, b) for every constraint of the form 'a <= b' between two answers."""
    from .scoring.expr import parse

    pairs = []
    for constraint in constraints:
        node = parse(constraint["rule"])
        if node.kind == "cmp" and node.value in ("<=", "<") and all(arg.kind == "name" for arg in node.args):
            pairs.append((node.args[0].value, node.args[1].value))
    return pairs


def _value(q: dict, rng: random.Random):
    if q["type"] == "boolean":
        return rng.random() < 0.5
    if q["type"] == "choice":
        return rng.choice(q["choices"])
    if q.get("unit") == "USD":
        pool = _REVENUE
    elif q.get("step") and q["step"] < 1:  # a ratio (0.05: demand against forecast) or a count in halves (0.5: calls a week)
        pool = _RATIOS + _NUMBERS
    else:
        pool = _NUMBERS
    value = rng.choice(pool)
    if q["type"] == "integer":
        value = int(value)
    if q.get("max") is not None:
        value = min(value, q["max"])
    return value
