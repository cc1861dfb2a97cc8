"""Rule test cases (rules/tests/*.yaml): answers in, expected outcomes out.

Each case states only what it is about; ``case_failures`` compares those
expectations with what the engine returns and says, in words, what differs.
pytest runs every case, and ``python -m generator check`` does too, so a rule
change that breaks a case fails before review.
"""

from __future__ import annotations

from .compile import plain


def case_failures(engine, case: dict) -> list[str]:
    """What differs between the case's expectations and the engine's answer; [] when it passes."""
    answers = plain(case["answers"])
    expect = plain(case["expect"])
    _, problems = engine.check(answers)
    rejected = sorted({p.id for p in problems})
    wanted_invalid = sorted(expect.get("invalid", []))
    if wanted_invalid or rejected:
        if rejected != wanted_invalid:
            return [f"rejected answers {rejected}, expected {wanted_invalid}" + "".join(f"\n    {p.id}: {p.message}" for p in problems)]
        return []
    result = engine.score(answers, ask=False)  # no case asserts ask_next, which costs more than the rest of a score
    failures = []
    for mid, status in expect.get("milestones", {}).items():
        got = result["milestones"].get(mid, {}).get("status")
        if got != status:
            failures.append(f"{mid} is {got}, expected {status}: {result['milestones'].get(mid, {}).get('why')}")
    if "next_goal" in expect and result["next_goal"] != expect["next_goal"]:
        failures.append(f"next goal is {result['next_goal']}, expected {expect['next_goal']}")
    for fid, stage in expect.get("stages", {}).items():
        got = result["stages"].get(fid)
        if got != stage:
            why = result["stage_details"].get(fid, {}).get("why")
            failures.append(f"{fid} stage is {got}, expected {stage}: {why}")
    raised = [f["id"] for f in result["flags"]]
    if "flags" in expect and sorted(raised) != sorted(expect["flags"]):
        failures.append(f"flags raised {sorted(raised)}, expected exactly {sorted(expect['flags'])}")
    for fid in expect.get("flags_include", []):
        if fid not in raised:
            failures.append(f"flag {fid} is not raised (raised: {raised})")
    for fid in expect.get("flags_exclude", []):
        if fid in raised:
            why = next(f["why"] for f in result["flags"] if f["id"] == fid)
            failures.append(f"flag {fid} is raised, expected not: {why}")
    for cid, yes in expect.get("checklists", {}).items():
        got = result["checklists"].get(cid, {}).get("yes")
        if got != yes:
            failures.append(f"checklist {cid} counts {got} yes, expected {yes}")
    if "warnings" in expect:
        fired = sorted(w["id"] for w in result["warnings"])
        if fired != sorted(expect["warnings"]):
            failures.append(f"consistency checks fired {fired}, expected {sorted(expect['warnings'])}")
    return failures
