"""Compiled Jinja templates kept in memory, so a process that builds again and again compiles each template once.

The live preview rebuilds on every save, and compiling the page templates and
the theme's took more of a rebuild than rendering the pages that changed. Jinja
keys each compiled template by its name and file and checks it against the
source's checksum before using it, so an edited template is compiled again.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache


class TemplateCode(jinja2.BytecodeCache):
    """A Jinja bytecode cache in a dict. Give one only to environments made with the same settings."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
