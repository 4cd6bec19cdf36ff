"""The province's own pages: every county's totals one level up, the county list, the downloads and about.

Made from each county's summary (`CountySummary`), which its shard sends back with the
built county, never from the counties' content: the province build holds no catalog. A
year across counties is said to be over the counties that have published it, and its
change over the departments published in both years (each county's like-for-like
change), so that a year half published never reads as a cut.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from generator.formats.tables_csv import csv_lines
from generator.schema.model import Catalog
from generator.site.charts import ranked_bars
from generator.site.history import Change, History
from generator.site.publisher import Publisher
from generator.site.render import environment, render_page
from generator.site.results import year_outcome
from generator.site.urls import SiteUrls

#: Counties listed on one page at most: a row is about 0.5 KB, so a page stays well under 200 KB.
COUNTIES_PER_PAGE = 200
COUNTIES_FILE = "downloads/counties.csv"


@dataclass(frozen=True)
class CountyYear:
    """One year of a county, in the figures its home page shows for it."""

    year: int
    departments: int
    projects: int
    indicators: int
    total: Decimal  # the project budgets of the departments published so far
    money_unit: str
    previous_year: int | None
    expected: int  # departments published the year before
    missing: int  # of those, not yet published this year
    compared: int  # departments published in both years
    compared_before: Decimal | None  # their totals, the year before and this year
    compared_after: Decimal | None
    evaluated_projects: int  # projects whose 自评表 is published
    evaluated_budget: Decimal  # their 全年预算数 and 全年执行数, summed where both are known
    executed: Decimal

    @property
    def change(self) -> Change | None:
        return Change(self.compared_before, self.compared_after) if self.compared else None

    @property
    def like_for_like(self) -> bool:
        return self.compared > 0 and not self.missing and self.compared == self.departments


@dataclass(frozen=True)
class CountySummary:
    """A county as the province shows it: its region code, its site's name and its years, newest first."""

    region: str
    name: str
    years: tuple[CountyYear, ...]

    def year(self, year: int) -> CountyYear | None:
        return next((found for found in self.years if found.year == year), None)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, default=str, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CountySummary:
        data = json.loads(text)
        decimals = {f.name for f in dataclasses.fields(CountyYear) if "Decimal" in str(f.type)}
        years = tuple(
            CountyYear(
                **{
                    key: Decimal(value) if key in decimals and value is not None else value
                    for key, value in year.items()
                }
            )
            for year in data["years"]
        )
        return cls(data["region"], data["name"], years)


def summarize(region: str, name: str, catalog: Catalog) -> CountySummary:
    """The county's summary from its catalog, computed as its own home and year pages compute theirs."""
    history = History(catalog)
    years = []
    for year in catalog.years:
        summary = history.year(year)
        outcomes = year_outcome(summary.departments).evaluated
        years.append(
            CountyYear(
                year=year,
                departments=len(summary.departments),
                projects=summary.projects,
                indicators=summary.indicators,
                total=summary.total,
                money_unit=summary.departments[0].money_unit,
                previous_year=summary.previous_year,
                expected=summary.expected,
                missing=len(summary.missing),
                compared=summary.compared,
                compared_before=summary.change.before if summary.change else None,
                compared_after=summary.change.after if summary.change else None,
                evaluated_projects=sum(len(d.outcomes) for d in outcomes),
                evaluated_budget=sum((d.budget for d in outcomes), Decimal("0.00")),
                executed=sum((d.executed for d in outcomes), Decimal("0.00")),
            )
        )
    return CountySummary(region, name, tuple(years))


@dataclass(frozen=True)
class ProvinceYear:
    """A year across the province: the counties that have published it, of all the province's counties."""

    year: int
    counties: tuple[tuple[CountySummary, CountyYear], ...]  # largest total first
    of_counties: int

    @property
    def unit(self) -> str | None:
        """The money unit, when every county publishes in the same one; None: their totals are not added."""
        units = {county_year.money_unit for _, county_year in self.counties}
        return units.pop() if len(units) == 1 else None

    @property
    def total(self) -> Decimal:
        return sum((county_year.total for _, county_year in self.counties), Decimal("0.00"))

    def sum_of(self, name: str) -> int:
        return sum(getattr(county_year, name) for _, county_year in self.counties)

    @property
    def change(self) -> Change | None:
        """Over the departments published in both years, county by county; None if there are none."""
        compared = [county_year for _, county_year in self.counties if county_year.compared]
        if not compared:
            return None
        before = sum((c.compared_before or Decimal(0) for c in compared), Decimal("0.00"))
        return Change(before, sum((c.compared_after or Decimal(0) for c in compared), Decimal("0.00")))

    @property
    def complete(self) -> bool:
        """Every county has published the year, each with every department of its year before."""
        return len(self.counties) == self.of_counties and all(
            county_year.like_for_like or county_year.previous_year is None for _, county_year in self.counties
        )


class PortalUrls:
    """The portal's own pages, and where each county's site sits below it (its docs-tree paths, as SiteUrls')."""

    def county(self, summary: CountySummary) -> str:
        return f"{summary.region}/index.md"

    def county_downloads(self, summary: CountySummary) -> str:
        return f"{summary.region}/downloads/index.md"

    def counties(self, page: int) -> str:
        return "counties/index.md" if page == 0 else f"counties/{page + 1}.md"


class Portal:
    """Every page of the province's own site, from its counties' summaries."""

    def __init__(
        self,
        name: str,
        counties: list[CountySummary],
        publisher: Publisher,
        search: tuple[tuple[str, bytes], ...] = (),
    ) -> None:
        """`counties` in any order (they are listed by region code); `search` the province's search files."""
        self.name = name
        self.counties = sorted(counties, key=lambda county: county.region)
        self.search = search
        self.portal_urls = PortalUrls()
        self.publisher = publisher
        self.env = environment()

    @cached_property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y.year for county in self.counties for y in county.years}, reverse=True))

    def year(self, year: int) -> ProvinceYear:
        published = [(county, found) for county in self.counties if (found := county.year(year)) is not None]
        published.sort(key=lambda entry: (-entry[1].total, entry[0].region))
        return ProvinceYear(year, tuple(published), len(self.counties))

    def county_bars(self, province_year: ProvinceYear) -> tuple:
        return ranked_bars([(c.name, y.total, c) for c, y in province_year.counties], "县")

    @cached_property
    def county_pages(self) -> list[list[CountySummary]]:
        """The county list in pages of at most COUNTIES_PER_PAGE, by region code."""
        return [
            self.counties[start : start + COUNTIES_PER_PAGE]
            for start in range(0, max(len(self.counties), 1), COUNTIES_PER_PAGE)
        ]

    def counties_csv(self) -> bytes:
        """Each county's each year: the figures of the home page's table, as a CSV file."""
        header = (
            "区划代码", "网站", "年度", "部门数", "项目数", "绩效指标数", "项目预算合计", "金额单位",
            "上一年度", "上年已公开部门数", "上年已公开本年尚未公开部门数", "两年都已公开部门数",
            "两年都已公开部门上年合计", "两年都已公开部门本年合计", "已公开自评表项目数", "自评项目全年预算数",
            "自评项目全年执行数",
        )  # fmt: skip
        rows = [
            (county.region, county.name, y.year, y.departments, y.projects, y.indicators, y.total, y.money_unit,
             y.previous_year, y.expected, y.missing, y.compared, y.compared_before, y.compared_after,
             y.evaluated_projects, y.evaluated_budget, y.executed)
            for county in self.counties
            for y in county.years
        ]  # fmt: skip
        return ("\ufeff" + csv_lines([header, *rows])).encode("utf-8")

    def _render(self, urls: SiteUrls, template: str, src_uri: str, title: str, **context: object) -> str:
        return render_page(
            self.env,
            template,
            urls,
            src_uri,
            title,
            portal=self,
            portal_urls=self.portal_urls,
            site_name=self.name,
            **context,
        )

    def pages(self, urls: SiteUrls) -> dict[str, str]:
        """Every page's Markdown by its path in the docs tree, linked as `urls` says."""
        pages = {urls.home(): self._render(urls, "portal_home.md.j2", urls.home(), self.name)}
        for number, counties in enumerate(self.county_pages):
            src_uri = self.portal_urls.counties(number)
            pages[src_uri] = self._render(
                urls, "portal_counties.md.j2", src_uri, "各县（市、区）", counties=counties, page=number
            )
        pages[urls.downloads()] = self._render(
            urls, "portal_downloads.md.j2", urls.downloads(), "下载数据", counties_file=COUNTIES_FILE
        )
        pages[urls.about()] = self._render(
            urls, "portal_about.md.j2", urls.about(), "关于本站", publisher=self.publisher
        )
        return pages
