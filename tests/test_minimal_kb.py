"""What `check` accepts, `build` builds: knowledge bases with every optional field and kind left out.

Hypothesis draws which optional kinds exist (frameworks, flags, checklists,
constraints, consistency checks, glossary, outline and articles) and fills
each with only the fields generator/rules/model.py requires; every such
knowledge base must pass the gate and build. A few examples only: each is a
real build.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.content.pages import REQUIRED_PAGES
from generator.gate import check_knowledge
from generator.rules.load import kind_of_path
from generator.rules.schema import write_schemas
from generator.site.build import build_site
from tests.conftest import examples

PLANTS = Path(__file__).parent / "fixtures" / "plant-kb"
TYPES = ("integer", "number", "boolean")


OPTIONAL = ("frameworks", "second_stage", "flags", "checklists", "constraints", "consistency", "glossary", "articles")
SPECS = st.fixed_dictionaries({
    "types": st.lists(st.sampled_from(TYPES), min_size=1, max_size=3),
    "extra_milestone": st.booleans(),
    **{name: st.booleans() for name in OPTIONAL},
})
EVERYTHING = {"types": list(TYPES), "extra_milestone": True, **{name: True for name in OPTIONAL}}
NOTHING = {"types": ["integer"], "extra_milestone": False, **{name: False for name in OPTIONAL}}


def minimal_kb(spec: dict) -> dict[str, str]:
    """rel path -> text of a valid knowledge base with no optional field set."""
    types = spec["types"]
    questions = [(f"q{i}", kind) for i, kind in enumerate(types)]
    conditions = [qid if kind == "boolean" else f"{qid} >= 1" for qid, kind in questions]
    milestones = [f"m{i}" for i in range(len(questions) + int(spec["extra_milestone"]))]  # check wants every question read
    files = {
        "rules/sources.yaml": "sources:\n  - {id: notes, title: Notes, author: Someone, kind: article, contributes: Everything.}\n",
        "rules/questions/main.yaml": "id: main\ntitle: Main\norder: 1\nquestions:\n" + "".join(
            f"  - {{id: {qid}, type: {kind}, label: Which {qid}, help: Count it.}}\n" for qid, kind in questions),
        "rules/ladder.yaml": f"title: Ladder\nsummary: In order.\nmilestones: [{', '.join(milestones)}]\n"
                             "source: {id: notes, point: All}\n",
        "rules/tests/cases.yaml": "cases:\n  - {name: nothing answered, answers: {}, expect: {}}\n",
        "mkdocs.yml": (PLANTS / "mkdocs.yml").read_text(encoding="utf-8"),
    }
    sections = []
    if spec["frameworks"]:
        sections.append("frameworks")
        work = f"milestones: [{milestones[0]}]"  # check wants a stage to list milestones or articles
        stages = [f"  - {{id: first, title: First, summary: Start., focus: Begin., {work}}}\n"]
        if spec["second_stage"]:
            stages.append(f"  - {{id: second, title: Second, summary: Later., when: '{conditions[0]}', focus: Go on., {work}}}\n")
        files["rules/frameworks/phases.yaml"] = ("id: phases\ntitle: Phases\nsummary: Two phases.\nstages:\n" + "".join(stages)
                                                 + "source: {id: notes, point: Phases}\n")
    if spec["flags"]:
        sections.append("flags")
        files["rules/flags/careful.yaml"] = (f"id: careful\ntitle: Careful\ncondition: {conditions[0]}\n"
                                             "explanation: Take care.\nsource: {id: notes, point: Care}\n")
    booleans = [qid for qid, kind in questions if kind == "boolean"]
    if booleans and spec["checklists"]:
        sections.append("checklists")
        files["rules/checklists/basics.yaml"] = (f"id: basics\ntitle: Basics\nsummary: Count them.\nitems: [{booleans[0]}]\n"
                                                 "source: {id: notes, point: Basics}\n")
    if spec["constraints"]:
        files["rules/constraints.yaml"] = "constraints:\n  - {id: sane, rule: '1 >= 0', message: Never false.}\n"
    if spec["consistency"]:
        files["rules/consistency.yaml"] = f"checks:\n  - {{id: odd, when: '{conditions[0]}', message: Check it.}}\n"
    if spec["glossary"]:
        sections.append("glossary")
        files["rules/glossary.yaml"] = "terms:\n  - {id: rhythm, term: rhythm, definition: A steady beat.}\n"
    if spec["articles"]:
        sections.append("articles")
        files["rules/outline.yaml"] = ("volumes:\n  - number: '1'\n    title: One\n    chapters:\n      - number: '01'\n"
                                       "        title: Chapter\n        sections:\n          - {number: '01', title: Section}\n")
        files["content/articles/1.010101-first.md"] = ("---\nnumber: '1.010101'\ntitle: First\nsummary: The first.\n"
                                                       "tags: []\nsources: []\n---\nA short article.\n")
    for i, mid in enumerate(milestones):
        linked = "articles: ['1.010101']\n" if i == 0 and "articles" in sections else ""  # check wants every article linked
        files[f"rules/milestones/{mid}.yaml"] = (
            f"id: {mid}\ntitle: Step {i}\nsummary: A step.\ncondition: {conditions[i % len(conditions)]}\n"
            f"why: Because.\n{linked}source: {{id: notes, point: Step {i}}}\n")
    for name in (*REQUIRED_PAGES, *sections):
        files[f"content/pages/{name}.md"] = f"---\ntitle: Page {name}\n---\nText.\n"
    return files


# Optional fields `check` itself asks for in context: a stage lists milestones or articles, a later stage says when
# it begins, an article is linked.
NEEDED = {("milestone", "articles"), ("framework", "stages.milestones"), ("framework", "stages.when")}


def _optional_set(fields, data, kind: str, prefix: str = "") -> list[str]:
    """The optional fields ``data`` sets, as kind:dotted.name, looking into nested objects and lists of them."""
    found = []
    for f in fields:
        if f.name not in data:
            continue
        name = prefix + f.name
        if not f.required and (kind, name) not in NEEDED:
            found.append(f"{kind}:{name}")
        items = data[f.name] if f.type == "list:object" else [data[f.name]] if f.type == "object" else []
        for item in items:
            found += _optional_set(f.fields, item, kind, name + ".")
    return found


def test_the_examples_set_no_optional_field():
    """The strategy must not drift from the model: no optional field is set beyond what check asks for."""
    for rel, text in minimal_kb(EVERYTHING).items():
        kind = kind_of_path(rel)
        if kind is not None:
            assert _optional_set(kind.fields, yaml.safe_load(text), kind.name) == [], rel


@settings(max_examples=examples(6), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SPECS)
@example(EVERYTHING)
@example(NOTHING)
def test_what_check_accepts_build_builds(spec: dict):
    files = minimal_kb(spec)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "kb"
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        write_schemas(root)  # the schemas and each file's schema line, as `generator schemas` writes them
        check_knowledge(root)  # raises UserError with every problem if check refuses it
        report = build_site(root, Path(scratch) / "site")
        assert (report.site_dir / "assess" / "index.html").is_file()
        if "rules/frameworks/phases.yaml" in files:
            assert (report.site_dir / "frameworks" / "phases" / "first" / "index.html").is_file()
