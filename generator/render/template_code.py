"""Compiled Jinja templates kept in memory, so a process that builds again and again compiles each template once,
and for the next build, which is another process (``TEMPLATE_CODE``: the page templates' and MkDocs' theme's).

The live preview rebuilds on every save, and compiling the page templates and
the theme's took more of a rebuild than rendering the pages that changed. Jinja
keys each compiled template by its name and file and checks it against the
source's checksum before using it, so an edited template is compiled again.
"""

from __future__ import annotations

import base64
import hashlib

import jinja2
import jinja2.bccache

from .. import kept


class KeptTemplateCode(jinja2.BytecodeCache):
    """A Jinja bytecode cache in a dict, also kept for the next build, another process (kept.py: a file only the same
    generator code, Python and Jinja can have made): each build compiled Material's templates and the page templates
    anew. Each template's code is found by Jinja's key (its name and file) and by what the environment compiled it
    with (``settings``), so environments of any settings can share one; Jinja still checks the source's checksum.
    What this process used is what is kept."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self._kept: dict | None = None
        self._used: set[str] = set()
        self._new = False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = _key(bucket)
        self._used.add(key)
        if key not in self.code:
            if self._kept is None:
                self._kept = kept.read(_KEPT, ("jinja2",))
            found = self._kept.get(key)
            if isinstance(found, str):
                self.code[key] = base64.b64decode(found)
        if key in self.code:
            bucket.bytecode_from_string(self.code[key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        key = _key(bucket)
        self.code[key], self._new = bucket.bytecode_to_string(), True
        self._used.add(key)

    def keep(self) -> None:
        """This process's templates' code, for the next build; nothing is written when none was compiled."""
        if self._new:
            kept.write(_KEPT, {key: base64.b64encode(self.code[key]).decode() for key in sorted(self._used) if key in self.code},
                       ("jinja2",))
            self._new = False


_KEPT = "template-code"


def _key(bucket: jinja2.bccache.Bucket) -> str:
    return hashlib.sha256(f"{settings(bucket.environment)}\0{bucket.key}".encode()).hexdigest()


def settings(env: jinja2.Environment) -> str:
    """What Jinja compiles a template with besides its source: its version, the environment's options (delimiters,
    whitespace, autoescape, finalize...), extensions, and the names of its filters and tests (compiling checks them)."""
    options = sorted((name, value) for name, value in vars(env).items() if isinstance(value, (str, int, bool, type(None))))
    named = [getattr(f, "__module__", ""), getattr(f, "__qualname__", repr(f))] if callable(f := env.autoescape) else [f]
    final = [getattr(env.finalize, "__module__", ""), getattr(env.finalize, "__qualname__", "")] if env.finalize else []
    return repr([jinja2.__version__, options, named, final, sorted(env.extensions), sorted(env.filters), sorted(env.tests)])


TEMPLATE_CODE = KeptTemplateCode()  # the build's: the page templates' environment and MkDocs' theme
