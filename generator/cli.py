"""Command line: check, score, build, serve and the maintainers' tools. README.md (Commands) describes each."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import EXIT_INVALID_ANSWERS, EXIT_INVALID_RULES, EXIT_OK, Problem, UserError


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run one command; ``prog`` is how it was invoked (default: the script's name, e.g. founder-kb)."""
    parser = _parser(prog or Path(sys.argv[0]).name)
    args = parser.parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return code
    except UserError as err:
        for problem in err.problems:
            print(problem.github() if getattr(args, "format", "") == "github" and hasattr(problem, "github") else problem,
                  file=sys.stderr)
        return err.exit_code
    except ModuleNotFoundError as err:
        if (err.name or "").partition(".")[0] not in _INSTALLED_BY_SETUP:
            raise  # a module of ours that is missing is a bug
        print(f"{parser.prog}: the Python package {err.name!r} is not installed here; run `make setup`, "
              f"then use .venv/bin/python -m generator", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `score ... | head` closed the pipe: stop quietly (Python's documented recipe)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that flushing stdout at exit does not fail again
        return 1


# The import names of the packages `make setup` installs (pyproject.toml's dependencies and test extra).
_INSTALLED_BY_SETUP = {"yaml", "jinja2", "markupsafe", "nh3", "babel", "mkdocs", "material", "playwright", "watchfiles"}


def _parser(prog: str = "python -m generator") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--version", action=_Version, help="print the generator's version and exit")
    parser.add_argument("--root", type=Path, default=Path("."), help="the knowledge base's root directory (default: .)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate every rules and content file")
    check.add_argument("--format", choices=("text", "github"), default="text", help="github prints annotation lines")
    check.set_defaults(run=_check)

    score = commands.add_parser("score", help="score one set of answers with the engine the browser runs")
    score.add_argument("--answers", required=True, help="a YAML or JSON mapping of answer id to value; - reads stdin")
    score.add_argument("--format", choices=("text", "json"), default="text")
    score.set_defaults(run=_score)

    build = commands.add_parser("build", help="validate, generate and build the static site into site/")
    build.add_argument("--site-dir", type=Path, default=None, help="where the site goes (default: ROOT/site)")
    build.add_argument("--site-url", default=None, help="override mkdocs.yml's site_url (where the site will be served)")
    build.add_argument("--engine", default=None, help="the site engine: mkdocs (the default) or zensical; "
                                                      "also $KB_SITE_ENGINE")
    build.set_defaults(run=_build)

    diff = commands.add_parser("diff", help="show which answer profiles a rules or content change moves, and what "
                                            "results and pages say differently, against a git commit")
    diff.add_argument("--base", required=True, help="the git commit, branch or tag to compare the working tree with")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.set_defaults(run=_diff)

    bench = commands.add_parser("bench", help="run a benchmark and print JSON (ratios against a baseline from the same run)")
    bench.add_argument("what", choices=("assess", "site", "ask", "serve"),
                       help="assess: the self-assessment against a bare Pyodide page; site: builds of 100, 1,000 and 5,000 "
                            "synthetic articles against bare MkDocs; ask: the questions ask_next shows before the next goal "
                            "and the stage are decided or no question left can change them, over the corpus of answer "
                            "profiles; serve: edit to reload in the live preview, this knowledge base and 1,000 synthetic "
                            "articles, against mkdocs serve --dirty")
    bench.add_argument("--sizes", type=_sizes, default=None, metavar="N,N,...",
                       help="site and serve: the numbers of synthetic articles (default: 100,1000,5000 for site, 1000 for serve)")
    bench.add_argument("--check", action="store_true", help="exit 1 when a result misses the target printed beside it")
    bench.set_defaults(run=_bench)

    new = commands.add_parser("new", help="scaffold a milestone, flag, article, stage or question with TODO markers")
    new.add_argument("kind", choices=("milestone", "flag", "article", "stage", "question"))
    new.add_argument("--name", help="the id (flag, stage, question; optional for a milestone) or the article's slug")
    new.add_argument("--framework", "--group", dest="framework", help="a stage's framework, or a question's form group")
    new.add_argument("--section", help="for an article: its section, e.g. 5.0203")
    new.set_defaults(run=_new)

    init = commands.add_parser("init", help="create a new knowledge base (an example about houseplant care) in DIR")
    init.add_argument("dir", type=Path, metavar="DIR", help="a folder that does not exist yet, or is empty")
    init.add_argument("--language", choices=("en", "es"), default="en", help="the language of the example and the site")
    init.set_defaults(run=_init)

    schemas = commands.add_parser(
        "schemas", help="write the JSON Schemas, the maintainer reference (rules/README.md) and each rules file's schema line")
    schemas.set_defaults(run=_schemas)

    serve = commands.add_parser("serve", help="build, serve on loopback, rebuild when sources change and reload the open pages")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(run=_serve)
    return parser


class _Version(argparse.Action):
    """--version: the installed distribution's (pyproject.toml's), looked up only when asked for."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("founder-kb")
        except PackageNotFoundError:  # a source tree nobody installed
            found = "(not installed; run make setup)"
        print(f"{parser.prog} {found}")
        parser.exit()


def _check(args) -> int:
    import time

    from .gate import check_knowledge

    started = time.perf_counter()
    checked = check_knowledge(args.root)
    rules, articles = checked.knowledge.rules, checked.knowledge.articles
    counts = (
        f"{len(rules.milestones)} milestones, {len(rules.frameworks)} frameworks, {len(rules.flags)} flags, "
        f"{len(rules.checklists)} checklists, {len(rules.questions)} questions, {len(articles)} articles; "
        f"{len(rules.cases)} rule cases pass"
    )
    print(f"ok: {counts} ({time.perf_counter() - started:.2f}s)")
    return EXIT_OK


def _score(args) -> int:
    from .answers_file import first_problems, read_answers
    from .knowledge import load_knowledge
    from .report import inert_json, text_report
    from .rules.compile import compile_engine
    from .site.config import read_site_config

    answers, locate = read_answers(args.answers)  # first: a hostile file is refused before any other work
    try:
        knowledge = load_knowledge(args.root)
        language = read_site_config(args.root)[0].language  # the site's (theme.language): the same sentences as its widget
        rules, engine = compile_engine(knowledge.rules, knowledge.articles, language)
    except UserError as err:
        raise UserError([_rules_have_problems(err.problems), *err.problems], EXIT_INVALID_RULES) from None
    clean, problems = engine.check(answers)
    if problems:
        raise UserError(first_problems(sorted(locate(p) for p in problems)), EXIT_INVALID_ANSWERS)
    result = engine.score(clean)
    if args.format == "json":
        print(inert_json(result))
    else:
        print(text_report(result, rules))
    return EXIT_OK


def _rules_have_problems(problems: list) -> str:
    """The line before the rules' problems: they are not the answers', which could not be read against them."""
    files = len({p.path for p in problems if isinstance(p, Problem)}) or 1
    return (f"score: the rules have problems ({files} file{'s' if files != 1 else ''}), listed below; the answers were "
            "not checked or scored: fix the rules (python -m generator check), then score again")


def _build(args) -> int:
    from .site.build import build_site

    report = build_site(args.root, args.site_dir, args.site_url, args.engine)
    print(report)
    return EXIT_OK


def _diff(args) -> int:
    from .diff import compare, markdown
    from .report import inert_json

    base = args.base if isinstance(args.base, str) else "".join(args.base)  # argparse turns --base=-- into []
    report = compare(args.root.resolve(), base)
    print(inert_json(report) + "\n" if args.format == "json" else markdown(report), end="")
    return EXIT_OK


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"takes whole numbers above 0 separated by commas, not {text!r}")
    return sizes


def _bench(args) -> int:
    import json

    from .bench import main as bench_main
    from .bench_check import missed_targets

    printed = bench_main(args.root.resolve(), args.what, args.sizes)
    print(printed)
    if not args.check:
        return EXIT_OK
    missed, unchecked = missed_targets(json.loads(printed))
    for key in unchecked:
        print(f"bench: the target {key!r} names no result; not checked", file=sys.stderr)
    for line in missed:
        print(f"bench: missed: {line}", file=sys.stderr)
    return 1 if missed else EXIT_OK


def _new(args) -> int:
    from .scaffold import new as scaffold

    print("\n".join(scaffold(args.root.resolve(), args.kind, args.name, args.framework, args.section)))
    return EXIT_OK


def _init(args) -> int:
    from .init_kb import init

    print("\n".join(init(args.dir, args.language)))
    return EXIT_OK


def _schemas(args) -> int:
    from .rules.schema import write_schemas

    changed = write_schemas(args.root.resolve())
    print("\n".join(f"wrote {rel}" for rel in changed) or "schemas and schema lines are up to date")
    return EXIT_OK


def _serve(args) -> int:
    from .site.serve import serve

    serve(args.root, args.host, args.port)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
