"""A synthetic knowledge base of N articles, from a seed, for scale benchmarks.

It keeps the real rules (questions, milestones, stages, flags) and content
pages, replaces the outline with a large one, and writes N articles with
stages, tags and related links chosen at random. The same seed and N give
the same files.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

_WORDS = (
    "customer pipeline revenue churn onboarding pricing renewal quota forecast segment pitch demo contract "
    "retention margin referral channel budget buyer champion objection trial roadmap hiring cash runway"
).split()


def make_synthetic_kb(source: Path, target: Path, articles: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    for name in ("rules", "content/pages", "site_assets"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    volumes, sections = _outline(articles)
    (target / "rules" / "outline.yaml").write_text(_outline_yaml(volumes), encoding="utf-8")
    stage_refs = _stage_refs(target)
    folder = target / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [f"{sec}{index:02d}" for sec in sections for index in range(1, 51)][:articles]
    for number in numbers:
        title = " ".join(rng.choice(_WORDS) for _ in range(3)).title()
        related = rng.sample(numbers, k=min(3, len(numbers) - 1))
        related = [n for n in related if n != number][:2]
        body = "\n\n".join(
            " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(3, 6))
        )
        links = " ".join(f"See [{n}]({n}.md)." for n in related)
        (folder / f"{number}-synthetic.md").write_text(
            "---\n"
            f'number: "{number}"\n'
            f"title: {title} {number}\n"
            f"summary: A synthetic article about {rng.choice(_WORDS)} and {rng.choice(_WORDS)}.\n"
            f"tags: [{rng.choice(_WORDS).title()}, {rng.choice(_WORDS).title()}]\n"
            f"stages: [{rng.choice(stage_refs)}]\n"
            "sources: [{id: cxo-atlas, gave: [general]}]\n"
            f"related: [{', '.join(repr(n) for n in related)}]\n"
            "---\n"
            f"{body}\n\n{links}\n",
            encoding="utf-8",
        )
    for path in (target / "rules").rglob("*.yaml"):  # the real rules link real articles: drop those links
        text = path.read_text(encoding="utf-8")
        if "article" in text:
            path.write_text("\n".join(line for line in text.split("\n") if not line.strip().startswith(("articles:", "article:"))), encoding="utf-8")
    return target


def _outline(articles: int) -> tuple[dict, list[str]]:
    sections_needed = max(1, -(-articles // 50))
    volumes: dict = {}
    sections = []
    for index in range(sections_needed):
        volume, chapter, section = 1 + index // 100, 1 + (index // 10) % 10, 1 + index % 10
        volumes.setdefault(str(volume), {}).setdefault(f"{chapter:02d}", []).append(f"{section:02d}")
        sections.append(f"{volume}.{chapter:02d}{section:02d}")
    return volumes, sections


def _outline_yaml(volumes: dict) -> str:
    lines = ["# yaml-language-server: $schema=schemas/outline.schema.json", "volumes:"]
    for volume, chapters in volumes.items():
        lines += [f'  - number: "{volume}"', f"    title: Volume {volume}", "    chapters:"]
        for chapter, sections in chapters.items():
            lines += [f'      - number: "{chapter}"', f"        title: Chapter {chapter}", "        sections:"]
            lines += [f'          - number: "{s}"\n            title: Section {s}' for s in sections]
    return "\n".join(lines) + "\n"


def _stage_refs(root: Path) -> list[str]:
    from .rules.yamlfile import read_yaml

    refs = []
    for path in sorted((root / "rules" / "frameworks").glob("*.yaml")):
        data = read_yaml(path, path.name).data
        refs += [f"{data['id']}/{stage['id']}" for stage in data["stages"]]
    return refs
