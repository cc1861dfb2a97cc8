"""Keyed digests of the source documents, so the originality and coverage tests run without them.

The sources are not ours to redistribute, yet the tests must run on any machine,
CI included. ``tests/data/source-ngrams.txt`` holds, instead of their text:

- ``gram DIGEST``: every run of 8 normalised words of every source;
- ``title WORDS DIGEST``: every article title the CxO-Atlas table lists, as a
  run of WORDS words (an originality hit inside a title does not count);
- ``article NUMBER DIGEST``: that table's rows, the title as written (coverage).

A digest is BLAKE2b keyed with the file's own random key (8 bytes, hex): a
short keyed hash of an 8-word run gives nothing to search for, and a table
computed for one key is useless for the next. Refresh after a source changes:
``make source-ngrams SOURCES=path/to/sources`` (the key is kept, so an unchanged
source gives an unchanged file).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

RUN = 8
DATA = Path(__file__).resolve().parent / "data" / "source-ngrams.txt"
ATLAS_ROW = re.compile(r"^\| (\d\.\d{6}) \| ([^|]+?) \|", re.M)
_HEADER = "# Keyed digests of the source documents (tests/source_ngrams.py writes it; the text is not here).\n"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%']+", text.lower().replace("\u2019", "'"))


@dataclass
class Digests:
    key: bytes
    grams: set[str] = field(default_factory=set)
    titles: dict[int, set[str]] = field(default_factory=dict)  # run length -> digests of titles that long
    articles: dict[str, str] = field(default_factory=dict)  # article number -> digest of its title

    def of(self, text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), key=self.key, digest_size=8).hexdigest()

    def of_run(self, run: list[str]) -> str:
        return self.of(" ".join(run))

    def add_title(self, run: list[str]) -> None:
        if run:
            self.titles.setdefault(len(run), set()).add(self.of_run(run))

    def text(self) -> str:
        lines = [_HEADER, f"key {self.key.hex()}\n"]
        lines += [f"article {number} {digest}\n" for number, digest in sorted(self.articles.items())]
        lines += [f"title {n} {digest}\n" for n, digests in sorted(self.titles.items()) for digest in sorted(digests)]
        lines += [f"gram {digest}\n" for digest in sorted(self.grams)]
        return "".join(lines)


def from_sources(sources: Path, key: bytes) -> Digests:
    """Hash every 8-word run of every source, and the CxO-Atlas table's titles (its file is 003_*.txt)."""
    digests = Digests(key)
    for source in sorted(p for p in sources.iterdir() if p.is_file()):
        text = source.read_text(encoding="utf-8", errors="replace")
        w = words(text)
        digests.grams.update(digests.of_run(w[i:i + RUN]) for i in range(len(w) - RUN + 1))
        if source.name.startswith("003_"):
            for number, title in ATLAS_ROW.findall(text):
                digests.articles[number] = digests.of(title)
                digests.add_title(words(title))
    return digests


def load(path: Path = DATA) -> Digests:
    digests = None
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, *values = line.split()
        if kind == "key":
            digests = Digests(bytes.fromhex(values[0]))
        elif kind == "gram":
            digests.grams.add(values[0])
        elif kind == "title":
            digests.titles.setdefault(int(values[0]), set()).add(values[1])
        elif kind == "article":
            digests.articles[values[0]] = values[1]
    assert digests is not None, f"{path}: no key line"
    return digests


def refresh(sources: Path, path: Path = DATA) -> str:
    key = load(path).key if path.is_file() else secrets.token_bytes(8)
    text = from_sources(sources, key).text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return f"{path.name} is up to date with {sources}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return f"wrote {path.name} from {sources}"


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python -m tests.source_ngrams SOURCES_FOLDER (make source-ngrams SOURCES=...)")
    print(refresh(Path(sys.argv[1])))
