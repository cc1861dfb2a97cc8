"""No sentence of the source documents is pasted into the project.

The knowledge comes from ../shared/sources/; every sentence here must be our
own. Any run of 10 words shared with a source fails (the same rule the
project's before-stop hook applies). Skipped where the sources are absent
(failed under KB_REQUIRE_ALL=1; KB_SOURCES points elsewhere).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import require_sources

ROOT = Path(__file__).resolve().parents[1]
RUN = 10


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%']+", text.lower())


def test_no_ten_word_run_is_copied_from_a_source():
    grams: dict[str, str] = {}
    for source in sorted(require_sources().iterdir()):
        w = words(source.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(w) - RUN + 1):
            grams.setdefault(" ".join(w[i:i + RUN]), source.name)
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    copied = []
    for rel in tracked:
        if not rel.endswith((".md", ".yaml", ".yml", ".html", ".j2", ".txt", ".py", ".js")):
            continue
        w = words((ROOT / rel).read_text(encoding="utf-8", errors="replace"))
        for i in range(len(w) - RUN + 1):
            gram = " ".join(w[i:i + RUN])
            if gram in grams:
                copied.append(f"{rel}: “{gram} …” (from {grams[gram]})")
                break
    assert copied == [], "write these in your own words:\n" + "\n".join(copied)
