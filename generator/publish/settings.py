"""The budget plugin's settings in mkdocs.yml, declared with MkDocs' own config options.

MkDocs reads and checks them as it reads the rest of mkdocs.yml, for a build and for the
command line's `check` and `import` alike (`load_settings`): one reader, one set of checks.
Each option says what is wrong in Chinese, naming the setting as the county wrote it, where
MkDocs would say it in English (or, for a misspelt key, only warn). A wrong setting ends the
run with that message alone, naming the file (`SettingError`).
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import yaml
from click import echo
from mkdocs.config import config_options, load_config
from mkdocs.config.base import Config, ValidationError
from mkdocs.exceptions import Abort, ConfigurationError

from generator.schema.categories import PLUGIN
from generator.schema.categories import SETTING as CATEGORIES
from generator.schema.problems import display_path
from generator.site.publisher import SETTING as PUBLISHER
from generator.site.publisher import Publisher, label_of, mark_problem


class SettingError(Abort):
    """A setting in mkdocs.yml is wrong: the run stops with our message, without a traceback (MkDocs' own way to stop)."""

    def show(self, *args: object, **kwargs: object) -> None:
        echo(self.format_message(), err=True)


def where(config: Config) -> str:
    """The settings' file as the county sees it, to begin each message."""
    return display_path(Path(config.config_file_path or "mkdocs.yml"))


class _Categories(config_options.DictOfItems):
    """{一级指标: [二级指标, …]}: a county's own indicator categories."""

    def __init__(self) -> None:
        super().__init__(config_options.ListOfItems(config_options.Type(str)), default={})

    def run_validation(self, value: object) -> dict[str, list[str]]:
        if value is None:  # left blank: MkDocs' reading of a blank setting is its default
            return {}
        try:
            return super().run_validation(value)
        except ValidationError:
            raise ValidationError(
                f"{PLUGIN} 插件的 {CATEGORIES} 应为“一级指标: [二级指标, …]”的键值表，"
                f"如 {CATEGORIES}: {{产出指标: [数量指标]}}"
            ) from None


class _Text(config_options.BaseConfigOption[str]):
    """Text shown as typed: YAML reads a 网站标识码 such as 1302250000 as a number, which is shown as written."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def pre_validation(self, config: Config, key_name: str) -> None:
        self.name = f"{PUBLISHER}.{key_name}"

    def run_validation(self, value: object) -> str | None:
        if value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError(f"{self.name}（{self.label}）应为文字")
        return str(value).strip()


class _Link(_Text):
    """A web address that makes another setting a link, so it is set only with that setting."""

    def __init__(self, label: str, owner: str) -> None:
        super().__init__(label)
        self.owner = owner

    def run_validation(self, value: object) -> str | None:
        text = super().run_validation(value)
        if text is None:
            return None
        try:
            address = config_options.URL().run_validation(text)
        except ValidationError:
            address = ""
        if not address.startswith(("http://", "https://")):
            raise ValidationError(f"{self.name}（{self.label}）应为以 http:// 或 https:// 开头的网址，实际为“{text}”")
        return text

    def post_validation(self, config: Config, key_name: str) -> None:
        if config[key_name] is not None and config[self.owner] is None:
            raise ValidationError(f"{self.name} 须与 {PUBLISHER}.{self.owner}（{label_of(self.owner)}）一起设置")


class _Image(_Text):
    """An image of the site itself: its file under docs/ is checked when the build knows docs_dir (`publisher_of`)."""

    def run_validation(self, value: object) -> str | None:
        path = super().run_validation(value)
        if path is not None and ("://" in path or path.startswith("//")):
            raise ValidationError(f"{self.name}（{self.label}）应为 docs/ 下的图片文件，不能是其他网站的地址：{path}")
        return path


def _option(field: dataclasses.Field) -> config_options.Optional:
    label, kind = field.metadata["label"], field.metadata["kind"]
    if kind == "url":
        return config_options.Optional(_Link(label, owner=field.name.removesuffix("_url")))
    return config_options.Optional(_Image(label) if kind == "image" else _Text(label))


#: One option per field of `Publisher`, whose declarations hold the labels the pages show too.
PublisherConfig = type(
    "PublisherConfig", (Config,), {field.name: _option(field) for field in dataclasses.fields(Publisher)}
)


class _Publisher(config_options.SubConfig):
    """The `publisher:` mapping, every key known: MkDocs would only warn of a misspelt one, which then shows nothing."""

    def __init__(self) -> None:
        super().__init__(PublisherConfig)

    def run_validation(self, value: object) -> Config:
        if value is None:  # left blank
            value = {}
        if not isinstance(value, dict):
            raise ValidationError(f"{PLUGIN} 插件的 {PUBLISHER} 应为键值表，如 {PUBLISHER}: {{sponsor: 某某县财政局}}")
        known = [key for key, _ in PublisherConfig._schema]
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"是否应为 {close[0]}？" if close else f"可用：{'、'.join(known)}"
                raise ValidationError(f"{PUBLISHER}.{key}: 未知设置（{hint}）")
        config = PublisherConfig(config_file_path=self._config_file_path)
        config.load_dict(value)
        failed, _ = config.validate()
        if failed:
            raise failed[0][1]
        return config


class BudgetPluginConfig(Config):
    content_dir = config_options.Type(str, default="content")
    """Folder of the YAML content, relative to mkdocs.yml."""
    indicator_categories = _Categories()
    """The county's own indicator categories beside the official ones: {一级指标: [二级指标, …]}."""
    offline = config_options.Type(bool, default=False)
    """A site to open from the file system (file://): page links end in .html."""
    publisher = _Publisher()
    """Who runs the site, for the footer and the about page (generator/site/publisher.py)."""


def raise_first(errors: list[tuple[str, Exception]], config: Config) -> None:
    """Stop on the first wrong setting with its message (MkDocs would prefix its own English to it)."""
    if errors:
        raise SettingError(f"{where(config)}: {errors[0][1]}")


def publisher_of(settings: BudgetPluginConfig, docs_dir: Path) -> Publisher:
    """The site's publisher; SettingError if its mark is not an image under docs_dir, which only the build knows."""
    publisher = Publisher(**settings.publisher)
    problem = mark_problem(publisher.mark, docs_dir) if publisher.mark else None
    if problem:
        raise SettingError(f"{where(settings)}: {problem}")
    return publisher


def load_settings(config_file: Path) -> BudgetPluginConfig | None:
    """The plugin's settings as MkDocs reads them for a build; None if the site does not use the plugin."""
    place = display_path(config_file)
    try:
        config = load_config(str(config_file))
    except SettingError:
        raise
    except ConfigurationError as error:  # MkDocs wraps the YAML error, which knows the line
        problem = error.__context__
        if isinstance(problem, yaml.MarkedYAMLError):
            mark = problem.problem_mark or problem.context_mark
            line = f":{mark.line + 1}" if mark else ""
            raise SettingError(
                f"{place}{line}: YAML 语法错误：{problem.problem}（请检查缩进、冒号、引号和括号）"
            ) from None
        raise SettingError(f"{place}: 无法读取（{error}）") from None
    except Abort:  # MkDocs has logged what is wrong with its own settings
        raise SettingError(f"{place}: MkDocs 无法读取这份配置（原因见上）") from None
    plugins = config.plugins.values()
    return next((plugin.config for plugin in plugins if isinstance(plugin.config, BudgetPluginConfig)), None)


class _Counties(config_options.ListOfItems):
    """`counties:` the county folders, each as `python -m generator new` makes it, relative to province.yml."""

    def __init__(self) -> None:
        super().__init__(config_options.Type(str))

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, list):  # a folder named by its region code, 130225, reads as a number
            value = [str(item) if isinstance(item, int) and not isinstance(item, bool) else item for item in value]
        if not value:
            raise ValidationError(
                "counties 应列出各县的网站文件夹（相对于 province.yml 的路径），如 counties: [乐亭县]"
            )
        try:
            return super().run_validation(value)
        except ValidationError:
            raise ValidationError(
                "counties 应为各县网站文件夹的列表（相对于 province.yml 的路径），如 counties: [乐亭县, 滦南县]"
            ) from None


class _SiteUrl(config_options.URL):
    """The province site's address, ending in "/": each county is published under it, at its region code."""

    def run_validation(self, value: object) -> str:
        if value in (None, ""):
            return ""
        try:
            address = super().run_validation(value)
        except ValidationError:
            address = ""
        if not address.startswith(("http://", "https://")):
            raise ValidationError(f"site_url（网站地址）应为以 http:// 或 https:// 开头的网址，实际为“{value}”")
        return address if address.endswith("/") else address + "/"


class _SiteName(config_options.BaseConfigOption[str]):
    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("name（网站名称）应为文字，如 name: 某某省预算绩效目标公开")
        return value.strip()


class ProvinceConfig(Config):
    """province.yml: the province's site, who runs it, and its counties."""

    name = _SiteName()
    """The province site's name, as each page's header shows it."""
    site_url = _SiteUrl(default="")
    """Where the province site is published; empty: links and downloads carry paths only."""
    publisher = _Publisher()
    """Who runs the province site, as the plugin's setting of the same name."""
    counties = _Counties()
    """The county folders, relative to province.yml."""


def load_province_settings(config_file: Path) -> ProvinceConfig:
    """province.yml read and checked by the same options as mkdocs.yml's; SettingError names the file and setting."""
    place = display_path(config_file)
    try:
        raw = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingError(f"{place}: 无法读取（{error.strerror or error}）") from None
    except UnicodeDecodeError:
        raise SettingError(f"{place}: 不是 UTF-8 编码的文本文件") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise SettingError(f"{place}{line}: YAML 语法错误：{error.problem}（请检查缩进、冒号、引号和括号）") from None
    if not isinstance(raw, dict):
        raise SettingError(f"{place}: 应为键值表，至少有 name（网站名称）和 counties（各县的网站文件夹）")
    known = [key for key, _ in ProvinceConfig._schema]
    for key, example in (("name", "name: 某某省预算绩效目标公开"), ("counties", "counties: [乐亭县, 滦南县]")):
        if key not in raw:
            raise SettingError(f"{place}: 缺少 {key}（应如 {example}）")
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"是否应为 {close[0]}？" if close else f"可用：{'、'.join(known)}"
            raise SettingError(f"{place}: {key}: 未知设置（{hint}）")
    config = ProvinceConfig(config_file_path=str(config_file))
    config.load_dict(raw)
    failed, _ = config.validate()
    if failed:
        key, error = failed[0]
        raise SettingError(f"{place}: {key}: {error}" if key not in str(error) else f"{place}: {error}")
    return config
