"""The pages citizens read speak Chinese, not the staff's or the programmers' words (issue 25)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import page_text

from generator.site.quality import RULES


def test_the_quality_page_keeps_rule_ids_as_anchors_but_never_shows_them(seed_site: Path) -> None:
    page = seed_site / "quality" / "index.html"
    text = page_text(page)
    source = page.read_text(encoding="utf-8")
    assert [rule.id for rule in RULES if rule.id in text] == []
    assert [rule.id for rule in RULES if f'id="rule-{rule.id}"' not in source] == []
    assert "rule_id" not in text and "编号" not in text
    assert "下载数据中的每处提示都注明所依据的规则，全部规则及其依据另有一个文件，见下载数据。" in "".join(text.split())


def test_the_home_page_describes_the_data_package_in_chinese_and_names_the_site_once(seed_site: Path) -> None:
    source = (seed_site / "index.html").read_text(encoding="utf-8")
    assert "Frictionless" not in page_text(seed_site / "index.html")
    assert "：数据包说明：上面四个 CSV 表的字段类型、主键和外键，供数据工具读取和校验</li>" in source
    assert re.findall(r"<title>(.*?)</title>", source) == ["乐亭县预算绩效目标公开"]
    assert "<title>2024年 - 乐亭县预算绩效目标公开</title>" in (seed_site / "2024" / "index.html").read_text(
        encoding="utf-8"
    )


def test_the_staff_hint_about_reimporting_is_on_the_downloads_page_not_the_department_page(seed_site: Path) -> None:
    department = page_text(seed_site / "2024" / "203001" / "index.html")
    assert "重新导入" not in department
    assert "绩效目标表原格式（Word），可打印" in department
    downloads = "".join(page_text(seed_site / "downloads" / "index.html").split())
    assert (
        "绩效目标表原格式（各部门的-form.docx和-form.xlsx，列在部门页面）：与部门公开的表格式相同，可打印；"
        "部门工作人员也可在其中修改后，用本工具的导入命令重新导入。"
    ) in downloads


def test_the_downloads_page_folds_each_field_list_away(seed_site: Path) -> None:
    source = (seed_site / "downloads" / "index.html").read_text(encoding="utf-8")
    fields = source[source.index('id="fields"') :]
    lists = re.findall(r'<details class="bp-fields-list" id="fields-([a-z-]+)">\s*<summary>(.*?)</summary>', fields)
    assert [name for name, _ in lists] == ["projects", "indicators", "plans", "findings"]  # one year: no change table
    assert lists[0][1].startswith("项目（<code>projects</code>，19 个字段）")
    assert fields.count('<table class="bp-table bp-fields') == len(lists) == fields.count("</details>")
