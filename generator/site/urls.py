"""Every address of the site: pages, anchors and download files, one method per kind.

Render, downloads and search take their links, anchors and file names from here
only, so a URL rule is written once. Links inside our HTML blocks are not rewritten
by MkDocs, so they are made here as final relative URLs, for either URL style of
`use_directory_urls`.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.schema.model import Department, Indicator, Project
from generator.site.quality import Finding, Rule

DOWNLOADS = "downloads"


@dataclass(frozen=True)
class SiteUrls:
    """Where each page and file lives, and how one page links to another."""

    directory_urls: bool = True
    site_url: str = ""  # config.site_url, ending in "/", or "" when unset

    # --- Pages, by their source path in the docs tree -------------------------------------------

    def home(self) -> str:
        return "index.md"

    def year(self, year: int) -> str:
        return f"{year}/index.md"

    def department(self, department: Department) -> str:
        return f"{department.year}/{department.code}/index.md"

    def project(self, department: Department, project: Project) -> str:
        return f"{department.year}/{department.code}/{project.code}.md"

    def downloads(self) -> str:
        return f"{DOWNLOADS}/index.md"

    def about(self) -> str:
        """Who publishes the site, on what basis, and how to read it."""
        return "about.md"

    def quality(self) -> str:
        """The site's report on indicator quality, which also explains every rule."""
        return "quality/index.md"

    def quality_year(self, year: int) -> str:
        """A year's departments with their findings: on a page of its own, so that /quality/ does not grow with the years."""
        return f"quality/{year}.md"

    def department_quality(self, department: Department) -> str:
        return f"{department.year}/{department.code}/quality.md"

    # --- Anchors --------------------------------------------------------------------------------

    def indicator_anchor(self, project: Project, indicator: Indicator) -> str:
        """The HTML id of an indicator row: the project code plus the row's own stable id."""
        return f"{project.code}-{indicator.id}"

    def result_anchor(self, project: Project, indicator_id: str | None, position: int) -> str:
        """The HTML id of a row of the project's 自评 table: its indicator's id, or its place for a row only there."""
        return f"{project.code}-{indicator_id}-result" if indicator_id else f"{project.code}-result-{position}"

    def indicator_url(self, department: Department, project: Project, indicator: Indicator) -> str:
        return f"{self.public_url(self.project(department, project))}#{self.indicator_anchor(project, indicator)}"

    def rule_anchor(self, rule: Rule) -> str:
        return f"rule-{rule.id}"

    def finding_anchor(self, finding: Finding) -> str:
        """Where a finding points on its project's page: its indicator row, else the section of its field.

        A project page's sections are named after the fields they show (plan, purpose, indicators).
        """
        if finding.indicator is not None and finding.section == "result":
            return self.result_anchor(finding.project, finding.indicator.id, finding.row_number or 0)
        if finding.indicator is not None:
            return self.indicator_anchor(finding.project, finding.indicator)
        return finding.section

    def finding_url(self, finding: Finding) -> str:
        return f"{self.public_url(self.project(finding.department, finding.project))}#{self.finding_anchor(finding)}"

    # --- Download files, by their path from the site root ---------------------------------------

    def department_files(self, department: Department) -> str:
        """The folder of a department's files and its projects' files."""
        return f"{DOWNLOADS}/{department.year}/{department.code}"

    def department_file(self, department: Department, suffix: str) -> str:
        """A department's file: suffix ".json", "-projects.csv", ".xlsx"."""
        return f"{self.department_files(department)}/{department.code}{suffix}"

    def project_file(self, department: Department, project: Project, extension: str) -> str:
        return f"{self.department_files(department)}/{project.code}{extension}"

    def site_file(self, suffix: str) -> str:
        """A file of the whole site: suffix ".json", "-projects.csv", ".xlsx"."""
        return f"{DOWNLOADS}/all{suffix}"

    def datapackage(self) -> str:
        return f"{DOWNLOADS}/datapackage.json"

    # --- Turning paths into addresses -----------------------------------------------------------

    def url(self, src_uri: str) -> str:
        """The URL path of a page, relative to the site root (src_uri is a clean path: a/b/c.md)."""
        stem = src_uri.removesuffix(".md")
        if not self.directory_urls:
            return f"{stem}.html"
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return f"{stem}/"

    def link(self, from_src: str, to_src: str) -> str:
        """A relative link from one page to another, as the browser resolves it."""
        target = self.url(to_src)
        relative = _relative(target.rstrip("/"), self.url(from_src))
        if target.endswith("/") or not target:
            relative = "./" if relative == "." else relative + "/"
        return relative

    def file_link(self, from_src: str, path: str) -> str:
        """A relative link from a page to a file served as is (a download), given its path from the site root."""
        return _relative(path, self.url(from_src))

    def public_url(self, src_uri: str) -> str:
        """The address to cite a page by: absolute when site_url is set, else its path from the site root."""
        return f"{self.site_url}{self.url(src_uri)}" if self.site_url else f"/{self.url(src_uri)}"


def _relative(target: str, here: str) -> str:
    """The path from the page at URL `here` to `target`, both relative to the site root.

    Plain string work: posixpath.relpath asks the file system for the working
    directory on every call, ten thousand times a build.
    """
    base = [part for part in here.split("/")[:-1] if part]  # the folder the browser resolves from
    parts = [part for part in target.split("/") if part]
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."
