"""`bench --check`: which results miss the targets the benchmark printed beside them.

Every target is a ceiling (a ratio, milliseconds, kilobytes: less is better); a key ending in ``_aim`` is a hope, not
a target. A target applies to the value of the same name beside it, or to that value in each row of ``sizes``; a row
of ``sizes`` may carry its own targets (``bench serve``: one per size).
"""

from __future__ import annotations


def missed_targets(result: dict) -> tuple[list[str], list[str]]:
    """(the results over their target, one line each; the targets that name no result, so were not checked)."""
    missed: list[str] = []
    unchecked: list[str] = []
    for holder in _holders(result):
        for key, limit in holder["targets"].items():
            if key.endswith("_aim"):
                continue
            values = [(_at(key, holder["articles"]) if "articles" in holder else key, holder[key])] if key in holder else [
                (_at(key, row.get("articles", index)), row[key]) for index, row in enumerate(holder.get("sizes", [])) if key in row]
            if not values:
                unchecked.append(key)
            missed += [f"{name} is {value}, over its target {limit}" for name, value in values
                       if value is not None and value > limit]
    return missed, unchecked


def _at(key: str, size: int | str) -> str:
    """The value's name with the size it was measured at: a number of articles, or a name ("this knowledge base")."""
    return f"{key} at {size} articles" if isinstance(size, int) else f"{key} at {size}"


def _holders(result) -> list[dict]:
    """Every dict of the result that carries a 'targets' dict, however deep."""
    if isinstance(result, list):
        return [found for item in result for found in _holders(item)]
    if not isinstance(result, dict):
        return []
    own = [result] if isinstance(result.get("targets"), dict) else []
    return own + [found for key, value in result.items() if key != "targets" for found in _holders(value)]
