"""The one gate that `check` and `build` share: a knowledge base that fails it is never published.

It first refuses every symbolic link, special file and unsafe file name among
the sources a build reads (``sources.source_problems``), before any of them is
read. Then it reads mkdocs.yml's allow-list of the site owner's settings
(``site/config.py``), loads and validates every rules and content file (with the
text-safety checks), compiles the rules, and scores every rule case and an empty answer
set with the engine the browser runs. An engine error on any of them is a
problem in the rules, reported at the case, never a traceback. That they all
passed is kept for the next build by the SHA-256 of the compiled rules and the
cases (kept.py: only while the generator's code and Python are the same, so
the engine is too); a failure is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import kept
from .errors import Problem, UserError
from .knowledge import Knowledge, load_knowledge
from .rules.cases import case_failures
from .rules.compile import compile_engine, plain
from .scoring import Engine
from .site.config import SiteConfig, read_site_config
from .sources import source_problems


@dataclass
class Checked:
    knowledge: Knowledge
    compiled: dict
    engine: Engine
    config: SiteConfig  # mkdocs.yml: the site owner's choices


def check_knowledge(root: Path) -> Checked:
    """Everything `check` verifies; raises UserError with every problem found."""
    unsafe = source_problems(root)
    if unsafe:
        raise UserError(unsafe)
    config, config_problems = read_site_config(root)
    try:
        knowledge = load_knowledge(root)
    except UserError as err:
        raise UserError(config_problems + err.problems) from None
    if config_problems:
        raise UserError(config_problems)
    rules = knowledge.rules
    compiled, engine = compile_engine(rules, knowledge.articles, config.language)  # the engine's sentences in the site's language
    passed = _cases_key(compiled, rules.cases)
    known = [key for key in kept.read(_KEPT).get("passed", []) if isinstance(key, str)]
    if passed in known:
        return Checked(knowledge, compiled, engine, config)
    problems = []
    try:
        engine.score({})
    except Exception as err:  # noqa: BLE001 - whatever breaks the engine would break every visitor's widget
        problems.append(Problem("rules", 1, 1, f"the engine fails on an empty answer set: {_brief(err)}",
                                "a condition or number in the rules is out of the engine's range; see the problems above"))
    for file, case in rules.cases:
        try:
            failures = case_failures(engine, case)
        except Exception as err:  # noqa: BLE001 - as above, placed at the case
            failures = [f"the engine fails on it: {_brief(err)}"]
        for failure in failures:
            problems.append(Problem(file.rel, case.pos[0], case.pos[1], f"rule case {case['name']!r} fails: {failure}"))
    if problems:
        raise UserError(problems)
    kept.write(_KEPT, {"passed": [passed, *(key for key in known if key != passed)][:_KEPT_MOST]})
    return Checked(knowledge, compiled, engine, config)


_KEPT = "rule-cases"
_KEPT_MOST = 16  # rule sets whose cases passed


def _cases_key(compiled: dict, cases: list) -> str:
    """The SHA-256 of everything the engine is given here: the compiled rules and each case's answers and
    expectations, in order, as Python writes them (repr tells 1 from '1' and 1.0, which JSON would not)."""
    return kept.key(repr((compiled, [(plain(case["answers"]), plain(case["expect"])) for _, case in cases])))


def _brief(err: Exception) -> str:
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= 200 else text[:200] + "…"
