"""No sentence of the source documents is pasted into the project.

The knowledge comes from source documents that are not in this repository;
every sentence here must be our own. Any run of 8 words shared with a source
fails (the editorial review's n-gram scan), compared through the keyed digests
of tests/data/source-ngrams.txt (tests/source_ngrams.py), so the test runs
anywhere without the sources. Titles are names, not sentences, so they are left
out: the titles of the articles the CxO-Atlas lists and of the works the sources
name (a run that reaches into a title stops at it).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.source_ngrams import RUN, Digests, from_sources, load, words

ROOT = Path(__file__).resolve().parents[1]
CHECKED = (".md", ".yaml", ".yml", ".html", ".j2", ".txt", ".py", ".js")

# Works the source documents name, quoted as titles wherever the project cites them.
NAMED_WORKS = [
    "Spinning Plates: How To Scale By Fixing Operations",  # the talk the Spinning Plates post is about
    "The Four Steps to the Epiphany",  # the book of the excerpt
    "When Revenue Isn't The Answer",  # the velocity article's own title
    "A Simple Definition of a Defect",  # the CxO-Atlas article that 1.030106 cites
    "leading indicators of retention",  # the Stage 2 Capital writing the ladder points to
]


def title_mask(w: list[str], digests: Digests) -> list[bool]:
    """Which words of ``w`` belong to a named work's title or to a title the CxO-Atlas table lists."""
    masked = [False] * len(w)
    plain = [words(title) for title in NAMED_WORKS]
    for i in range(len(w)):
        for title in plain:
            if w[i:i + len(title)] == title:
                masked[i:i + len(title)] = [True] * len(title)
        for n, hashed in digests.titles.items():
            if i + n <= len(w) and digests.of_run(w[i:i + n]) in hashed:
                masked[i:i + n] = [True] * n
    return masked


def outside_titles(w: list[str], masked: list[bool]) -> list[list[str]]:
    """The stretches of ``w`` between occurrences of a title."""
    parts, current = [], []
    for word, hidden in zip(w, masked, strict=True):
        if not hidden:
            current.append(word)
        elif current:
            parts.append(current)
            current = []
    return parts + [current] if current else parts


def copied_run(text: str, digests: Digests) -> str | None:
    """The first run of 8 words outside titles that a source has too, or None."""
    w = words(text)
    if not any(digests.of_run(w[i:i + RUN]) in digests.grams for i in range(len(w) - RUN + 1)):
        return None  # the common case: no run at all, so no title needs looking for
    for part in outside_titles(w, title_mask(w, digests)):
        for i in range(len(part) - RUN + 1):
            if digests.of_run(part[i:i + RUN]) in digests.grams:
                return " ".join(part[i:i + RUN])
    return None


def copied_runs(texts: dict[str, str], digests: Digests) -> list[str]:
    return [f"{rel}: “{run} …”" for rel, text in sorted(texts.items()) if (run := copied_run(text, digests))]


def project_texts(root: Path) -> dict[str, str]:
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.split()
    return {rel: (root / rel).read_text(encoding="utf-8", errors="replace")
            for rel in tracked if rel.endswith(CHECKED) and (root / rel).is_file()}


def test_no_eight_word_run_is_copied_from_a_source():
    copied = copied_runs(project_texts(ROOT), load())
    assert copied == [], "write these in your own words:\n" + "\n".join(copied)


def test_a_pasted_run_is_found_through_the_digests_and_a_title_is_left_out(tmp_path: Path):
    source = "Growth comes from one repeatable channel that pays for itself before anything else is tried."
    table = "| Number | Title |\n|---|---|\n| 3.040206 | Distribution is the Only Thing That Matters at All |\n"
    (tmp_path / "001_essay.txt").write_text(source)
    (tmp_path / "003_atlas.txt").write_text(table)
    digests = load_written(from_sources(tmp_path, bytes(8)), tmp_path / "ngrams.txt")
    texts = {
        "pasted.md": "As they say, growth comes from one repeatable channel that pays for itself.",
        "ours.md": "Growth comes from a channel that repeats, once it pays for itself.",
        "cites.md": "Read 3.040206 Distribution is the Only Thing That Matters at All, then come back.",
    }
    assert copied_runs(texts, digests) == ["pasted.md: “growth comes from one repeatable channel that pays …”"]
    assert "growth comes" not in (tmp_path / "ngrams.txt").read_text()  # digests only, never the words


def load_written(digests: Digests, path: Path) -> Digests:
    path.write_text(digests.text(), encoding="utf-8")
    return load(path)


def test_titles_are_left_out_but_a_run_beside_one_is_not():
    digests = Digests(bytes(8))
    digests.add_title(words("Distribution is the Only Thing That Matters"))
    w = words("See 3.040206 Distribution is the Only Thing That Matters, then read on")
    assert outside_titles(w, title_mask(w, digests)) == [["see", "3", "040206"], ["then", "read", "on"]]
