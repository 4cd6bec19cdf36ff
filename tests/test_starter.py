"""`python -m generator new`: a county's own folder that builds at once, with every setting of the plugin offered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site, page_text

from generator.__main__ import main
from generator.publish.plugin import BudgetPluginConfig
from generator.publish.starter import EXPLAINED, plugin_settings

NAME = "某某县预算绩效目标公开"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _new(folder: Path, *arguments: str) -> int:
    return main(["new", str(folder), *arguments])


def test_new_writes_a_county_folder_that_builds_at_once(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "county"
    assert _new(folder, "--name", NAME) == 0
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore",
        "content/README.md",
        "docs/.gitkeep",
        "mkdocs.yml",
    ]
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/site/", "/.site.building/", "/.site.building.downloads/", "/.site.cache/"} <= set(ignored)
    assert (
        f"已建立网站文件夹 {folder}/：mkdocs.yml、content/README.md、docs/.gitkeep、.gitignore"
        in capsys.readouterr().out
    )
    site = build_site(folder)
    home = page_text(site / "index.html")
    assert NAME in home
    assert "本站还没有公开任何部门的绩效目标表。" in home
    assert (site / "assets" / "javascripts" / "search.js").is_file()


def test_the_site_name_is_written_as_text_whatever_it_holds(tmp_path: Path) -> None:
    name = "某县: #1 & 'x' \"y\" !ENV"
    assert _new(tmp_path / "county", "--name", f"  {name} ") == 0
    text = (tmp_path / "county" / "mkdocs.yml").read_text(encoding="utf-8")
    first = yaml.safe_load(text.split("\n# ")[0])
    assert first["site_name"] == name


def test_every_setting_of_the_plugin_is_in_the_starter_commented(tmp_path: Path) -> None:
    assert set(EXPLAINED) == set(plugin_settings())
    assert {name for name, _ in BudgetPluginConfig._schema} <= set(plugin_settings())
    assert _new(tmp_path / "county", "--name", NAME) == 0
    config = (tmp_path / "county" / "mkdocs.yml").read_text(encoding="utf-8")
    for name in plugin_settings():
        key = name.rpartition(".")[2]
        assert re.search(rf"^ +#( +){re.escape(key)}:.*  # {re.escape(EXPLAINED[name][1])}$", config, re.MULTILINE)


def test_the_commented_settings_once_uncommented_are_valid(tmp_path: Path) -> None:
    folder = tmp_path / "county"
    assert _new(folder, "--name", NAME) == 0
    config = folder / "mkdocs.yml"
    start = config.read_text(encoding="utf-8").index("  - budget:\n")
    text = config.read_text(encoding="utf-8")
    settings = re.sub(r"^(      )# (?!以下)", r"\1", text[start:], flags=re.MULTILINE)
    config.write_text(text[:start] + settings, encoding="utf-8")
    (folder / "docs" / "images").mkdir()
    (folder / "docs" / "images" / "dzjg.png").write_bytes(PNG)
    site = build_site(folder)
    assert "某某县财政局预算股" in page_text(site / "about" / "index.html")
    assert "冀ICP备00000000号" in (site / "index.html").read_text(encoding="utf-8")  # every page's footer


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "--name: 没有给出网站名称（应如 --name 某某县预算绩效目标公开）"),
        (("--name", " \u3000"), "--name: 网站名称是空的（应如 --name 某某县预算绩效目标公开）"),
    ],
    ids=["missing", "blank"],
)
def test_new_refuses_a_missing_or_blank_name(
    tmp_path: Path, capsys: pytest.CaptureFixture, arguments: tuple[str, ...], message: str
) -> None:
    assert _new(tmp_path / "county", *arguments) == 1
    assert capsys.readouterr().err == message + "\n"
    assert not (tmp_path / "county").exists()


def test_new_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("county").mkdir()
    Path("county", "mkdocs.yml").write_text("site_name: 本县\n", encoding="utf-8")
    Path("file").write_text("", encoding="utf-8")
    assert _new(Path("county"), "--name", NAME) == 1
    assert _new(Path("file"), "--name", NAME) == 1
    assert capsys.readouterr().err == (
        "county: 文件夹不是空的（应为新的或空的文件夹，以免覆盖已有文件）\nfile: 已有同名文件（应为新的或空的文件夹）\n"
    )
    assert Path("county", "mkdocs.yml").read_text(encoding="utf-8") == "site_name: 本县\n"


def test_the_starter_looks_like_the_repository_site(tmp_path: Path) -> None:
    """Theme and Markdown settings as the repository's own mkdocs.yml, which the tests and golden pages use."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    assert _new(tmp_path / "county", "--name", NAME) == 0
    ours = yaml.load((tmp_path / "county" / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    repository = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    for key in ("theme", "markdown_extensions", "copyright", "docs_dir", "site_dir"):
        assert ours[key] == repository[key], key
