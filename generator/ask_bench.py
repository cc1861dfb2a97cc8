"""How many answers ``ask_next`` needs: followed over the corpus of answer profiles.

Each valid profile of the outcome diff's corpus (generator/corpus.py, same
size and seed) is a reader who knows the answers it holds. From an empty form
the reader is shown the first question of ``ask_next`` not shown yet, answers
it with the profile's value, or passes when the profile has none, until the
next goal and the main framework's stage are decided, or until no question
left can change them. Counted: the questions shown (answers and passes).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from .scoring.ask import GOAL, STAGE

TARGETS = {"median": 4, "max": 8}


def follow(engine, profile: dict) -> dict:
    """The questions shown to one reader, in order, and whether the next goal and the stage were decided."""
    answers: dict = {}
    shown: list[str] = []
    while True:
        outcomes = engine.asker.outcomes(engine.asker.values(answers))
        if len(outcomes[GOAL]) == 1 and len(outcomes.get(STAGE, (None,))) == 1:
            return {"shown": shown, "decided": True}
        ahead = [(qid, kinds) for qid, kinds in engine.asker.open_questions(answers) if qid not in shown]
        if not ahead or not {GOAL, STAGE} & ahead[0][1]:
            return {"shown": shown, "decided": False}
        qid = ahead[0][0]
        shown.append(qid)
        if profile.get(qid) is not None:
            answers[qid] = profile[qid]


def quick_paths(root: Path) -> dict:
    """The quick path followed for every valid profile: the figures the targets are about, without timings."""
    from .corpus import answer_sets
    from .diff import GENERATED, SEED
    from .knowledge import load_knowledge
    from .rules.compile import compile_engine

    knowledge = load_knowledge(root)
    rules, engine = compile_engine(knowledge.rules, knowledge.articles)
    drawn = answer_sets(rules["questions"], GENERATED, SEED, rules["constraints"])
    profiles = [clean for clean, problems in map(engine.check, drawn) if not problems]
    runs = [follow(engine, p) for p in profiles]
    shown = [len(r["shown"]) for r in runs]
    decided = [(len(r["shown"]), _in_form_order(engine, p)) for r, p in zip(runs, profiles, strict=True) if r["decided"]]
    return {
        "engine": engine,
        "profiles": profiles,
        "runs": runs,
        "figures": {
            "profiles": len(profiles),
            "decided": len(decided),
            "shown_median": statistics.median(shown),
            "shown_max": max(shown),
            "decided_shown_median": statistics.median(n for n, _ in decided),
            "decided_shown_max": max(n for n, _ in decided),
            "decided_form_order_median": statistics.median(n for _, n in decided),
            "decided_form_order_max": max(n for _, n in decided),
            "targets": TARGETS,
        },
    }


def bench_ask(root: Path) -> dict:
    """The figures, and what ask_next costs on the answer sets the readers passed through (a whole score as the baseline)."""
    paths = quick_paths(root)
    steps = [answers for run, profile in zip(paths["runs"], paths["profiles"], strict=True) for answers in _steps(run, profile)]
    ask_ms, score_ms = _times(paths["engine"], steps)
    return {**paths["figures"], "answer_sets_timed": len(steps), "ask_next_ms_median": round(statistics.median(ask_ms), 3),
            "score_ms_median": round(statistics.median(score_ms), 3)}


def _in_form_order(engine, profile: dict) -> int:
    """The baseline: questions shown when the reader goes down the form until the same outcomes are decided."""
    answers: dict = {}
    shown = 0
    for qid in engine.questions:
        outcomes = engine.asker.outcomes(engine.asker.values(answers))
        if len(outcomes[GOAL]) == 1 and len(outcomes.get(STAGE, (None,))) == 1:
            break
        shown += 1
        if profile.get(qid) is not None:
            answers[qid] = profile[qid]
    return shown


def _steps(run: dict, profile: dict) -> list[dict]:
    """The answer sets a reader passed through on the quick path."""
    return [{q: profile[q] for q in run["shown"][:i] if profile.get(q) is not None} for i in range(len(run["shown"]) + 1)]


def _times(engine, answer_sets: list[dict]) -> tuple[list[float], list[float]]:
    """ms of ask_next alone and of a whole score (which includes it) on each answer set, interleaved."""
    ask, score = [], []
    for answers in answer_sets:
        started = time.perf_counter()
        engine.asker.ask_next(answers)
        ask.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        engine.score(answers)
        score.append((time.perf_counter() - started) * 1000)
    return ask, score
