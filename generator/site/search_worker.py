"""The search stand-in (generator/assets/search-standin.js), published beside the theme's search worker.

The theme's search worker loads the search's language files relative to its own
address (Material's imports ``../lunr/min/lunr.es.min.js``). The stand-in that
defers it on the assessment page (defer-search.js) imports it into its own
worker, so the stand-in must live in the same folder: from ``assets/kb/`` every
non-English site's search asked for ``assets/lunr/…`` and got a 404. Placed
before the service worker is written, so it is precached with a revision.
"""

from __future__ import annotations

from pathlib import Path

from ..sources import copy_file

STAND_IN = "kb-search-standin.js"  # defer-search.js names it beside the worker


def place_search_standin(site: Path, published: str) -> list[Path]:
    """Move ``published`` (the stand-in as the build published it, a knowledge base's override included) next to
    every ``workers/search*.js`` the site engine wrote; return where it went."""
    source = site / published
    placed = []
    for folder in sorted({worker.parent for worker in site.glob("**/workers/search*.js")}):
        copy_file(source, folder / STAND_IN)
        placed.append(folder / STAND_IN)
    source.unlink(missing_ok=True)
    return placed
