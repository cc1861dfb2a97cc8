"""A corpus of script-injection payloads, and a knowledge base with them in every text field.

``hostile_kb`` copies the real knowledge base and appends payloads to every
``line`` and ``text`` field of every rules kind (as the model declares them),
to every article's title, summary, tags and body, and to every page text, so
that each payload lands in several places and every field gets several.
Each payload calls ``alert(N)`` with its own N, so a dialog names its source.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml

from generator.rules.model import ARTICLE, KINDS, Field

# One line each; "{n}" becomes the payload's number.
PAYLOADS = (
    "<script>alert({n})</script>",
    "<img src=x onerror=alert({n})>",
    "<svg onload=alert({n})>",
    "<svg><script>alert({n})</script></svg>",
    "<iframe src=\"javascript:alert({n})\"></iframe>",
    "<iframe srcdoc=\"<script>alert({n})</script>\"></iframe>",
    "<body onload=alert({n})>",
    "<details open ontoggle=alert({n})>x</details>",
    "<a href=\"javascript:alert({n})\">x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert({n})\">",
    "<object data=\"javascript:alert({n})\"></object>",
    "<embed src=javascript:alert({n})>",
    "<form action=javascript:alert({n})><button>x</button></form>",
    "<input autofocus onfocus=alert({n})>",
    "<base href=\"javascript:alert({n})//\">",
    "<video><source onerror=alert({n})></video>",
    "<!--<img src=x onerror=alert({n})>-->",
    "</title><script>alert({n})</script>",
    "</textarea><script>alert({n})</script>",
    "\"><script>alert({n})</script>",
    "'><img src=x onerror=alert({n})>",
    "</script><script>alert({n})</script>",
    "<scr<script>ipt>alert({n})</script>",
    "<IMG SRC=x OnErRoR=alert({n})>",
    "<img src=x onerror=&#97;lert({n})>",
    "<a href=\"jav&#x09;ascript:alert({n})\">x</a>",
    "<div style=\"background:url(javascript:alert({n}))\">x</div>",
    "<style>@import 'javascript:alert({n})';</style>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert({n})>\"></noscript>",
    "[go](javascript:alert({n}))",
    "[go](JaVaScRiPt:alert({n}))",
    "[go]( javascript:alert({n}) )",
    "[go](java&#x73;cript:alert({n}))",
    "[go](javascript&colon;alert({n}))",
    "[go](<javascript:alert({n})>)",
    "[go](vbscript:msgbox({n}))",
    "[go](data:text/html,<script>alert({n})</script>)",
    "![x](data:,x){{: onerror=alert({n}) }}",
    "![x](x){{: onerror=\"alert({n})\" }}",
    "[x](https://example.com){{: onclick=alert({n}) }}",
    "[x](https://example.com){{: onmouseover=\"alert({n})\" style=\"position:fixed;inset:0\" }}",
    "word{{: onclick=alert({n}) }}",
    "[x](#){{: #__config }} {n}",
    "[x](#){{: href=\"javascript:alert({n})\" }}",
    "![x](javascript:alert({n}))",
    "<javascript:alert({n})>",
    "[x][r{n}]",
    "{{{{ config }}}} {{% raw %}} alert({n})",
    "&lt;script&gt;alert({n})&lt;/script&gt;",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">{n}</a>",
    "<img src=\"x\" onerror=\"alert({n})\"/>",
    "<p onclick=alert({n})>x</p>",
    "<a href=\"#\" onclick=\"alert({n})\">x</a>",
    "<x onpointerenter=alert({n})>x</x>",
    "<template><script>alert({n})</script></template>",
    "<link rel=stylesheet href=javascript:alert({n})>",
    "\u2028<script>alert({n})</script>",
)
# Several lines each, for Markdown text fields and bodies.
BLOCK_PAYLOADS = (
    "Paragraph {n}.\n{{: onclick=\"alert({n})\" }}",
    "[x][r{n}]\n\n[r{n}]: javascript:alert({n})",
    "| a |\n|---|\n| [x](javascript:alert({n})) |",
    "!!! note \"<img src=x onerror=alert({n})>\"\n    body",
    "<div markdown=\"1\" onclick=\"alert({n})\">x</div>",
    "```\n</code><script>alert({n})</script>\n```",
    "## Heading {n} {{: onclick=alert({n}) }}",
)


def hostile_kb(root: Path, per_field: int = 2) -> int:
    """Put payloads into every text field under ``root`` (a copy of a knowledge base); return how many."""
    stream = ((n, text.format(n=n)) for n, text in itertools.cycle(enumerate(PAYLOADS, 1)))
    blocks = ((n, text.format(n=100 + n)) for n, text in itertools.cycle(enumerate(BLOCK_PAYLOADS, 1)))
    placed = 0
    for kind in KINDS:
        if kind.pattern.startswith("rules/tests/"):
            continue  # rule cases: answers and expectations, never shown on a page
        for path in sorted(root.glob(kind.pattern)):
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
            placed += _inject(data, kind.fields, stream, blocks, per_field)
            schema_line = text.split("\n", 1)[0] + "\n"
            path.write_text(schema_line + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    for path in sorted([*root.glob("content/articles/*.md"), *root.glob("content/pages/*.md")]):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        fields = ARTICLE if "number" in meta else (Field("title", "line", ""),)
        placed += _inject(meta, tuple(f for f in fields if f.name != "number" and f.name != "related"), stream, blocks, 1)
        extra = [next(stream)[1] for _ in range(per_field)] + [next(blocks)[1] for _ in range(per_field)]
        placed += len(extra)
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"
                        + body + "\n\n" + "\n\n".join(extra) + "\n", encoding="utf-8")
    return placed


def _inject(node, fields: tuple[Field, ...], stream, blocks, per_field: int) -> int:
    placed = 0
    if not isinstance(node, dict):
        return 0
    for f in fields:
        if f.name not in node or node[f.name] is None:
            continue
        base = f.type[5:] if f.type.startswith("list:") else f.type
        values = node[f.name] if f.type.startswith("list:") else [node[f.name]]
        if base == "object":
            placed += sum(_inject(item, f.fields, stream, blocks, per_field) for item in values)
            continue
        if base not in ("line", "text") or not all(isinstance(v, str) for v in values):
            continue
        if f.name in ("article", "articles", "number", "related") or f.name == "stages" and f.type == "list:line":
            continue  # references written as text: a payload there is a dangling reference, not text on a page
        new = []
        for value in values:
            extra = [next(stream)[1] for _ in range(per_field)]
            if base == "text":
                extra.append(next(blocks)[1])
                new.append(value.rstrip() + "\n\n" + "\n\n".join(extra) + "\n")
            else:
                new.append(value + " " + " ".join(extra))
            placed += len(extra)
        node[f.name] = new if f.type.startswith("list:") else new[0]
    return placed

