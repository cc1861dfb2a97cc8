"""mkdocs.yml holds only the site owner's choices (generator/site/config.py); the generator writes the rest
(generator/site/engine_config.py). `check` and `build` refuse the same settings, one line each, by name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from generator.errors import UserError
from generator.site.config import SiteConfig, read_site_config
from generator.site.engine_config import engine_config, site_nav
from tests.cli_run import run_cli
from tests.conftest import ROOT, copy_kb

PLANTS = ROOT / "tests" / "fixtures" / "plant-kb"

# (mkdocs.yml, the one problem line `check` prints)
REFUSED = [
    ("site_name: x\nplugins: [search]\n", "mkdocs.yml:2:1: 'plugins' is set by the generator; remove it"),
    ("site_name: x\nhooks: [evil.py]\n", "mkdocs.yml:2:1: 'hooks' is not supported (it would run code in the build); remove it"),
    ("INHERIT: /proc/self/environ\n", "mkdocs.yml:1:1: 'INHERIT' is not supported (it would read another file); remove it"),
    ("markdown_extensions: [pymdownx.snippets]\n", "mkdocs.yml:1:1: 'markdown_extensions' is set by the generator; remove it"),
    ("extra_javascript: [https://evil.example/x.js]\n", "mkdocs.yml:1:1: 'extra_javascript' is set by the generator; remove it"),
    ("extra_css: [x.css]\n", "mkdocs.yml:1:1: 'extra_css' is set by the generator; remove it"),
    ("extra:\n  analytics: {provider: google, property: G-1}\n",
     "mkdocs.yml:1:1: 'extra' is not supported (analytics, consent and social links would load from other sites); remove it"),
    ("docs_dir: /etc\n", "mkdocs.yml:1:1: 'docs_dir' is set by the generator; remove it"),
    ("site_dir: /tmp/elsewhere\n", "mkdocs.yml:1:1: 'site_dir' is set by the generator; remove it"),
    ("validation: {links: {anchors: ignore}}\n", "mkdocs.yml:1:1: 'validation' is set by the generator; remove it"),
    ("strict: false\n", "mkdocs.yml:1:1: 'strict' is set by the generator; remove it"),
    ("use_directory_urls: false\n", "mkdocs.yml:1:1: 'use_directory_urls' is set by the generator; remove it"),
    ("watch: [/]\n", "mkdocs.yml:1:1: 'watch' is not supported (the generator decides what the site holds); remove it"),
    ("dev_addr: 0.0.0.0:80\n", "mkdocs.yml:1:1: 'dev_addr' is not supported (the generator decides what the site holds); remove it"),
    ("theme:\n  name: material\n  custom_dir: ../outside\n", "mkdocs.yml:3:3: 'theme.custom_dir' is set by the generator; remove it"),
    ("theme:\n  font: {text: Roboto}\n", "mkdocs.yml:2:3: 'theme.font' is set by the generator; remove it"),
    ("theme:\n  features: [navigation.tabs]\n", "mkdocs.yml:2:3: 'theme.features' is set by the generator; remove it"),
    ("site_name: !ENV [KB_NAME, x]\n", "mkdocs.yml:1:12: YAML tag '!ENV' is not allowed; only plain data is read: remove the tag"),
    ("site_name: !!python/name:os.system\n",
     "mkdocs.yml:1:12: YAML tag '!!python/name:os.system' is not allowed; only plain data is read: remove the tag"),
    ("site_name: &n x\nsite_description: *n\n",
     "mkdocs.yml:1:12: YAML anchor '&n' is not allowed; write each value out in full: anchors (&) and aliases (*) are refused"),
    ("site_nme: x\n", "mkdocs.yml:1:1: unknown setting 'site_nme'; did you mean 'site_name'?"),
    ("theme:\n  pallete: {primary: red}\n", "mkdocs.yml:2:3: unknown setting 'theme.pallete'; did you mean 'palette'?"),
    ("theme: readthedocs\n", "mkdocs.yml:1:8: unsupported theme: readthedocs; the site is built with Material for MkDocs "
                             "(or Zensical, which reads the same settings): write 'name: material' or leave the name out"),
    ("theme:\n  name: mkdocs\n", "mkdocs.yml:2:9: unsupported theme: mkdocs; the site is built with Material for MkDocs "
                                 "(or Zensical, which reads the same settings): write 'name: material' or leave the name out"),
    ('site_name: "My <b>site</b>"\n', "mkdocs.yml:1:16: site_name holds '<', which is markup in a page; these settings are "
                                      "plain text: write typographic quotes (“ ”) and the characters themselves"),
    ("copyright: 'a\" onmouseover=\"x'\n", "mkdocs.yml:1:14: copyright holds '\"', which is markup in a page; these settings are "
                                           "plain text: write typographic quotes (“ ”) and the characters themselves"),
    ("site_url: javascript:alert(1)\n", "mkdocs.yml:1:11: site_url must be an http:// or https:// address, not "
                                        "'javascript:alert(1)'; write the address out, without spaces or quotes"),
    ("repo_url: https://user@evil.example/\n", "mkdocs.yml:1:11: repo_url must be an http:// or https:// address, not "
                                               "'https://user@evil.example/'; write the address out, without spaces or quotes"),
    ("theme:\n  logo: https://evil.example/logo.png\n",
     "mkdocs.yml:2:9: theme.logo must be a path inside the site such as 'assets/kb/logo.svg', not 'https://evil.example/logo.png'; "
     "no scheme, no '..': put the file in site_assets/ and write assets/kb/<its name>"),
    ("theme:\n  favicon: assets/kb/../../etc/passwd\n",
     "mkdocs.yml:2:12: theme.favicon must be a path inside the site such as 'assets/kb/logo.svg', not 'assets/kb/../../etc/passwd'; "
     "no scheme, no '..': put the file in site_assets/ and write assets/kb/<its name>"),
    ("theme:\n  logo: assets/kb/missing.png\n", "mkdocs.yml:2:9: theme.logo 'assets/kb/missing.png' is not a file the site "
                                                "publishes; put the file in site_assets/ and write assets/kb/missing.png"),
    ("theme:\n  palette: {primary: 'red; background: url(x)'}\n",
     "mkdocs.yml:2:22: theme.palette.primary must be a word such as 'indigo', not 'red; background: url(x)'"),
    ("theme:\n  palette: [{scheme: slate, toggle: {icon: 'javascript:x', name: Dark}}]\n",
     "mkdocs.yml:2:44: theme.palette.toggle.icon must be an icon name such as 'material/library', not 'javascript:x'"),
    ("theme:\n  language: '../x'\n", "mkdocs.yml:2:13: theme.language must be a language code such as 'en' or 'pt-BR', not '../x'"),
    ("nav:\n  - Evil: javascript:alert(1)\n",
     "mkdocs.yml:2:11: nav entry 'Evil' must point at a page such as 'questions.md' or an https:// address, not "
     "'javascript:alert(1)'; pages are named as the generated site names them (see build/docs/), relative, without '..'"),
    ("nav:\n  - Section:\n    - questions.md\n",
     "mkdocs.yml:3:5: nav entry 'Section' must point at a page such as 'questions.md' or an https:// address, not "
     "['questions.md']; pages are named as the generated site names them (see build/docs/), relative, without '..'"),
]


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_cli("--root", str(root), *args, cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def plants(tmp_path_factory) -> Path:
    """A copy of the houseplant knowledge base, whose mkdocs.yml each test replaces."""
    kb = tmp_path_factory.mktemp("plants") / "kb"
    for name in ("rules", "content"):
        (kb / name).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-r", str(PLANTS / name), str(kb / name)], check=True)
    return kb


@pytest.mark.parametrize("text, line", REFUSED, ids=[line.split(": ", 1)[1][:50] for _, line in REFUSED])
def test_a_setting_outside_the_owners_choices_is_one_line_at_its_position(plants: Path, text: str, line: str):
    (plants / "mkdocs.yml").write_text(text, encoding="utf-8")
    config, problems = read_site_config(plants)
    assert [str(p) for p in problems] == [line]


def test_check_and_build_refuse_it_alike_and_build_replaces_nothing(plants: Path, tmp_path: Path):
    (plants / "mkdocs.yml").write_text("site_name: Plants\ntheme: {name: readthedocs}\nplugins: [search]\n", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site")
    expected = ["mkdocs.yml:2:15: unsupported theme: readthedocs; the site is built with Material for MkDocs "
                "(or Zensical, which reads the same settings): write 'name: material' or leave the name out",
                "mkdocs.yml:3:1: 'plugins' is set by the generator; remove it"]
    check = run(plants, "check")
    build = run(plants, "build", "--site-dir", str(site))
    assert (check.returncode, build.returncode) == (1, 1)
    assert check.stderr.splitlines() == expected == build.stderr.splitlines()
    assert (site / "index.html").read_text() == "the last good site"


def test_the_owners_choices_are_kept_and_the_generators_wiring_added(plants: Path, tmp_path: Path):
    (plants / "mkdocs.yml").write_text(
        "site_name: Plants & Pots\nsite_url: https://plants.example/\nsite_description: Care for houseplants.\n"
        "site_author: A. Gardener\ncopyright: © 2026 A. Gardener\nrepo_url: https://github.com/example/plants\n"
        "repo_name: example/plants\nedit_uri: edit/main/content/\n"
        "theme:\n  name: material\n  language: es\n  icon: {repo: fontawesome/brands/github, admonition: {note: material/leaf}}\n"
        "  palette:\n    - media: '(prefers-color-scheme: light)'\n      scheme: default\n      primary: green\n"
        "      toggle: {icon: material/brightness-7, name: Modo oscuro}\n"
        "nav:\n  - Check your plant: assess/index.md\n  - Blog: https://plants.example/blog/\n", encoding="utf-8")
    owner, problems = read_site_config(plants)
    assert problems == []
    config = engine_config(owner, docs=tmp_path / "docs", site=tmp_path / "site", theme=tmp_path / "theme",
                           pages=["index.md", "assess/index.md", "milestones/index.md", "questions.md"])
    assert config["site_name"] == "Plants & Pots" and config["edit_uri"] == "edit/main/content/"
    assert config["theme"]["language"] == "es" and config["theme"]["palette"][0]["toggle"]["name"] == "Modo oscuro"
    assert config["theme"]["font"] is False and config["theme"]["custom_dir"] == str(tmp_path / "theme")
    assert config["docs_dir"] == str(tmp_path / "docs") and config["site_dir"] == str(tmp_path / "site")
    assert {"path": "assets/kb/assess.js", "type": "module"} in config["extra_javascript"]
    assert config["plugins"] == ["search", "tags"]
    assert config["nav"] == [{"Inicio": "index.md"}, {"Check your plant": "assess/index.md"}, {"Hitos": "milestones/index.md"},
                             {"Preguntas": "questions.md"}, {"Blog": "https://plants.example/blog/"}], "titled in theme.language"
    assert yaml.safe_load(yaml.safe_dump(config)) == config, "written as plain YAML: no tags for either engine"


def test_no_mkdocs_yml_names_the_site_after_its_folder(plants: Path):
    (plants / "mkdocs.yml").unlink(missing_ok=True)
    config, problems = read_site_config(plants)
    assert problems == [] and config.settings == {"site_name": "kb"} and config.language == "en"
    assert run(plants, "check").returncode == 0


def test_a_nav_entry_for_a_page_the_site_lacks_is_placed_at_the_entry():
    owner = SiteConfig(nav=[("Tips", "tips.md", (7, 11))])
    with pytest.raises(UserError) as raised:
        site_nav(["index.md", "tags.md"], owner.nav)
    assert [str(p) for p in raised.value.problems] == [
        "mkdocs.yml:7:11: nav entry 'Tips' names 'tips.md', a page this site does not have; did you mean 'tags.md'?"]


def test_this_repositorys_and_the_fixtures_mkdocs_yml_hold_only_owner_choices():
    for root in (ROOT, PLANTS):
        config, problems = read_site_config(root)
        assert problems == [], root
    assert read_site_config(ROOT)[0].theme["logo"] == "assets/kb/logo.svg"


def test_a_logo_from_site_assets_is_accepted(tmp_path: Path):
    kb = copy_kb(tmp_path / "kb", "site_assets")
    (kb / "mkdocs.yml").write_text("site_name: x\ntheme:\n  logo: assets/kb/logo.svg\n  favicon: assets/kb/site.css\n")
    assert read_site_config(kb)[1] == []
