"""The rules model, declared once.

Each kind of rules file is a ``FileKind`` with typed ``Field``s and a
docstring for each. Validation walks these declarations; the maintainer
reference and the JSON Schemas are generated from them too, so the three
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

ID_PATTERN = r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$"
KB_ID_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"  # a knowledge base's id: storage keys, cache and file names (rules/site.yaml)
SEVERITIES = ("high", "medium", "low")  # most severe first


@dataclass(frozen=True)
class Field:
    """One key of a rules mapping.

    type is one of: id, kb-id (a knowledge base's id), line (one line of text), text (Markdown, may span
    lines), int, number, bool, expr (a condition), ref:KIND (the id of a
    KIND declared elsewhere), enum (one of ``choices``), object (a mapping
    with ``fields``), mapping (free-form keys with plain values), list:T (a
    list of T, where T is any of the above). A nullable field may be null.
    """

    name: str
    type: str
    doc: str
    required: bool = True
    default: object = None
    fields: tuple[Field, ...] = ()
    choices: tuple[str, ...] = ()
    nullable: bool = False


@dataclass(frozen=True)
class FileKind:
    """A kind of rules file: where it lives and the mapping it holds."""

    name: str
    pattern: str  # relative to the knowledge-base root
    doc: str
    fields: tuple[Field, ...]
    id_is_file_name: bool = False
    required: bool = False  # single-file kinds only: must the file exist?


# What a source can give a page. Declared once: check refuses any other kind, and
# every credit line on the site is built from these words (generator/render/credits.py).
CREDIT_KINDS = {
    "number": "number",
    "title": "title",
    "summary": "summary",
    "argument": "argument",
    "idea": "idea",
    "framework": "framework",
    "facts": "facts",
    "example": "example",
    "questions": "list of questions",
    "general": "general knowledge of the work, not something the document we hold says",
}
PAGE_PARTS = ("number", "title", "summary")  # the parts of an article page a source can give; the text is always ours

GAVE = Field(
    "gave", "list:enum", "What the source gave, one or more of: " + ", ".join(CREDIT_KINDS) + ". "
    "The page says it in words; whatever no source gave is credited to this knowledge base.",
    choices=tuple(CREDIT_KINDS),
)

SOURCE_REF = Field(
    "source", "object", "Where the rule comes from.",
    fields=(
        Field("id", "ref:source", "The source document, as declared in rules/sources.yaml."),
        Field("point", "line", "Which part of that document: a heading, a numbered point, a quote's gist."),
        Field(GAVE.name, GAVE.type, GAVE.doc + " Leave it out when the source gave the rule itself.", required=False, choices=GAVE.choices),
    ),
)

CREDIT = (
    Field("id", "ref:source", "The source document, as declared in rules/sources.yaml."),
    GAVE,
    Field("point", "line", "Which part of the document it comes from, e.g. 'its chapter on watering'.", required=False),
)

SOURCE = (
    Field("id", "id", "Stable id used in every `source:` reference."),
    Field("title", "line", "The document's title."),
    Field("author", "line", "Who wrote it, as credited on pages that use it."),
    Field("kind", "enum", "What sort of document it is.", choices=("blog post", "book excerpt", "reference page", "article")),
    Field("contributes", "text", "What this project takes from it, in one or two sentences."),
)

QUESTION = (
    Field("id", "id", "The answer id. Saved answers and links use it: never rename one without a migration."),
    Field("type", "enum", "The answer's type.", choices=("integer", "number", "boolean", "choice")),
    Field("label", "line", "The question as the reader reads it on the form."),
    Field("help", "text", "One or two sentences that say exactly what to count."),
    Field(
        "noun", "line",
        "How a value reads in explanations: '6 waterings a week' comes from 'waterings a week'. "
        "Put '{}' where the number goes if it does not come first ('${} spent on supplies').",
        required=False,
    ),
    Field("noun_one", "line", "The singular of `noun`, used when the value is 1.", required=False),
    Field(
        "measure", "line", "The quantity's name in rule text ('money spent on supplies over the last 12 months'). "
        "Defaults to `noun`; needed when `noun` has a '{}'.", required=False,
    ),
    Field("unit", "line", "The unit shown beside the input ('per week', 'USD').", required=False),
    Field("min", "number", "The smallest allowed value (number types).", required=False),
    Field("max", "number", "The largest allowed value (number types).", required=False),
    Field("step", "number", "The input's step in the form (number types); 1 for integers.", required=False),
    Field("choices", "list:line", "The allowed values (choice type only).", required=False),
    Field("article", "line", "The number of the article that explains what to count, linked from the form.", required=False),
    Field(
        "improves", "enum", "Which way is progress for this number: up (more is better, the default) or down. "
        "The engine proposes only changes in that direction.", required=False, default="up", choices=("up", "down"),
    ),
)

ARTICLES = Field(
    "articles", "list:line", "Numbers of the articles that explain it (V.CCSSAA, e.g. '1.030106'); each must exist.",
    required=False,
)

STAGE = (
    Field("id", "id", "Stable stage id, unique within its framework."),
    Field("title", "line", "The stage's name, e.g. 'Stage 2: Established'."),
    Field("number", "line", "The stage's number as the source gives it ('6'); pages show it instead of a position.", required=False),
    Field("ours", "bool", "This knowledge base's own grouping, not the source's: the page says so and credits nobody else.",
          required=False, default=False),
    Field("summary", "line", "One sentence: what defines the stage."),
    Field("when", "expr", "When a reader is at least at this stage. The first stage has none: it is where everyone starts.", required=False),
    Field("focus", "line", "The one thing to focus on while at this stage."),
    Field("this_week", "list:line", "Three to five concrete actions a reader at this stage can take this week.", required=False),
    Field("milestones", "list:ref:milestone", "The milestones worked on at this stage, in order.", required=False),
    Field(
        "flags", "list:ref:flag", "Flags that are raised here though their conditions name no stage (one whose condition "
        "can only hold at this stage, for instance). The stage page lists them with every flag whose condition tests for "
        "this stage (stage('framework') == 'stage').", required=False,
    ),
    ARTICLES,
)

def default_word(word: str) -> str:
    """Marks a default word for the engine's catalog (Babel extracts it), which translates it into the site's language."""
    return word


WORDS = (  # the domain words the generator's own sentences need: name, English default, meaning
    ("reader", default_word("reader"), "The person who answers the assessment and reads the site, in the singular, e.g. 'gardener'."),
    ("readers", default_word("readers"), "The plural of `reader`, e.g. 'gardeners'."),
    ("subject", default_word("subject"), "What the assessment is about, in the singular, e.g. 'plant'."),
    ("subjects", default_word("subjects"), "The plural of `subject`, e.g. 'plants'."),
)

SITE = FileKind(
    "site", "rules/site.yaml",
    "The knowledge base's identity and the domain words of the generator's own sentences, in the site's language. "
    "Optional: without it the id is `kb` and every word is its neutral default, translated into the site's language.",
    (
        Field("id", "kb-id", "The knowledge base's id: lower-case ASCII letters, digits and '-', starting with a letter, "
              "at most 40 characters. Saved snapshots (`<id>:snapshots:v1` in localStorage), the offline cache, exported "
              "answers files (`<id>-answers-YYYY-MM-DD.json`) and their format tag are named after it, so two knowledge "
              "bases on one web origin never share them. Changing it loses the snapshots readers saved."),
        Field(
            "words", "object", "Nouns the generator's sentences put around your rules ('A gardener is at the last stage "
            "whose condition holds'), without an article, as they read mid-sentence. Each defaults to a neutral word.",
            required=False,
            fields=tuple(Field(name, "line", f"{doc} Default: '{default}'.", required=False) for name, default, doc in WORDS),
        ),
    ),
)

KINDS: tuple[FileKind, ...] = (
    FileKind(
        "sources", "rules/sources.yaml",
        "The source documents the knowledge comes from. Every rule cites one.",
        (Field("sources", "list:object", "One entry per document.", fields=SOURCE),),
        required=True,
    ),
    SITE,
    FileKind(
        "question-group", "rules/questions/*.yaml",
        "A group of questions the self-assessment asks, in form order. The file name is the group id.",
        (
            Field("id", "id", "The group id; equals the file name."),
            Field("title", "line", "The group's heading on the form."),
            Field("order", "int", "Where the group comes on the form (lowest first)."),
            Field(
                "open_when", "expr",
                "When the group opens by itself on the form, because its questions matter at the reader's stage "
                "(may use met('milestone'), stage('framework') and checklist('id')). A group without one is always open; "
                "a group with one stays closed, showing how many of its questions are answered, until it is true.",
                required=False,
            ),
            Field("questions", "list:object", "The questions, in form order.", fields=QUESTION),
        ),
        id_is_file_name=True,
    ),
    FileKind(
        "constraints", "rules/constraints.yaml",
        "Cross-answer constraints: answer sets that break one are rejected with its message.",
        (
            Field(
                "constraints", "list:object", "Conditions every answer set must meet.",
                fields=(
                    Field("id", "id", "Stable id of the constraint."),
                    Field("rule", "expr", "A condition that must not be false (it is skipped while unknown)."),
                    Field("message", "line", "What the reader is told when it is false."),
                ),
            ),
        ),
    ),
    FileKind(
        "milestone", "rules/milestones/*.yaml",
        "One milestone: a condition over answers, evaluated on its own. The file name is the id.",
        (
            Field("id", "id", "Stable id, e.g. 'rooted'; equals the file name."),
            Field("title", "line", "Short name, e.g. 'Watered twice a week'."),
            Field("summary", "line", "One sentence: what reaching it shows."),
            Field("condition", "expr", "When the milestone is met."),
            Field("optional", "bool", "Optional milestones are only next goal once every required one is met.", required=False, default=False),
            Field("why", "text", "Why it matters and why it comes here in the order, in our own words (Markdown)."),
            Field("steps", "list:line", "How a reader reaches it: three to five concrete actions, in order, e.g. 'Water on "
                  "the same two days each week.' Written for this knowledge base: its page lists them under 'How to reach it' "
                  "and says they are ours, not the source's.", required=False),
            ARTICLES,
            SOURCE_REF,
        ),
        id_is_file_name=True,
    ),
    FileKind(
        "ladder", "rules/ladder.yaml",
        "The milestone ladder: the order in which milestones become the reader's one goal.",
        (
            Field("title", "line", "The ladder's name."),
            Field("summary", "text", "What the ladder is for (Markdown)."),
            Field("milestones", "list:ref:milestone", "Every milestone, lowest first."),
            Field("keep", "line", "The ladder's one rule for milestones already met, in one sentence. Other texts state it "
                  "as the fact [[ladder.ladder.keep]] instead of in their own words.", required=False),
            SOURCE_REF,
        ),
        required=True,
    ),
    FileKind(
        "framework", "rules/frameworks/*.yaml",
        "A stage model from one source: ordered stages, each entered when its condition holds. "
        "A reader is at the last stage whose condition is true. The file name is the id.",
        (
            Field("id", "id", "Stable framework id; equals the file name. Results use it as a key."),
            Field("title", "line", "The framework's name."),
            Field("summary", "text", "What the framework is about and how its stages are told apart (Markdown)."),
            Field("stages", "list:object", "The stages, earliest first.", fields=STAGE),
            SOURCE_REF,
        ),
        id_is_file_name=True,
    ),
    FileKind(
        "crosswalk", "rules/crosswalk.yaml",
        "Which stages of different frameworks correspond. Each row is one period; "
        "rows follow every framework's stage order, and a stage may span consecutive rows. `check` holds the rows to the "
        "stages' `milestones:`: stages that work on the same milestone share a row, and a stage shares a milestone with "
        "every other framework's stages in each of its rows.",
        (
            Field(
                "main", "ref:framework", "The framework the self-assessment names the reader's stage in, as its headline "
                "('Stage 2 of 4: …', numbered in this framework only, once the answers settle it; and whose stage "
                "`score`'s `ask_next` counts as an outcome still to decide); "
                "the stages of the same period in the others are shown as 'also called'. Defaults to the first "
                "framework of the first row.", required=False,
            ),
            Field(
                "rows", "list:object", "The periods, earliest first.",
                fields=(
                    Field("id", "id", "Stable row id, unique among the rows."),
                    Field("title", "line", "A name for the period."),
                    Field("stages", "mapping", "Framework id -> the list of its stage ids in this period."),
                ),
            ),
        ),
    ),
    FileKind(
        "flag", "rules/flags/*.yaml",
        "A warning raised when its condition is true (never while it is unknown). The file name is the id.",
        (
            Field("id", "id", "Stable flag id; equals the file name."),
            Field("title", "line", "A short name for the risk."),
            Field("condition", "expr", "When the flag is raised. May use met('milestone'), stage('framework') and checklist('id')."),
            Field("explanation", "text", "What the flag means for the reader and what to do about it (Markdown). It is "
                  "the same for every reader who raises the flag, so it states the pattern: the engine's reason names "
                  "the reader's own answers (each holding clause, the checklist items answered no, what the next stage "
                  "still needs)."),
            Field("severity", "enum", "How much harm the risk does if ignored. Raised warnings are shown most severe first.",
                  required=False, default="medium", choices=SEVERITIES),
            ARTICLES,
            SOURCE_REF,
        ),
        id_is_file_name=True,
    ),
    FileKind(
        "checklist", "rules/checklists/*.yaml",
        "Yes/no questions counted together; the score lists the unanswered ones. The file name is the id.",
        (
            Field("id", "id", "Stable checklist id; equals the file name."),
            Field("title", "line", "The checklist's name."),
            Field("summary", "text", "What a high or low count tells the reader (Markdown)."),
            Field("items", "list:ref:question", "The boolean questions it counts, in order."),
            ARTICLES,
            SOURCE_REF,
        ),
        id_is_file_name=True,
    ),
    FileKind(
        "consistency", "rules/consistency.yaml",
        "Answer combinations that are allowed but suspicious: shown apart from flags, as a prompt to re-check.",
        (
            Field(
                "checks", "list:object", "The checks.",
                fields=(
                    Field("id", "id", "Stable id of the check."),
                    Field("when", "expr", "When the answers look inconsistent."),
                    Field("message", "line", "What the reader is asked to re-check."),
                ),
            ),
        ),
    ),
    FileKind(
        "glossary", "rules/glossary.yaml",
        "Terms of art, defined once. The first use of a term on each page links to its definition.",
        (
            Field(
                "terms", "list:object", "The terms, in any order (the glossary page sorts them).",
                fields=(
                    Field("id", "id", "Stable anchor on the glossary page."),
                    Field("term", "line", "The term as it is usually written."),
                    Field("aliases", "list:line", "Other spellings and abbreviations that link to it.", required=False),
                    Field("definition", "text", "The definition, in our own words (Markdown)."),
                    Field("source", "ref:source", "The source document that uses the term, if any.", required=False),
                ),
            ),
        ),
    ),
    FileKind(
        "outline", "rules/outline.yaml",
        "The numbering of articles: volumes, chapters and sections, each with a title. "
        "Article 1.030106 is volume 1, chapter 03, section 01, article 06.",
        (
            Field(
                "volumes", "list:object", "The volumes, in order.",
                fields=(
                    Field("number", "line", "The volume number, as text, in the digits 0-9: '1'."),
                    Field("title", "line", "The volume's title."),
                    Field("ours", "bool", "The volume's title is this knowledge base's own, not the source's (the source gives "
                          "at most its number): its page says 'title ours'.", required=False, default=False),
                    Field(
                        "chapters", "list:object", "The volume's chapters.",
                        fields=(
                            Field("number", "line", "Two digits (0-9), as text: '03'."),
                            Field("title", "line", "The chapter's title."),
                            Field("ours", "bool", "The chapter's title is this knowledge base's own, not the source's (the source gives "
                          "at most its number): its page says 'title ours'.", required=False, default=False),
                            Field(
                                "sections", "list:object", "The chapter's sections.",
                                fields=(
                                    Field("number", "line", "Two digits (0-9), as text: '01'."),
                                    Field("title", "line", "The section's title."),
                                    Field("ours", "bool", "The section's title is this knowledge base's own, not the source's (the source gives "
                          "at most its number): its page says 'title ours'.", required=False, default=False),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    FileKind(
        "cases", "rules/tests/*.yaml",
        "Rule test cases: answers in, expected outcomes out. `make test` runs them on CPython and under Pyodide.",
        (
            Field(
                "cases", "list:object", "The cases.",
                fields=(
                    Field("name", "line", "What the case shows."),
                    Field("answers", "mapping", "The answers, as a reader would give them (any answer ids)."),
                    Field(
                        "expect", "object", "The outcomes to assert; leave out what the case is not about.",
                        fields=(
                            Field("milestones", "mapping", "Milestone id -> met, not_met or unknown.", required=False),
                            Field("next_goal", "ref:milestone", "The expected next goal, or null for none.", required=False, nullable=True),
                            Field("invalid", "list:line", "Answer ids expected to be rejected (an unknown id may be one).", required=False),
                            Field("stages", "mapping", "Framework id -> expected stage id.", required=False),
                            Field("flags", "list:ref:flag", "Exactly the flags expected to be raised.", required=False),
                            Field("flags_include", "list:ref:flag", "Flags that must be among those raised.", required=False),
                            Field("flags_exclude", "list:ref:flag", "Flags that must not be raised.", required=False),
                            Field("checklists", "mapping", "Checklist id -> expected number of yes answers.", required=False),
                            Field("warnings", "list:line", "Exactly the consistency checks expected to fire.", required=False),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

KIND_BY_NAME = {kind.name: kind for kind in KINDS}

ARTICLE_NUMBER = r"^([0-9]+)\.([0-9]{2})([0-9]{2})([0-9]{2})\Z"  # ASCII digits: \d would take '١' and '１'

ARTICLE = (
    Field("number", "line", "V.CCSSAA in the digits 0-9: volume, chapter, section, article, e.g. '1.030106'. The file name starts with it."),
    Field("title", "line", "The article's title."),
    Field("summary", "line", "The quick summary: one sentence."),
    Field("tags", "list:line", "Key-word tags, e.g. Scalability."),
    Field("stages", "list:line", "The stages it is for, as framework/stage, e.g. growth/established.", required=False),
    Field(
        "sources", "list:object", "What each source document gave the article, one entry per source, e.g. "
        "`{id: care-guide, gave: [number, title, summary], point: its chapter on watering}`. "
        "An empty list says the whole article is this knowledge base's own.", fields=CREDIT,
    ),
    Field("related", "list:line", "Numbers of related articles.", required=False),
)
