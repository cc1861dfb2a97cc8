"""``python -m generator init DIR``: a new knowledge base from the package's skeleton.

The skeleton (``generator/skeleton/``) is package data, so ``init`` works from
an installed wheel: ``common/`` holds what every knowledge base has (Makefile,
package.json pinning Pyodide, .gitignore, GitHub workflows), ``<language>/``
the example itself (houseplant care: rules, pages, one article, mkdocs.yml,
README). Files ending in ``.j2`` are filled with the knowledge base's id and
name; a path part ``dot-x`` becomes ``.x`` (package-data globs skip dot files).
The JSON Schemas and rules/README.md are then written from the model by the
same code as ``generator schemas``, so they always match this generator.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from .errors import Problem, UserError, escaped
from .rules.schema import write_schemas

SKELETON = Path(__file__).resolve().parent / "skeleton"
LANGUAGES = ("en", "es")
DISTRIBUTION = "founder-kb"
FALLBACK_ID = {"en": "plants", "es": "plantas"}
MAX_ID = 40


def init(target: Path, language: str = "en") -> list[str]:
    """Create the knowledge base in ``target`` (absent or empty) and return the lines to print."""
    where = str(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UserError([Problem(where, 1, 1, "exists and is not a folder", "pick a new folder's name")])
    if target.is_dir() and any(target.iterdir()):
        raise UserError([Problem(where, 1, 1, "exists and is not empty",
                                 "init never writes over files: pick a new folder, or empty this one")])
    kb_id = kb_id_for(target.resolve().name, language)
    values = {"id": kb_id, "name": kb_id.replace("-", " ").capitalize(), "requirement": _requirement()}
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError([Problem(where, 1, 1, f"cannot create the folder: {err.strerror}", "pick another place")]) from None
    for base in (SKELETON / "common", SKELETON / language):
        for source in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = source.relative_to(base)
            dest = target.joinpath(*(part.replace("dot-", ".", 1) if part.startswith("dot-") else part for part in rel.parts))
            text = source.read_text(encoding="utf-8")
            if dest.suffix == ".j2":
                dest, text = dest.with_suffix(""), env.from_string(text).render(values)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    write_schemas(target)
    return [
        f"created the knowledge base {kb_id!r} ({language}) in {escaped(where, 300)}",
        "next:",
        f"  cd {shlex.quote(escaped(where, 300))} && npm ci && make serve",
    ]


def kb_id_for(name: str, language: str) -> str:
    """A knowledge-base id (rules/site.yaml) from the folder's name: ASCII, lower case, words joined by '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    kb_id = "-".join(words)[:MAX_ID].strip("-")
    if kb_id and not kb_id[0].isalpha():
        kb_id = f"kb-{kb_id}"[:MAX_ID].strip("-")
    return kb_id or FALLBACK_ID[language]


def _requirement() -> str:
    """What the new knowledge base's Makefile installs: this generator, at this version."""
    try:
        return f"{DISTRIBUTION}=={metadata.version(DISTRIBUTION)}"
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return DISTRIBUTION
