"""Render the validated catalog into Markdown pages (with HTML blocks) for MkDocs.

Templates hold the markup; this module holds the logic they need. Every text
from the content passes through Jinja's autoescape, and pages are mostly raw
HTML blocks, which Markdown leaves alone: a `|`, `*` or `[x](javascript:…)`
typed by staff can never become table syntax, emphasis or a link.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import jinja2
from markupsafe import Markup, escape

from generator.formats.numbers import (
    format_amount,
    format_change,
    format_change_percent,
    format_count,
    format_day,
    format_percent,
    format_score,
    format_share,
    format_size,
)
from generator.schema.model import (
    MODEL_CLASSES,
    Budget,
    Department,
    Funds,
    FundsLine,
    Goals,
    GoalSection,
    Indicator,
    Project,
    field_of,
    fields_of,
    optional_fields,
)
from generator.site import charts
from generator.site.downloads import Download, Downloads
from generator.site.history import Change, History, indicator_changes
from generator.site.publisher import Publisher
from generator.site.quality import RULES, Review, Severity, by_rule, ranked
from generator.site.results import Status, department_outcome, outcome, year_outcome
from generator.site.urls import SiteUrls

#: Where a page shows a download's size: files are made while their pages are written (parts.make_site).
SIZE_MARK = re.compile(r"<!--bp-size ([^<>]+?)-->")
SIZE_MARK_START = "<!--bp-size "


def size_mark(file: Download) -> Markup:
    """Where the file's size goes in its page, filled in by `with_sizes` once the file is made."""
    return Markup("<!--bp-size {}-->").format(file.path)


def with_sizes(page: str, sizes: Mapping[str, int]) -> str:
    """The page with each file's size for a reader, the exact bytes on hover; the marks of files not in `sizes` kept."""
    if SIZE_MARK_START not in page:
        return page

    def size_note(mark: re.Match[str]) -> str:
        size = sizes.get(html.unescape(mark.group(1)))
        if size is None:
            return mark.group(0)
        return Markup('<span title="{} 字节">{}</span>').format(size, format_size(size))

    return SIZE_MARK.sub(size_note, page)


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def multiline(text: str) -> Markup:
    """Escape text and keep its line breaks, as the cell in the Word file has them."""
    if "\n" not in text and "\r" not in text:
        return escape(text)
    return Markup("<br>\n").join(escape(line) for line in LINE_BREAK.split(text))


def as_html_text(value: object) -> object:
    """Every `{{ … }}` of a template: a line break in text from the content made a character reference.

    Pages are cut at blank lines into HTML blocks, which Markdown never sees, and what
    lies between them, which it does (`set_aside_html_blocks`). A blank line typed
    into a name would otherwise end a block and hand the next line to Markdown, whose
    `{: onfocus=…}` and `[x](javascript:…)` make attributes and links. As `&#10;` a
    line break is still white space to the browser, in text and in attribute values.
    Markup (a macro's output, `multiline`) is the templates' own and passes unchanged.
    """
    if isinstance(value, str) and not isinstance(value, Markup) and ("\n" in value or "\r" in value):
        return Markup(LINE_BREAK.sub("&#10;", escape(value)))
    return value  # autoescape escapes the rest


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with the rowspan of its merged 一级指标 cell (0 = covered by the row above)."""

    indicator: Indicator
    level1_rowspan: int


def indicator_rows(indicators: tuple[Indicator, ...]) -> list[IndicatorRow]:
    """Merge consecutive equal 一级指标 cells, as the official form prints them."""
    rows: list[IndicatorRow] = []
    start = 0
    while start < len(indicators):
        end = start
        while end + 1 < len(indicators) and indicators[end + 1].level1 == indicators[start].level1:
            end += 1
        span = end - start + 1
        rows.extend(IndicatorRow(indicators[i], span if i == start else 0) for i in range(start, end + 1))
        start = end + 1
    return rows


def front_matter(title: str) -> str:
    """YAML front matter; JSON is valid YAML, so json.dumps quotes any title safely.

    Material puts page.title unescaped into <title> and the navigation, so the
    title is stored HTML-escaped: the browser then shows the text as typed.
    """
    return f"---\ntitle: {json.dumps(str(escape(title)), ensure_ascii=False)}\n---\n\n"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        auto_reload=False,  # a Renderer lives for one build; no need to stat the template on every page
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown heading ids are written {#id}: keep Jinja's comments out of their way.
        comment_start_string="{##",
        comment_end_string="##}",
        finalize=as_html_text,
    )
    env.filters.update(
        amount=format_amount,
        percent=format_percent,
        score=format_score,
        share=format_share,
        count=format_count,
        change=format_change,
        change_percent=format_change_percent,
        multiline=multiline,
        size_mark=size_mark,
        day=format_day,
    )
    env.globals.update(
        label=label,
        optional_facts=optional_facts,
        indicator_columns=[field for field in fields_of(Indicator) if field.key != "id"],
        budget_fields=fields_of(Budget),
        indicator_rows=indicator_rows,
        funds_lines=fields_of(Funds),
        funds_columns=fields_of(FundsLine),
        statuses=Status,
        department_outcome=department_outcome,
        project_outcome=outcome,
        department_rate_bars=charts.department_rate_bars,
        year_outcome=year_outcome,
        goal_sections=goal_sections,
        indicator_changes=indicator_changes,
        budget_change=Change,
        share_bars=charts.share_bars,
        department_bars=charts.department_bars,
        plan_columns=charts.plan_columns,
        spent_column=charts.SPENT_COLUMN,
        year_columns=charts.year_columns,
        plan_gridlines=charts.PLAN_GRIDLINES,
        rules=RULES,
        by_rule=by_rule,
        ranked=ranked,
        severities=Severity,
    )
    return env


def render_page(
    env: jinja2.Environment, template: str, urls: SiteUrls, src_uri: str, title: str, **context: object
) -> str:
    """A page's Markdown: its front matter, then its template given the links of this page (`link`, `file_link`),
    the site's `urls` and the address to cite it by (`here`)."""

    def link(target: str) -> str:
        return urls.link(src_uri, target)

    def file_link(path: str) -> str:
        return urls.file_link(src_uri, path)

    body = env.get_template(template).render(
        link=link, file_link=file_link, urls=urls, here=urls.public_url(src_uri), **context
    )
    return front_matter(title) + body


def problems_banner(lines: list[str], kept: bool) -> str:
    """What `serve` puts at the top of every page while the content is broken: `check`'s report, a line each.

    `kept` says whether the pages below are the last good site or only this report.
    """
    return environment().get_template("problems.html.j2").render(kept=kept, lines=lines)


def label(name: str) -> str:
    """A field's label as the model declares it, named Class.key: label("Project.code") is 项目编码."""
    cls_name, _, key = name.partition(".")
    return field_of(next(cls for cls in MODEL_CLASSES if cls.__name__ == cls_name), key).spec.label


def optional_facts(*items: object) -> list[tuple[str, str]]:
    """(label, value) of the fields only some forms print, for those the items have, in the form's order."""
    return [
        (field.spec.label, getattr(item, field.key))
        for item in items
        for field in optional_fields(type(item))
        if getattr(item, field.key) is not None
    ]


def goal_sections(department: Department) -> list[tuple[str, str, GoalSection]]:
    """The department's goal sections as the document numbers them: (key, "一、总体绩效目标", section)."""
    return [
        (field.key, f"{number}、{field.spec.label}", getattr(department.goals, field.key))
        for number, field in zip("一二三四五六七八九", fields_of(Goals))
    ]


class Renderer:
    """Renders every page of the catalog; one Jinja environment for the whole build."""

    def __init__(
        self,
        site_name: str,
        history: History,
        urls: SiteUrls | None = None,
        downloads: Downloads | None = None,
        review: Review | None = None,
        changed: Mapping[tuple[int, str], date] | None = None,
        publisher: Publisher | None = None,
    ) -> None:
        """`changed` holds the day each department's files last changed (generator.publish.dates), by (year, code)."""
        self.publisher = publisher or Publisher()
        self.site_name = site_name
        self.changed = changed or {}
        self.history = history
        self.review = review or Review(history.catalog)
        self.urls = urls or SiteUrls()
        self.downloads = downloads or Downloads(())
        self.env = environment()

    def _render(self, template: str, src_uri: str, title: str, **context: object) -> str:
        return render_page(
            self.env,
            template,
            self.urls,
            src_uri,
            title,
            downloads=self.downloads,
            site_name=self.site_name,
            catalog=self.history.catalog,
            history=self.history,
            review=self.review,
            updated=self.updated,
            dates_note=self.dates_note,
            data_as_of=self.data_as_of,
            **context,
        )

    def updated(self, department: Department) -> date | None:
        """The day the department's files last changed, if after the day it was published."""
        changed = self.changed.get((department.year, department.code))
        if changed is None or (department.published is not None and changed <= department.published):
            return None
        return changed

    def dates_note(self, department: Department) -> str:
        """The department's days for a citation: "2024年2月1日发布，2024年3月5日更新，", or nothing."""
        days = [(department.published, "发布"), (self.updated(department), "更新")]
        return "".join(f"{format_day(day)}{what}，" for day, what in days if day is not None)

    @functools.cached_property
    def data_as_of(self) -> date | None:
        """The newest day any department was published or updated: what the site-wide citation dates."""
        days = [
            day
            for department in self.history.catalog.departments
            for day in (department.published, self.updated(department))
            if day is not None
        ]
        return max(days, default=None)

    def home(self) -> str:
        return self._render("home.md.j2", self.urls.home(), self.site_name)

    def year(self, year: int) -> str:
        return self._render("year.md.j2", self.urls.year(year), f"{year}年", year=year)

    def department(self, department: Department) -> str:
        return self._render(
            "department.md.j2",
            self.urls.department(department),
            department.name,
            department=department,
            changes=self.history.department_changes(department),
        )

    def project(self, department: Department, project: Project) -> str:
        return self._render(
            "project.md.j2",
            self.urls.project(department, project),
            project.name,
            department=department,
            project=project,
            years=self.history.years_of(department, project),
            last_year=self.history.previous_of(department, project),
            outcome=outcome(project, department.year),
        )

    def department_quality(self, department: Department) -> str:
        return self._render(
            "department_quality.md.j2",
            self.urls.department_quality(department),
            f"{department.name}：指标质量",
            department=department,
        )

    def about(self) -> str:
        return self._render("about.md.j2", self.urls.about(), "关于本站", publisher=self.publisher)

    def downloads_page(self) -> str:
        return self._render("downloads.md.j2", self.urls.downloads(), "下载数据")

    def quality_page(self) -> str:
        return self._render("quality.md.j2", self.urls.quality(), "指标质量")

    def quality_year(self, year: int) -> str:
        return self._render("quality_year.md.j2", self.urls.quality_year(year), f"{year}年各部门的指标质量", year=year)

    def pages(self) -> dict[str, str]:
        """Every page of the catalog: its Markdown by its path in the docs tree, in build order."""
        urls, catalog = self.urls, self.history.catalog
        pages = {urls.home(): self.home()}
        for year in catalog.years:
            pages[urls.year(year)] = self.year(year)
        for department in catalog.departments:
            pages[urls.department(department)] = self.department(department)
            pages[urls.department_quality(department)] = self.department_quality(department)
            for project in department.projects:
                pages[urls.project(department, project)] = self.project(department, project)
        pages[urls.quality()] = self.quality_page()
        for year in catalog.years:
            pages[urls.quality_year(year)] = self.quality_year(year)
        pages[urls.downloads()] = self.downloads_page()
        pages[urls.about()] = self.about()
        return pages


#: A Markdown heading as our templates write it: its level, its text and its id, on one line.
HEADING = re.compile(r"#{1,6} [^\n]+ \{#[^}\s]+\}")


@dataclass(frozen=True)
class PagePieces:
    """A page cut at its blank lines: the front matter, then raw HTML blocks and Markdown headings in order.

    Our pages are HTML already escaped by Jinja, with a Markdown heading between blocks for
    the table of contents and the heading permalinks. Python-Markdown would re-parse every
    tag of the HTML only to pass it through unchanged, and even given only the headings and
    a placeholder per block it took 1.7 ms a page, 40 s of 24,000 pages (benchmarks/README.md).
    So MkDocs reads only the front matter (the title), and the plugin joins the pieces as
    Markdown would, each heading made by the site's own Markdown extensions. Nothing else may
    reach Markdown: content is HTML-escaped text, and Markdown would read `[x](javascript:…)`
    or `{: onfocus=…}` in it as a link or attributes.
    """

    front_matter: str
    pieces: tuple[str, ...]  # a heading starts with "#"; an HTML block with "<", or with line breaks before it

    def html(self, heading: Callable[[str], str]) -> str:
        """The page's HTML: its blocks as they are, each heading as `heading` makes it, one line break between."""
        return "\n".join(heading(piece) if piece.startswith("#") else piece for piece in self.pieces)


def page_pieces(markdown_page: str, src_uri: str) -> PagePieces:
    """The page's pieces; a template that writes anything else outside its HTML blocks is refused by name."""
    chunks = markdown_page.split("\n\n")
    front_matter = chunks.pop(0) if markdown_page.startswith("---\n") else ""
    pieces: list[str] = []
    for chunk in chunks:
        start = chunk.lstrip("\n")
        if start.startswith("<"):
            pieces.append(chunk)
        elif start.startswith("#") and all(HEADING.fullmatch(line) for line in start.rstrip("\n").split("\n")):
            pieces.append(start.rstrip("\n"))
        elif start.strip():
            raise ValueError(f"{src_uri}: 模板在 HTML 块之外写了 Markdown 文字或没有 {{#id}} 的标题：{start[:80]!r}")
    return PagePieces(front_matter, tuple(pieces))
