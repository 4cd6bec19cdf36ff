"""Year over year: which project continues which of the year before, and what changed.

A department's "last year" is its nearest earlier year on the site (`Catalog.previous`).
One of this year's projects continues one of last year's when its YAML says so
(`continues: <last year's code>`), else when the code is the same, else when the name
is the same (a county that re-codes its projects keeps their names); a project of last
year continued by none has ended. Validation has already checked every `continues`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.schema.model import CENT, Catalog, Department, Indicator, Project

NEW, CONTINUING, ENDED = "新增", "延续", "终止"


@dataclass(frozen=True)
class Change:
    """An amount last year and this year; either is None where the project did not exist."""

    before: Decimal | None
    after: Decimal | None

    @property
    def amount(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        """The change in % of last year's amount, to 0.01; None when last year's was 0 or absent."""
        if self.amount is None or not self.before:
            return None
        return (self.amount * 100 / self.before).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProjectChange:
    """One project across two years of its department: continuing, new (no `previous`) or ended (no `project`)."""

    department: Department  # this year's
    project: Project | None
    previous_department: Department
    previous: Project | None
    matched_by: str = ""  # "continues", "code" or "name" for a continuing project

    @property
    def status(self) -> str:
        return NEW if self.previous is None else ENDED if self.project is None else CONTINUING

    @property
    def name(self) -> str:
        return (self.project or self.previous).name  # type: ignore[union-attr]

    @property
    def budget(self) -> Change:
        return Change(
            self.previous.budget.total if self.previous else None,
            self.project.budget.total if self.project else None,
        )


@dataclass(frozen=True)
class DepartmentChanges:
    """What changed in a department since its last year on the site."""

    department: Department
    previous: Department
    continuing: tuple[ProjectChange, ...]  # largest change first, by absolute 万元
    new: tuple[ProjectChange, ...]  # largest budget first
    ended: tuple[ProjectChange, ...]  # largest budget of last year first

    @property
    def total(self) -> Change:
        return Change(self.previous.total, self.department.total)

    @property
    def all(self) -> tuple[ProjectChange, ...]:
        return self.continuing + self.new + self.ended


@dataclass(frozen=True)
class IndicatorChange:
    """An indicator row beside last year's row of the same 一级/二级/三级指标."""

    indicator: Indicator | None
    previous: Indicator | None

    @property
    def shown(self) -> Indicator:
        """The row whose levels the table shows: this year's, or last year's for a dropped one."""
        return self.indicator or self.previous  # type: ignore[return-value]

    @property
    def status(self) -> str:
        if self.previous is None:
            return "新增"
        if self.indicator is None:
            return "取消"
        return "未变" if _same(self.indicator.value, self.previous.value) else "调整"


def _same(first: str, second: str) -> bool:
    return " ".join(first.split()) == " ".join(second.split())


def _indicator_key(indicator: Indicator) -> tuple[str, str, str]:
    return tuple(" ".join(cell.split()) for cell in (indicator.level1, indicator.level2, indicator.level3))  # type: ignore[return-value]


def indicator_changes(
    indicators: tuple[Indicator, ...], previous: tuple[Indicator, ...]
) -> tuple[IndicatorChange, ...]:
    """This year's rows in order, each with last year's row of the same three levels (matched once, in order);
    a row of last year matched by none follows the last row of its 二级指标 (or ends the table)."""
    unmatched: dict[tuple[str, str, str], list[Indicator]] = {}
    for row in previous:
        unmatched.setdefault(_indicator_key(row), []).append(row)
    rows = [IndicatorChange(row, _take(unmatched, _indicator_key(row))) for row in indicators]
    matched = {id(change.previous) for change in rows if change.previous is not None}
    for row in previous:
        if id(row) in matched:
            continue
        level2 = _indicator_key(row)[:2]
        same_level2 = (i for i, change in enumerate(rows) if _indicator_key(change.shown)[:2] == level2)
        rows.insert(max(same_level2, default=len(rows) - 1) + 1, IndicatorChange(None, row))
    return tuple(rows)


def _take(unmatched: dict[tuple[str, str, str], list[Indicator]], key: tuple[str, str, str]) -> Indicator | None:
    rows = unmatched.get(key)
    return rows.pop(0) if rows else None


class History:
    """Every department and project of the catalog linked to its last year and its next."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._changes: dict[tuple[int, str], DepartmentChanges] = {}
        self._previous: dict[tuple[int, str], tuple[Department, Project]] = {}  # (year, project code) ->
        self._next: dict[tuple[int, str], tuple[Department, Project]] = {}
        for department in catalog.departments:
            last_year = catalog.previous(department)
            if last_year is None:
                continue
            changes = _compare(department, last_year)
            self._changes[(department.year, department.code)] = changes
            for change in changes.continuing:
                assert change.project is not None and change.previous is not None
                self._previous[(department.year, change.project.code)] = (last_year, change.previous)
                self._next[(last_year.year, change.previous.code)] = (department, change.project)

    def department_changes(self, department: Department) -> DepartmentChanges | None:
        return self._changes.get((department.year, department.code))

    def previous_of(self, department: Department, project: Project) -> tuple[Department, Project] | None:
        return self._previous.get((department.year, project.code))

    def years_of(self, department: Department, project: Project) -> tuple[tuple[Department, Project], ...]:
        """The project in every year it is on the site, oldest first (itself included)."""
        earlier: list[tuple[Department, Project]] = []
        entry: tuple[Department, Project] | None = (department, project)
        while entry is not None:
            earlier.append(entry)
            entry = self._previous.get((entry[0].year, entry[1].code))
        later: list[tuple[Department, Project]] = []
        entry = self._next.get((department.year, project.code))
        while entry is not None:
            later.append(entry)
            entry = self._next.get((entry[0].year, entry[1].code))
        return (*reversed(earlier), *later)

    def project_changes(self) -> Iterator[ProjectChange]:
        """Every change of every department with a last year, in catalog order."""
        for department in self.catalog.departments:
            changes = self.department_changes(department)
            if changes is not None:
                yield from changes.all

    def year(self, year: int) -> YearSummary:
        """The county's year, compared with the year before on the site over the departments published in both.

        A county publishes department by department, so a year is often on the site before
        all of last year's departments are: one department's total against three's would
        read as a cut."""
        departments = self.catalog.departments_of(year)
        earlier = next((y for y in self.catalog.years if y < year), None)
        last_year = self.catalog.departments_of(earlier) if earlier else ()
        codes, last_codes = {d.code for d in departments}, {d.code for d in last_year}
        in_both = [d for d in departments if d.code in last_codes]
        return YearSummary(
            year,
            departments,
            _total(departments),
            earlier,
            sum(len(d.projects) for d in departments),
            sum(len(p.indicators) for d in departments for p in d.projects),
            expected=len(last_year),
            missing=tuple(d for d in last_year if d.code not in codes),
            compared=len(in_both),
            change=Change(_total(d for d in last_year if d.code in codes), _total(in_both)) if in_both else None,
        )


def _total(departments: Iterable[Department]) -> Decimal:
    return sum((d.total for d in departments), Decimal("0.00"))


@dataclass(frozen=True)
class YearSummary:
    """A year of the county: its own totals and counts, and how complete it is against the year before."""

    year: int
    departments: tuple[Department, ...]
    total: Decimal  # the project budgets of the departments published so far
    previous_year: int | None  # the nearest earlier year on the site
    projects: int
    indicators: int
    expected: int  # departments published in the previous year: each is expected this year too
    missing: tuple[Department, ...]  # of those, the ones not (yet) published this year, as last year's
    compared: int  # departments published in both years
    change: Change | None  # their total, last year and this; None without a department in both years

    @property
    def new(self) -> int:
        """Departments published this year and not in the previous one."""
        return len(self.departments) - self.compared

    @property
    def like_for_like(self) -> bool:
        """Whether the year's totals cover the same departments, so the change needs no qualifier."""
        return self.change is not None and not self.missing and not self.new


def _compare(department: Department, last_year: Department) -> DepartmentChanges:
    by_code = {project.code: project for project in last_year.projects}
    matched: dict[str, tuple[Project, str]] = {}  # this year's code -> (last year's project, matched by)
    claimed: set[str] = set()

    def match(project: Project, previous: Project, how: str) -> None:
        matched[project.code] = (previous, how)
        claimed.add(previous.code)

    for project in department.projects:
        if project.continues is not None:
            match(project, by_code[project.continues], "continues")
    for project in department.projects:
        if project.code not in matched and project.code in by_code and project.code not in claimed:
            match(project, by_code[project.code], "code")
    names: dict[str, list[Project]] = {}
    for previous in last_year.projects:
        if previous.code not in claimed:
            names.setdefault(_name_key(previous.name), []).append(previous)
    unmatched_names: dict[str, list[Project]] = {}
    for project in department.projects:
        if project.code not in matched:
            unmatched_names.setdefault(_name_key(project.name), []).append(project)
    for name, projects in unmatched_names.items():
        if len(projects) == 1 and len(names.get(name, ())) == 1:
            match(projects[0], names[name][0], "name")
    continuing, new = [], []
    for project in department.projects:
        if project.code in matched:
            previous, how = matched[project.code]
            continuing.append(ProjectChange(department, project, last_year, previous, how))
        else:
            new.append(ProjectChange(department, project, last_year, None))
    ended = [ProjectChange(department, None, last_year, p) for p in last_year.projects if p.code not in claimed]
    continuing.sort(key=lambda c: (-abs(c.budget.amount or 0), c.project.number))  # type: ignore[union-attr]
    new.sort(key=lambda c: (-c.budget.after, c.project.number))  # type: ignore[operator, union-attr]
    ended.sort(key=lambda c: (-c.budget.before, c.previous.number))  # type: ignore[operator, union-attr]
    return DepartmentChanges(department, last_year, tuple(continuing), tuple(new), tuple(ended))


def _name_key(name: str) -> str:
    return "".join(name.split())
