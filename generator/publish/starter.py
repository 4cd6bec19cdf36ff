"""`python -m generator new`: a county's own site folder, ready to import into and build.

A county installs the package and starts here instead of copying this repository: the
folder holds only what is the county's (its `mkdocs.yml`, `content/`, `docs/`); the
theme and the pipeline come from the package. Every setting of the plugin is written
into `mkdocs.yml`, commented out with what it does, read from the plugin so that a new
setting cannot be forgotten here.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from generator.publish.settings import BudgetPluginConfig
from generator.schema.problems import display_path
from generator.site.publisher import SETTING as PUBLISHER
from generator.site.publisher import Publisher, label_of

#: An example of each publisher setting, and what to add to its label (site/publisher.py's) to explain it.
PUBLISHER_EXAMPLES: dict[str, tuple[str, str]] = {
    "sponsor": ("某某县财政局", ""),
    "operator": ("某某县财政局预算股", ""),
    "phone": ("0315-0000000", ""),
    "email": ("ys@example.gov.cn", ""),
    "address": ("某某县某某路 1 号", ""),
    "site_code": ("'1302250000'", ""),
    "icp": ("冀ICP备00000000号", ""),
    "icp_url": ("https://beian.miit.gov.cn/", "；不设则只显示文字"),
    "police": ("冀公网安备00000000000000号", ""),
    "police_url": ("https://beian.mps.gov.cn/", ""),
    "mark": ("images/dzjg.png", "：放在 docs/ 下的图片"),
    "mark_url": ("https://bszs.conac.cn/", ""),
}

#: What each setting of the plugin looks like and does, by name (a publisher's key as publisher.<key>).
#: A test fails when the plugin has a setting that is not here.
EXPLAINED: dict[str, tuple[str, str]] = {
    "content_dir": ("content", "内容目录：import 写入、build 读取的 YAML 文件所在的文件夹"),
    "indicator_categories": ("{产出指标: [工作量指标]}", "本县在规定的一级、二级指标之外自设的指标类别"),
    "offline": ("!ENV [OFFLINE, false]", "OFFLINE=true 时生成可从文件夹直接打开（file://）的网站，如打包交付"),
    PUBLISHER: ("", "网站的主办者，显示在每页页脚和“关于本站”页（政府网站发展指引，国办发〔2017〕47号）"),
    **{f"{PUBLISHER}.{key}": (example, label_of(key) + more) for key, (example, more) in PUBLISHER_EXAMPLES.items()},
}

CONFIG = """\
site_name: {name}
site_description: {description}
# 网站的发布地址，如 https://www.example.gov.cn/zwgk/ys/；也可在生成时用环境变量 SITE_URL 给出
site_url: !ENV [SITE_URL, ""]
docs_dir: docs
site_dir: site
copyright: 本站公开的绩效目标由各预算部门编制，数字与原始文件一致

theme:
  name: material
  language: zh
  font: false          # 不用谷歌字体：网站不向其他网站发出任何请求
  features:
    - navigation.sections
    - navigation.top
    - content.code.copy
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      toggle:
        icon: material/weather-night
        name: 切换到深色模式
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      toggle:
        icon: material/weather-sunny
        name: 切换到浅色模式

markdown_extensions:
  - attr_list
  - toc:
      permalink: true
      permalink_title: 本节的链接

plugins:
  - budget:
      # 以下设置都可不填；需要时去掉行首的 # 并改为本县的值。
{settings}"""

CONTENT_README = """\
# content/

各部门的绩效目标表导入后的 YAML 文件，由导入命令写在这里（content/<年度>/<单位编码>/）：

    python -m generator import 收文/2024/ --out content/

然后检查并生成网站：

    python -m generator check
    python -m generator build
"""

GITIGNORE = "/site/\n/.site.building/\n/.site.building.downloads/\n/.site.previous/\n/.site.cache/\n"


class StarterError(Exception):
    """Why no folder was written, in one sentence for the person who asked for it."""


def plugin_settings() -> list[str]:
    """Every setting of the plugin, in its order, a publisher's as publisher.<key>: read from the plugin itself."""
    names: list[str] = []
    for name, _ in BudgetPluginConfig._schema:
        names.append(name)
        if name == PUBLISHER:
            names += [f"{PUBLISHER}.{field.name}" for field in dataclasses.fields(Publisher)]
    return names


def _setting_lines() -> str:
    lines = []
    for name in plugin_settings():
        example, explanation = EXPLAINED[name]
        key = name.rpartition(".")[2]
        indent = "      #   " if "." in name else "      # "
        lines.append(f"{indent}{key}: {example}".rstrip() + f"    # {explanation}")
    return "\n".join(lines) + "\n"


def scalar(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's), so no name is read as YAML syntax."""
    return json.dumps(text, ensure_ascii=False)


def write_starter(folder: Path, name: str | None) -> list[Path]:
    """Write a county's site folder named `name` into an empty or new `folder`; returns the files written."""
    if name is None:
        raise StarterError("--name: 没有给出网站名称（应如 --name 某某县预算绩效目标公开）")
    name = name.strip()
    if not name:
        raise StarterError("--name: 网站名称是空的（应如 --name 某某县预算绩效目标公开）")
    if folder.exists() and not folder.is_dir():
        raise StarterError(f"{display_path(folder)}: 已有同名文件（应为新的或空的文件夹）")
    if folder.is_dir() and any(folder.iterdir()):
        raise StarterError(f"{display_path(folder)}: 文件夹不是空的（应为新的或空的文件夹，以免覆盖已有文件）")
    config = CONFIG.format(
        name=scalar(name),
        description=scalar(f"{name}：各预算部门的项目支出绩效目标表"),
        settings=_setting_lines(),
    )
    files = {
        "mkdocs.yml": config,
        "content/README.md": CONTENT_README,
        "docs/.gitkeep": "",
        ".gitignore": GITIGNORE,
    }
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
