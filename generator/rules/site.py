"""The knowledge base's identity and domain words (``rules/site.yaml``), with the defaults a file may leave out.

The id names everything a browser keeps for the site (saved snapshots, the
offline cache, exported answers), so two knowledge bases on one origin never
share them. The words are the nouns the generator's own sentences put around
the rules ("A founder is at the last stage…"); a word left out is the neutral
default in the site's language (``translate`` looks it up in a catalog).
"""

from __future__ import annotations

from collections.abc import Callable

from .load import Rules
from .model import WORDS

DEFAULT_ID = "kb"


def site_identity(rules: Rules, translate: Callable[[str], str] = str) -> dict:
    """{"id": ..., "words": {name: word}}: every word present, each one line of text."""
    site: dict = rules.site or {}
    given = site.get("words") or {}
    words = {name: given[name] if name in given else translate(default) for name, default, _ in WORDS}
    return {"id": site.get("id", DEFAULT_ID), "words": words}
