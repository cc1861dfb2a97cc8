"""The reader's own answers behind a raised flag, named from the evaluation.

A flag's condition may read a checklist's count or a framework's stage. The
clause that holds then names the count or the stage ("Repeatability check: 1
yes, which is less than 4"), not the answers that made it; and a rule's own
text, fixed for every reader, can state only the pattern. So the engine names
them: the checklist's items answered no, and what the next stage still needs
(each answer that is no, or not given). Nothing here knows what the answers mean.
"""

from __future__ import annotations

from .explain import Explainer, leaves
from .expr import UNKNOWN, Node, evaluate


def behind(node: Node, explainer: Explainer, checklists: dict, frameworks: dict, stage_nodes: dict) -> list[str]:
    """One sentence per checklist or stage that a holding clause of ``node`` reads.

    ``checklists``: {id: checklist}; ``frameworks``: {id: framework}; ``stage_nodes``:
    {(framework id, stage id): condition}.
    """
    sentences: list[str] = []
    for leaf in leaves(node):
        if explainer.value(leaf) is not True:
            continue
        for call in _calls(leaf):
            sentence = None
            if call.value == "checklist":
                sentence = _answered_no(checklists[call.args[0].value], explainer)
            elif call.value == "stage" and leaf.kind == "cmp" and leaf.value == "==":
                sentence = _still_needed(frameworks[call.args[0].value], explainer, stage_nodes)
            if sentence and sentence not in sentences:
                sentences.append(sentence)
    return sentences


def _calls(node: Node):
    if node.kind == "call" and node.value in ("checklist", "stage"):
        yield node
    for arg in node.args:
        yield from _calls(arg)


def _answered_no(checklist: dict, explainer: Explainer) -> str | None:
    m, questions = explainer.m, explainer.questions
    no = [m._("“%(text)s”", text=questions[qid]["label"]) for qid in checklist["items"] if explainer.answers.get(qid) is False]
    return m._("%(lead)s: %(items)s.", lead=m._("You answered no to"), items="; ".join(no)) if no else None


def _still_needed(framework: dict, explainer: Explainer, stage_nodes: dict) -> str | None:
    """What the stage after the reader's still needs: its clauses that do not hold yet."""
    current = explainer.derived.get(("stage", framework["id"]), UNKNOWN)
    ids = [s["id"] for s in framework["stages"]]
    if current is UNKNOWN or current not in ids or ids.index(current) + 1 == len(ids):
        return None
    following = framework["stages"][ids.index(current) + 1]
    node = stage_nodes[(framework["id"], following["id"])]
    if evaluate(node, explainer.answers, explainer.derived) is True:
        return None
    open_ = [c.text for c in explainer.clauses(node) if c.value is not True]
    m = explainer.m
    return m._("%(lead)s: %(items)s.", lead=m._("To reach %(stage)s", stage=following["title"]), items="; ".join(open_))
