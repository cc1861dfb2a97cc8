"""Which unanswered questions can still change the result: ``ask_next``.

A reader acts on three outcomes: the next goal, the stage in the main
framework (``crosswalk_main``) and the warnings (flags) raised. Each is
*open* while some completion of the answers could still move it, as the
three-valued evaluation shows without guessing: the next goal is open while
a milestone below it, or the goal itself, is unknown; the stage while a
stage above the one reached is unknown; a flag while its condition is
unknown. A raised flag is never open (true stays true whatever else is
answered), so "can change a raised warning" means "can raise one, or rule
it out": the warnings not decided yet.

A question can change an open outcome when some value of it, with every
other unanswered question left unknown, narrows what the outcome can still
be. The values tried come from the rules, not from this knowledge base:
yes and no; a choice's options; for a number, its lower bound and each
threshold it is compared with (the other side evaluated on the answers
given), just below, at and just above it. A value that breaks a
cross-answer constraint is not tried. Should an outcome stay open that no
single answer narrows (answers that only decide it together), its unanswered
inputs are listed after the others: the list is empty only when every
outcome is decided. A question that matters only together with another
unanswered one (the deals won, next to the leads they came from) joins the
list once that one is answered: the list is worked out again after every
answer.

Most decisive first: questions that can change the next goal or the stage
before those that can change only a warning; among those, the current next
goal's own inputs first; then the one that can change more outcomes; then
the questionnaire's order. Pure and deterministic, as the rest of the
engine: the widget recomputes it on every change. Each question's trials
are remembered by exactly what they read, so after one answer changes
most of them are not tried again.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from .expr import UNKNOWN, Node, evaluate, names, references

GOAL = "next_goal"
STAGE = "stage"
_REMEMBERED = 4096  # trial results (and plans) kept per rule set; a full memo starts again


class Asker:
    """The outcomes' dependencies, worked out once per rule set; ``open_questions`` per answer set."""

    def __init__(self, engine) -> None:
        self.questions = engine.questions
        self.order = {qid: index for index, qid in enumerate(engine.questions)}
        self.ladder = [m for optional in (False, True) for m in engine.milestones if bool(m.get("optional")) == optional]
        self.frameworks = engine.frameworks
        self.main = _main_framework(engine.rules)
        self.constraints = [c["node"] for c in engine.constraints]
        self.items: list[tuple[tuple, list[Node]]] = (
            [(("met", mid), [node]) for mid, node in engine.milestone_nodes.items()]
            + [(("checklist", c["id"]), [Node("name", qid, (), 0, 0) for qid in c["items"]]) for c in engine.checklists]
            + [(("stage", f["id"]), [engine.stage_nodes[(f["id"], s["id"])] for s in f["stages"][1:]]) for f in engine.frameworks]
            + [(("flag", fid), [node]) for fid, node in engine.flag_nodes.items()]
        )
        self.engine = engine
        self.comparisons: dict[str, list[Node]] = {qid: [] for qid in self.questions}
        for _, nodes in self.items:
            for node in nodes:
                for cmp in _comparisons(node):
                    for qid in {n.value for n in names(cmp)}:
                        self.comparisons[qid].append(cmp)
        reads_of = {key: ({n.value for node in nodes for n in names(node)}, {r for node in nodes for r in references(node)})
                    for key, nodes in self.items}
        self.reads = {qid: self._reads(qid, reads_of) for qid in self.questions}
        self.affects = {qid: self._affects(reads) for qid, reads in self.reads.items()}
        self.checklist_items = {c["id"]: c["items"] for c in engine.checklists}
        self.stages = {f["id"]: ([s["id"] for s in f["stages"]], [engine.stage_nodes[(f["id"], s["id"])] for s in f["stages"][1:]])
                       for f in engine.frameworks}
        self.constraint_names = [{n.value for n in names(node)} for node in self.constraints]
        self.constraints_of = {qid: [node for node, read in zip(self.constraints, self.constraint_names, strict=True) if qid in read]
                               for qid in self.questions}
        self.needs = self._needs(reads_of)
        self.trial_inputs = {qid: self._trial_inputs(qid) for qid in self.questions}
        self._plans: dict[tuple[str, frozenset], tuple[list, list]] = {}
        self._found: dict[tuple, frozenset] = {}

    def _reads(self, qid: str, reads_of: dict[tuple, tuple[set, set]]) -> list[tuple]:
        """The items (met, checklist, stage, flag) whose value can depend on ``qid``, in evaluation order.
        ``reads_of``: each item's question ids and the items it references."""
        touched: set = set()
        for key, _ in self.items:  # items come in evaluation order: what an item references is before it
            questions, referenced = reads_of[key]
            if qid in questions or referenced & touched:
                touched.add(key)
        return [key for key, _ in self.items if key in touched]

    def _affects(self, reads: list[tuple]) -> set:
        """The outcomes a question can reach at all, whatever the other answers."""
        found: set = {key for key in reads if key[0] == "flag"}
        if any(key[0] == "met" for key in reads):
            found.add(GOAL)
        if ("stage", self.main) in reads:
            found.add(STAGE)
        return found

    def _needs(self, reads_of: dict[tuple, tuple[set, set]]) -> dict:
        """The items each outcome's value is made of, directly or through what they reference: a probe
        updates only those of the outcomes still open. ``reads_of`` as for ``_reads``."""
        def closure(keys: list) -> set:
            found: set = set()
            while keys:
                key = keys.pop()
                if key in reads_of and key not in found:
                    found.add(key)
                    keys.extend(reads_of[key][1])
            return found

        needs = {GOAL: closure([("met", m["id"]) for m in self.ladder]), STAGE: closure([("stage", self.main)])}
        needs.update({key: closure([key]) for key in reads_of if key[0] == "flag"})
        return needs

    def _trial_inputs(self, qid: str) -> tuple[str, ...]:
        """The answers trying values of ``qid`` reads: those its items and its constraints name (the comparisons
        its values come from are in its items)."""
        nodes = dict(self.items)
        read = [node for key in self.reads[qid] for node in nodes[key]] + self.constraints_of[qid]
        return tuple(sorted({n.value for node in read for n in names(node)}))

    def values(self, answers: dict) -> dict:
        """Every item's three-valued value, computed as ``Engine.score`` computes it (tests hold the two equal)."""
        values: dict = {}
        for key, _ in self.items:
            self._update(key, answers, values)
        return values

    def _update(self, key: tuple, answers: dict, values: dict) -> None:
        kind, ident = key
        if kind == "met":
            values[key] = evaluate(self.engine.milestone_nodes[ident], answers)
        elif kind == "checklist":
            items = self.checklist_items[ident]
            values[key] = UNKNOWN if any(answers.get(q) is None for q in items) else sum(answers.get(q) is True for q in items)
        elif kind == "stage":
            possible = self._stages(ident, answers, values)
            values[("stages", ident)] = possible
            values[key] = possible[0] if len(possible) == 1 else UNKNOWN
        else:
            values[key] = evaluate(self.engine.flag_nodes[ident], answers, values)

    def _stages(self, fid: str, answers: dict, values: dict) -> tuple:
        """The stages the framework can still turn out to be: the last one reached, and each unknown one above it."""
        ids, nodes = self.stages[fid]
        reached = [True] + [evaluate(node, answers, values) for node in nodes]
        last = max(i for i, v in enumerate(reached) if v is True)
        return tuple(sid for i, sid in enumerate(ids) if i == last or (i > last and reached[i] is UNKNOWN))

    def outcomes(self, values: dict) -> dict:
        """What each outcome can still be: {next_goal: goals, stage: stages, (flag, id): values}."""
        found = {GOAL: self._outcome(GOAL, values)}
        if self.main:
            found[STAGE] = self._outcome(STAGE, values)
        for key in values:
            if key[0] == "flag":
                found[key] = self._outcome(key, values)
        return found

    def _outcome(self, key, values: dict) -> tuple:
        if key == STAGE:
            return values[("stages", self.main)]
        if key != GOAL:
            return (True, False) if values[key] is UNKNOWN else (values[key],)
        goals: list = []
        for milestone in self.ladder:
            met = values[("met", milestone["id"])]
            if met is not True:
                goals.append(milestone["id"])
                if met is False:
                    break
        else:
            goals.append(None)
        return tuple(goals)

    def open_questions(self, answers: dict) -> list[tuple[str, frozenset]]:
        """(question id, the open outcomes its answer can change), most decisive first; [] when all are decided."""
        values = self.values(answers)
        base = self.outcomes(values)
        open_ = {key for key, can_be in base.items() if len(can_be) > 1}
        if not open_:
            return []
        found: dict[str, set] = {}
        broken = {i for i, node in enumerate(self.constraints) if evaluate(node, answers) is False}
        for qid in self.questions:
            if answers.get(qid) is None and self.affects[qid] & open_:
                # A constraint that does not read the question is as broken for each of its values as without it.
                if any(qid not in self.constraint_names[i] for i in broken):
                    continue
                changed = self._changes(qid, answers, values, base, frozenset(open_ & self.affects[qid]))
                if changed:
                    found[qid] = set(changed)
        for key in open_ - {k for changed in found.values() for k in changed}:
            for qid in self._inputs(key, answers):  # decided only together: each of its inputs can change it
                found.setdefault(qid, set()).add(key)
        goal_inputs = self._goal_inputs(base[GOAL][0], answers)
        ranked = sorted(found, key=lambda q: (not ({GOAL, STAGE} & found[q]), q not in goal_inputs, -len(found[q]), self.order[q]))
        return [(qid, frozenset(found[qid])) for qid in ranked]

    def ask_next(self, answers: dict) -> list[str]:
        return [qid for qid, _ in self.open_questions(answers)]

    def _changes(self, qid: str, answers: dict, values: dict, base: dict, open_: frozenset) -> frozenset:
        """The open outcomes some answer to ``qid`` narrows. Remembered: a re-score after one answer changed
        finds most questions' trials as before, since a question's result depends only on ``open_``, the
        answers in ``self.trial_inputs[qid]`` and the values of what the open outcomes are made of."""
        plan = self._plans.get((qid, open_))
        if plan is None:
            if len(self._plans) >= _REMEMBERED:
                self._plans.clear()
            plan = self._plans[(qid, open_)] = self._plan(qid, open_)
        reads, made_of = plan
        memo = (qid, open_, tuple([answers.get(q) for q in self.trial_inputs[qid]]), tuple([values[key] for key in made_of]))
        found = self._found.get(memo)
        if found is None:
            if len(self._found) >= _REMEMBERED:
                self._found.clear()
            found = self._found[memo] = frozenset(self._trials(qid, answers, values, base, open_, reads))
        return found

    def _plan(self, qid: str, open_: frozenset) -> tuple[list, list]:
        """(the items a trial of ``qid`` updates, in order; every item the open outcomes read: a stage's possible
        stages, which they read too, follow from its answers when it is among the first, and do not matter otherwise)."""
        needed = set().union(*(self.needs[key] for key in open_))
        reads = [key for key in self.reads[qid] if key in needed]  # what the open outcomes are made of, in order
        return reads, [key for key, _ in self.items if key in needed]

    def _trials(self, qid: str, answers: dict, values: dict, base: dict, open_: frozenset, reads: list) -> set:
        changed: set = set()
        constraints = self.constraints_of[qid]  # the others are as without the question (open_questions)
        trial = dict(answers)
        for value in self._probes(qid, answers):
            trial[qid] = value
            if any(evaluate(c, trial) is False for c in constraints):
                continue
            after = dict(values)
            for key in reads:
                self._update(key, trial, after)
            changed |= {key for key in open_ - changed if len(self._outcome(key, after)) < len(base[key])}
            if changed == open_:
                break
        return changed

    def _probes(self, qid: str, answers: dict) -> list[Any]:
        """The values worth trying: both sides of every threshold the question is compared with."""
        question = self.questions[qid]
        if question["type"] == "boolean":
            return [True, False]
        if question["type"] == "choice":
            return list(question["choices"])
        unit = Fraction(1) if question["type"] == "integer" else Fraction(repr(question.get("step") or 1))
        low = question.get("min", 0) if question.get("min") is not None else 0
        found: set[int | Fraction] = {Fraction(repr(low)) if isinstance(low, float) else Fraction(low)}
        for cmp in self.comparisons[qid]:
            for bound in _bounds(cmp, qid, answers):
                if question["type"] == "integer":  # ints: they compare as the Fractions would, and cost less
                    below, above = math.floor(bound), math.ceil(bound)
                    found |= {below - 1, below, above, above + 1}
                else:
                    found |= {bound - unit, bound, bound + unit}
        high = question.get("max")
        return sorted(v for v in found if v >= low and (high is None or v <= high))

    def _inputs(self, key, answers: dict) -> list[str]:
        """The unanswered questions an outcome reads, directly or through what it references."""
        return [qid for qid in self.questions if answers.get(qid) is None and key in self.affects[qid]]

    def _goal_inputs(self, goal: str | None, answers: dict) -> list[str]:
        if goal is None:
            return []
        return [n.value for n in names(self.engine.milestone_nodes[goal]) if answers.get(n.value) is None]


def _main_framework(rules: dict) -> str | None:
    """crosswalk.yaml's ``main``; else the first framework of its first row; else the first framework (as the widget's stage view)."""
    rows = rules.get("crosswalk") or []
    frameworks = rules.get("frameworks") or []
    found = rules.get("crosswalk_main") or (next(iter(rows[0]["stages"]), None) if rows else None)
    return found or (frameworks[0]["id"] if frameworks else None)


def _comparisons(node: Node) -> list[Node]:
    if node.kind == "cmp":
        return [node]
    return [c for arg in node.args for c in _comparisons(arg)]


def _bounds(cmp: Node, qid: str, answers: dict) -> list[Fraction]:
    """The values of ``qid`` at which ``cmp`` can turn, given the answers: from ``q op E`` and ``q / E op E``
    (either way round), where E evaluates to a number."""
    found = []
    for side, other in (cmp.args, cmp.args[::-1]):
        limit = evaluate(other, answers)
        if not _number(limit):
            continue
        if side.kind == "name" and side.value == qid:
            found.append(Fraction(limit))
        elif side.kind == "arith" and side.value == "/" and side.args[0].kind == "name" and side.args[0].value == qid:
            below = evaluate(side.args[1], answers)
            if _number(below):
                found.append(Fraction(limit) * below)
    return found


def _number(value: Any) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)
