"""A Content-Security-Policy on every built page, as a ``<meta http-equiv>`` (static hosts set no headers).

Nothing off-origin; WebAssembly compilation for Pyodide; inline scripts only
by hash. The theme writes a few small inline scripts whose text varies only
with the page's depth: every page carries the hashes of all of them, so that
instant navigation (which keeps the first page's policy) runs them on any page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_HEAD = re.compile(r"<head(?:\s[^>]*)?>(?:\s*<meta\s+charset=[^>]*>)?", re.I)  # the charset must stay in the first 1,024 bytes


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: set[str]) -> str:
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(sorted(hashes)),
        "worker-src 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",  # the theme's icons are data: URIs in its stylesheet; page bodies may carry none
        "style-src 'self' 'unsafe-inline'",  # table alignment; page bodies may only set text-align
        "font-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ))


def add_policy(pages: dict[Path, str], hashes: set[str]) -> dict[Path, str]:
    """Each page with the policy at the top of its <head> (after the charset), before any script."""
    meta = policy_meta(hashes)
    return {path: with_policy(text, meta) for path, text in pages.items()}


def policy_meta(hashes: set[str]) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'


def with_policy(text: str, meta: str) -> str:
    """One page with ``meta`` (policy_meta) after its charset; a fragment without a <head> as it is."""
    head = _HEAD.search(text)
    return text[: head.end()] + meta + text[head.end():] if head else text
