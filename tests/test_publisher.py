"""A county's government-site marks come from mkdocs.yml: footer, about page, and clear errors for bad settings."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import build_site, copy_project, page_text

from generator.publish.plugin import BudgetPlugin
from generator.publish.settings import SettingError, publisher_of
from generator.site.publisher import Publisher

PAGES = ["index.html", "2024/203001/index.html", "2024/203001/13022524P00442P10057D/index.html", "about/index.html"]

SETTINGS = {
    "sponsor": "某某县财政局",
    "operator": "某某县财政局预算股",
    "phone": "0315-0000000",
    "email": "ys@example.gov.cn",
    "address": "某某县某某路 1 号",
    "site_code": 1302250000,  # YAML reads it as a number: shown as written
    "icp": "冀ICP备00000000号",
    "icp_url": "https://beian.miit.gov.cn/",
    "police": "冀公网安备00000000000000号",
    "mark": "images/dzjg.png",
    "mark_url": "https://bszs.conac.cn/sitename?method=show&id=0",
}

#: What the footer of every page shows of each setting.
IN_FOOTER = {
    "sponsor": "<span>主办单位：某某县财政局</span>",
    "operator": "<span>承办单位：某某县财政局预算股</span>",
    "phone": "<span>联系电话：0315-0000000</span>",
    "email": "<span>电子邮箱：ys@example.gov.cn</span>",
    "address": "<span>联系地址：某某县某某路 1 号</span>",
    "site_code": "<span>网站标识码：1302250000</span>",
    "icp": '<span><a href="https://beian.miit.gov.cn/" rel="noopener">冀ICP备00000000号</a></span>',
    "police": "<span>冀公网安备00000000000000号</span>",  # no address given: not a link
    "mark": '<a href="https://bszs.conac.cn/sitename?method=show&amp;id=0" rel="noopener"><img src="{root}images/dzjg.png"',
}


def png() -> bytes:
    """A 2x2 red PNG: the mark is any image the county puts in docs/."""
    rows = b"".join(b"\x00" + b"\xcc\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def yaml_value(value: object) -> str:
    return str(value) if isinstance(value, int) else f"'{value}'"


def with_publisher(project: Path, settings: dict[str, object]) -> Path:
    """The project with a `publisher:` block under the budget plugin in its mkdocs.yml."""
    lines = "".join(f"        {key}: {yaml_value(value)}\n" for key, value in settings.items())
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - budget:\n", f"  - budget:\n      publisher:\n{lines}", 1), encoding="utf-8")
    (project / "docs/images").mkdir(parents=True, exist_ok=True)
    (project / "docs/images/dzjg.png").write_bytes(png())
    return project


@pytest.fixture(scope="module")
def county_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = with_publisher(copy_project(tmp_path_factory.mktemp("county")), SETTINGS)
    return build_site(project, site_url="https://ys.example.gov.cn/")


def read_publisher(setting: object, docs_dir: Path) -> Publisher:
    """The publisher of a site whose mkdocs.yml, beside docs_dir, has this `publisher:` setting, read as MkDocs reads it."""
    plugin = BudgetPlugin()
    plugin.load_config({"publisher": setting}, str(docs_dir.parent / "mkdocs.yml"))
    return publisher_of(plugin.config, docs_dir)


def footer(html: str) -> str:
    return html[html.index('<div class="md-copyright bp-footer">') :]


@pytest.mark.parametrize("setting", IN_FOOTER)
def test_each_publisher_setting_shows_in_the_footer_of_every_page(county_site: Path, setting: str) -> None:
    for page in PAGES:
        root = "../" * page.count("/")
        assert IN_FOOTER[setting].format(root=root) in footer((county_site / page).read_text(encoding="utf-8")), page


def test_the_mark_is_an_image_of_the_site_itself_with_its_name(county_site: Path) -> None:
    assert (county_site / "images/dzjg.png").read_bytes() == png()
    html = footer((county_site / "index.html").read_text(encoding="utf-8"))
    assert re.findall(r'<img src="([^"]+)" alt="([^"]+)"', html) == [("images/dzjg.png", "党政机关网站标识")]


def test_the_about_page_says_who_publishes_on_what_basis_and_whom_to_contact(county_site: Path) -> None:
    text = " ".join(page_text(county_site / "about/index.html").split())
    for expected in (
        "主办单位 某某县财政局",
        "承办单位 某某县财政局预算股",
        "《中华人民共和国预算法》第十四条",
        "《地方预决算公开操作规程》（财预〔2016〕143号）",
        "请联系某某县财政局预算股：",
        "联系电话：0315-0000000",
        "电子邮箱：ys@example.gov.cn",
        "联系地址：某某县某某路 1 号",
    ):
        assert expected in text, expected


def test_without_a_publisher_setting_the_footer_has_only_the_notice(seed_site: Path) -> None:
    html = footer((seed_site / "index.html").read_text(encoding="utf-8"))
    assert "bp-footer__line" not in html and "<img" not in html
    assert "本站公开的绩效目标由各预算部门编制" in html
    assert "请与本级财政部门联系" in page_text(seed_site / "about/index.html")


def test_setting_text_is_shown_as_typed_never_as_markup(tmp_path: Path) -> None:
    hostile = {"sponsor": "<script>alert(1)</script>财政局", "address": "{{ 7*7 }} & <b>路</b>"}
    site = build_site(with_publisher(copy_project(tmp_path / "project"), hostile))
    html = footer((site / "index.html").read_text(encoding="utf-8"))
    assert "主办单位：&lt;script&gt;alert(1)&lt;/script&gt;财政局" in html
    assert "联系地址：{{ 7*7 }} &amp; &lt;b&gt;路&lt;/b&gt;" in html
    about = (site / "about/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in about and "&lt;script&gt;alert(1)&lt;/script&gt;财政局" in about


BAD_SETTINGS = {
    "not a mapping": (
        "某某县财政局",
        "mkdocs.yml: budget 插件的 publisher 应为键值表，如 publisher: {sponsor: 某某县财政局}",
    ),
    "misspelt key": ({"sponser": "财政局"}, "mkdocs.yml: publisher.sponser: 未知设置（是否应为 sponsor？）"),
    "a list for text": ({"phone": ["1", "2"]}, "mkdocs.yml: publisher.phone（联系电话）应为文字"),
    "an address that is not a web address": (
        {"icp": "冀ICP备00000000号", "icp_url": "beian.miit.gov.cn"},
        "mkdocs.yml: publisher.icp_url（ICP备案号的链接）应为以 http:// 或 https:// 开头的网址，实际为“beian.miit.gov.cn”",
    ),
    "an address without its number": (
        {"police_url": "https://beian.mps.gov.cn/"},
        "mkdocs.yml: publisher.police_url 须与 publisher.police（公安机关备案号）一起设置",
    ),
    "a mark from another host": (
        {"mark": "https://dcs.conac.cn/image/red.png"},
        (
            "mkdocs.yml: publisher.mark（党政机关网站标识）应为 docs/ 下的图片文件，不能是其他网站的地址："
            "https://dcs.conac.cn/image/red.png"
        ),
    ),
    "a mark that is not an image": (
        {"mark": "about.md"},
        "mkdocs.yml: publisher.mark（党政机关网站标识）：docs/about.md 不是图片（按文件内容应为 PNG、JPEG、GIF、WebP、SVG 图片，不看扩展名）",
    ),
    "a mark missing from docs": (
        {"mark": "images/missing.png"},
        "mkdocs.yml: publisher.mark（党政机关网站标识）：docs/images/missing.png 不存在（图片应放在 docs/ 下）",
    ),
    "a mark outside docs": (
        {"mark": "../content/mark.png"},
        "mkdocs.yml: publisher.mark（党政机关网站标识）应为 docs/ 下的图片文件，网站才会带上它：../content/mark.png",
    ),
}


@pytest.mark.parametrize("kind", BAD_SETTINGS)
def test_a_bad_publisher_setting_is_named_with_its_key(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting, message = BAD_SETTINGS[kind]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content/mark.png").write_bytes(png())
    (tmp_path / "docs/about.md").write_text("# 关于本站\n", encoding="utf-8")
    with pytest.raises(SettingError) as raised:
        read_publisher(setting, tmp_path / "docs")
    assert str(raised.value) == message


def test_a_bad_publisher_setting_stops_the_build_without_a_traceback(tmp_path: Path) -> None:
    project = with_publisher(copy_project(tmp_path / "project"), {"icp_url": "https://beian.miit.gov.cn/"})
    built = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(project / "site")],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode != 0
    assert "mkdocs.yml: publisher.icp_url 须与 publisher.icp（ICP备案号）一起设置" in built.stderr
    assert "Traceback" not in built.stderr
    assert not (project / "site").exists()
