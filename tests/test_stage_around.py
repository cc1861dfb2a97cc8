"""A stage page's "Around it" links back to its framework by the framework's own title, in a
sentence that reads naturally whatever the title is ("The milestone ladder", "Spinning Plates")."""

from __future__ import annotations

import re
from pathlib import Path


def test_a_stage_page_names_its_framework_as_titled(built_site: Path):
    stages = [p for p in (built_site / "frameworks").glob("*/*/index.html")]
    assert len(stages) >= 10
    for path in stages:
        html = path.read_text(encoding="utf-8")
        framework = (path.parent.parent / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)<", framework, re.S).group(1).strip()
        assert f'All stages in this framework: <a href="../">{title}</a>' in html, path
        assert f"All of {title}" not in html
