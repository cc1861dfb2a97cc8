"""Answer sets for the Pyodide parity test (tests/test_parity.py).

The parity test scores the same answer sets with the engine on this CPython and
under Pyodide, and requires the JSON results to be identical. So the sets aim
at whatever two Python builds could disagree on:

* numbers at and either side of the thresholds rules compare against
  (0, 1, 4, 4.5, 5, 6, 20, 21, 29, 30, 31, 999,999, 1,000,000 ...) and ratios
  between related answers close to the cut-offs (0.89, 0.9 ...);
* numbers that are awkward to print (0.1 + 0.2, 2/3, 1e-9, 2**53 + 1, 1e300,
  -0.0) and whole floats for integer questions (5.0 is accepted as 5);
* booleans true, false, null or missing, and few to nearly all answers missing;
* constraints such as ``hell_yes_customers <= paying_customers`` kept, met
  exactly, or broken;
* wrong types, values out of bounds, NaN and infinity, fractions for integer
  questions and unknown or misspelt ids, so the rejection messages are compared
  as well as the scores (about a quarter of the generated sets are invalid).

Only the compiled question definitions (``type``, ``min``, ``max``, ``step``,
``choices``) and, optionally, the compiled constraints are read: the corpus
follows the rules as they change. It is deterministic: the same arguments
always give the same sets, from a private ``random.Random(seed)``.
"""

from __future__ import annotations

import random

from generator.corpus import bounded_pairs as _bounded_pairs
from generator.rules.compile import plain

__all__ = ["answer_sets", "rule_case_answers"]

_COUNTS = [0, 1, 2, 4, 5, 6, 9, 10, 19, 20, 21, 27, 29, 30, 31, 40, 100]
_HALVES = [0.5, 4.5, 4.99, 5.0, 5.5, 20.5, 30.5]  # fine for number questions
_RATIOS = [0, 0.05, 0.1, 0.25, 0.45, 0.49, 0.5, 0.51, 0.75, 0.9, 1, 1.5, 2]
_LARGE = [0, 1, 1000, 50_000, 999_000, 999_999, 999_999.5, 1_000_000, 1_000_001, 2_500_000, 10**9]
_AWKWARD = [1e-9, 0.1 + 0.2, 2 / 3, 123_456.789, 1e15, 2**53 + 1, 10**20, 1e300, -0.0]
_SHARES = [0, 0.3, 0.5, 0.85, 0.89, 0.9, 0.95, 1]  # of a constraint's upper answer
_WRONG = {
    "number": ["5", "", "fünf", True, False, [5], {"value": 5}],
    "boolean": ["true", "yes", 1, 0, "", [True]],
    "choice": ["", "none of these", 1, True],
}


def answer_sets(questions: list[dict], n: int, seed: int, constraints: list[dict] = ()) -> list[dict]:
    """``n`` answer sets (answer id -> value) for compiled ``questions``.

    ``constraints`` are the compiled constraints (``{"rule": "a <= b", ...}``);
    for each one of the form ``a <= b`` between two answers, about half the sets
    make ``a`` a share of ``b`` near the ratios rules test, and some break it.
    """
    rng = random.Random(seed)
    pairs = _bounded_pairs(constraints)
    return [_one_set(questions, pairs, rng) for _ in range(n)]


def rule_case_answers(rules) -> list:
    """The answers of every case in rules/tests/*.yaml, as plain JSON values ([] when there are none)."""
    return [plain(case["answers"]) for _, case in rules.cases]


def _one_set(questions: list[dict], pairs: list[tuple[str, str]], rng: random.Random) -> dict:
    missing = rng.choice([0.0, 0.0, 0.1, 0.3, 0.6, 0.9])
    answers: dict = {}
    for q in questions:
        roll = rng.random()
        if roll < missing:
            continue
        answers[q["id"]] = None if roll > 0.98 else _value(q, rng)  # null counts as not answered
    for low, high in pairs:  # drawn independently, 'a <= b' would fail half the time
        if not (_is_count(answers.get(low)) and _is_count(answers.get(high))):
            continue
        if rng.random() < 0.5:
            answers[low] = round(answers[high] * rng.choice(_SHARES))
        elif answers[low] > answers[high] and rng.random() < 0.8:
            answers[low], answers[high] = answers[high], answers[low]
    if rng.random() < 0.2:
        for _ in range(rng.choice([1, 1, 2])):
            _break(answers, questions, pairs, rng)
    return answers


def _value(q: dict, rng: random.Random):
    """A valid value for one question, near the numbers rules compare against."""
    qtype = q["type"]
    if qtype == "boolean":
        return rng.random() < 0.5
    if qtype == "choice":
        return rng.choice(q["choices"])
    roll = rng.random()
    if roll < 0.04:
        value = rng.choice(_AWKWARD)
    elif (q.get("step") or 1) >= 100:  # money and other large quantities
        value = rng.choice(_LARGE)
    elif qtype == "number" and roll < 0.55:
        value = rng.choice(_RATIOS if roll < 0.3 else _HALVES)
    else:
        value = rng.choice(_COUNTS)
    if qtype == "integer":
        value = float(int(value)) if rng.random() < 0.05 else int(value)  # 5.0: a whole float is accepted
    low, high = q.get("min"), q.get("max")
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def _break(answers: dict, questions: list[dict], pairs: list[tuple[str, str]], rng: random.Random) -> None:
    """Make the set invalid in one way (a null-only or empty set may stay valid)."""
    how = rng.choice(["constraint", "constraint", "bound", "type", "fraction", "non-finite", "unknown id"])
    if how == "constraint" and pairs:
        low, high = rng.choice(pairs)
        base = answers.get(high) if _is_count(answers.get(high)) else rng.choice(_COUNTS)
        answers[high] = base
        answers[low] = base + rng.choice([1, 2, 3])
        return
    numeric = [q for q in questions if q["type"] in ("integer", "number")]
    q = rng.choice(questions if how == "type" else numeric or questions)
    if how == "bound" and q.get("min") is not None:
        answers[q["id"]] = q["min"] - rng.choice([1, 0.5, 1e-9])
    elif how == "bound" and q.get("max") is not None:
        answers[q["id"]] = q["max"] + 1
    elif how == "fraction" and q["type"] == "integer":
        answers[q["id"]] = rng.choice([0.5, 4.5, 20.5, 1e-9])
    elif how == "non-finite" and q["type"] in ("integer", "number"):
        answers[q["id"]] = rng.choice([float("nan"), float("inf"), float("-inf")])
    elif how == "unknown id":
        known = rng.choice(questions)["id"]
        answers[rng.choice([known[:-1], known + "s", known.replace("_", "-"), "favourite_colour", "ответ"])] = rng.choice([1, True, "x"])
    else:
        kind = "number" if q["type"] in ("integer", "number") else q["type"]
        answers[q["id"]] = rng.choice(_WRONG[kind])


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6
