"""No sentence of the source documents is pasted into the project.

The knowledge comes from ../shared/sources/; every sentence here must be our
own. Any run of 8 words shared with a source fails (the editorial review's
n-gram scan). Titles are names, not sentences, so they are left out: the
titles of the articles the CxO-Atlas lists and of the works the sources name
(a run that reaches into a title stops at it). Skipped where the sources are
absent (failed under KB_REQUIRE_ALL=1; KB_SOURCES points elsewhere).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import require_sources

ROOT = Path(__file__).resolve().parents[1]
RUN = 8

# Works the source documents name, quoted as titles wherever the project cites them.
NAMED_WORKS = [
    "Spinning Plates: How To Scale By Fixing Operations",  # the talk the Spinning Plates post is about
    "The Four Steps to the Epiphany",  # the book of the excerpt
    "The Lack of Meaningful Milestones for Sales, Marketing and Business Development",  # the excerpt's part 4
    "When Revenue Isn't The Answer",  # the velocity article's own title
    "A Simple Definition of a Defect",  # the CxO-Atlas article that 1.030106 cites
    "leading indicators of retention",  # the Stage 2 Capital writing the ladder points to
]
ATLAS_ROW = re.compile(r"^\| (\d\.\d{6}) \| ([^|]+?) \|", re.M)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%']+", text.lower().replace("\u2019", "'"))


def titles(sources: Path) -> list[list[str]]:
    """The named works and the titles of every article the CxO-Atlas table lists, as word runs."""
    found = list(NAMED_WORKS)
    for table in sources.glob("003_*.txt"):
        found += [title for _, title in ATLAS_ROW.findall(table.read_text(encoding="utf-8", errors="replace"))]
    return [w for w in (words(t) for t in found) if w]


def outside_titles(w: list[str], title_runs: list[list[str]]) -> list[list[str]]:
    """The stretches of ``w`` between occurrences of a title."""
    masked = [False] * len(w)
    for title in title_runs:
        n = len(title)
        for i in range(len(w) - n + 1):
            if w[i:i + n] == title:
                masked[i:i + n] = [True] * n
    parts, current = [], []
    for word, hidden in zip(w, masked):
        if not hidden:
            current.append(word)
        elif current:
            parts.append(current)
            current = []
    return parts + [current] if current else parts


def copied_runs(sources: Path, root: Path, run: int = RUN) -> list[str]:
    grams: dict[str, str] = {}
    for source in sorted(sources.iterdir()):
        w = words(source.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(w) - run + 1):
            grams.setdefault(" ".join(w[i:i + run]), source.name)
    title_runs = titles(sources)
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True).stdout.split()
    copied = []
    for rel in tracked:
        if not rel.endswith((".md", ".yaml", ".yml", ".html", ".j2", ".txt", ".py", ".js")):
            continue
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        hit = next((f"{rel}: “{gram} …” (from {grams[gram]})"
                    for part in outside_titles(words(text), title_runs)
                    for gram in (" ".join(part[i:i + run]) for i in range(len(part) - run + 1))
                    if gram in grams), None)
        if hit:
            copied.append(hit)
    return copied


def test_no_eight_word_run_is_copied_from_a_source():
    copied = copied_runs(require_sources(), ROOT)
    assert copied == [], "write these in your own words:\n" + "\n".join(copied)


def test_titles_are_left_out_but_a_run_beside_one_is_not():
    title_runs = [words("Distribution is the Only Thing That Matters")]
    parts = outside_titles(words("See 3.040206 Distribution is the Only Thing That Matters, then read on"), title_runs)
    assert parts == [["see", "3", "040206"], ["then", "read", "on"]]
