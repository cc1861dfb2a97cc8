"""A knowledge base from `init` builds into pages whose Markdown came out as meant: one-line rules texts
(the skeleton's are short) are blocks of their own, so the tables after them are tables."""

from __future__ import annotations

import re
from pathlib import Path

from generator.site.build import build_site
from tests.cli_run import run_cli

TABLE_AS_TEXT = re.compile(r"<p>[^<]*\|\s*-{3}")  # a table's delimiter row left inside a paragraph


def test_every_table_of_a_new_knowledge_base_is_a_table(tmp_path: Path):
    kb = tmp_path / "kb"
    done = run_cli("init", str(kb))
    assert done.returncode == 0, done.stderr
    site = build_site(kb, tmp_path / "site").site_dir
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert "<table>" in pages["index.html"]  # the ladder, after its one-line summary
    assert {rel for rel, html in pages.items() if TABLE_AS_TEXT.search(html)} == set()
