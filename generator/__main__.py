"""Command line: start a county's folder (`new`), `import` its files into content/, `check` it, `build` or `serve` the site, `export` a department."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from generator.formats.forms import EXPORTERS
from generator.formats.result_forms import RESULT_EXPORTERS
from generator.publish.atomic import content_epoch, epoch_date
from generator.publish.settings import SettingError, load_settings
from generator.schema.categories import OFFICIAL, with_county
from generator.schema.load import RESULTS_FOLDER, line_of_field
from generator.schema.model import Catalog, Department, Project
from generator.schema.problems import ContentError, Problem, display_path
from generator.schema.validate import load_catalog
from generator.site.quality import Review, Severity
from generator.source.importer import FileImport, import_files
from generator.source.readers import READERS
from generator.source.yaml_writer import FileAction, FileChange


def _summary(result: FileImport, dry_run: bool) -> list[str]:
    """One line for an imported file (what it was read as), then its warnings and the files it adds, changes or removes."""
    counts = "，".join(f"{action.value} {result.count(action)}" for action in FileAction)
    files = f"文件{'将' if dry_run else ''}{counts}；警告 {len(result.warnings)} 条"
    if result.results is not None:
        forms = result.results.forms
        indicators = sum(len(form.result.indicators) for form in forms)
        lines = [
            (
                f"{display_path(result.source)} → {result.results.year} 年 {result.unit} 自评表："
                f"{len(forms)} 个项目，{indicators} 条指标的完成值；{files}"
            )
        ]
    else:
        assert result.reading is not None
        department = result.reading.department
        indicators = sum(len(project.indicators) for project in department.projects)
        lines = [
            (
                f"{display_path(result.source)} → {department.year} 年 {department.code} {department.name} 绩效目标："
                f"{len(department.projects)} 个项目，{indicators} 条指标，发布日期 {result.published}；{files}"
            )
        ]
    lines += [f"  警告：{warning}" for warning in result.warnings]
    lines += [
        f"  {'保留' if change.kept else change.action.value}：{display_path(change.path)}{_marked(change, dry_run)}"
        for change in result.changes
        if change.action is not FileAction.UNCHANGED or change.kept
    ]
    return lines


def _marked(change: FileChange, dry_run: bool) -> str:
    """What becomes of a hand edit in the file: kept as asked, or discarded by --force."""
    if change.kept:
        return f"（{'手工修改过，' if change.by_hand else ''}按 --keep 原样保留）"
    if not change.by_hand:
        return ""
    return "（手工修改过，--force 会放弃这处修改）" if dry_run else "（手工修改过，已按 --force 放弃这处修改）"


def _kept_files(args: argparse.Namespace, out: Path) -> list[Path] | None:
    """The files --keep names, each a content file of a department's folder; None (said) if one is not."""
    kept = [Path(path) for path in args.keep]
    wrong = [
        f"{display_path(path)}: "
        + ("--keep 的文件不存在" if not path.is_file() else "不是部门文件夹中的 YAML 文件")
        + f"（--keep 应为 {display_path(out)}/<年度>/<单位编码>/ 或其 results/ 下的 .yaml 文件）"
        for path in kept
        if not path.is_file() or path.suffix != ".yaml" or not _in_department_folder(path, out)
    ]
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return None
    return kept


def _in_department_folder(path: Path, out: Path) -> bool:
    """Whether a file is in `out/<year>/<unit>/`, or in its `results/`."""
    folder = path.resolve().parent
    if folder.name == RESULTS_FOLDER:
        folder = folder.parent
    return folder.parent.parent == out.resolve()


def _import(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"{display_path(out)}: 不是文件夹（--out 应为内容目录，如 content）", file=sys.stderr)
        return 1
    imported = failed = departments = projects = indicators = results = 0
    categories = _categories(args)
    if categories is None:
        return 1
    kept = _kept_files(args, out)
    if kept is None:
        return 1
    paths = [Path(path) for path in args.documents]
    for result in import_files(
        paths,
        out,
        year=args.year,
        unit=args.unit,
        published=args.published,
        force=args.force,
        keep=kept,
        dry_run=args.dry_run,
        categories=categories,
    ):
        if result.error is not None:
            failed += 1
            if args.dry_run and result.changes:  # blocked by hand edits: the whole plan, what --force would do
                print("\n".join(_summary(result, args.dry_run)))
            print(f"未导入：{result.error}", file=sys.stderr)
            continue
        imported += 1
        if result.reading is not None:
            departments += 1
            projects += len(result.reading.department.projects)
            indicators += sum(len(p.indicators) for p in result.reading.department.projects)
        else:
            assert result.results is not None
            results += len(result.results.forms)
        print("\n".join(_summary(result, args.dry_run)))
    if imported + failed == 0:
        print("没有找到可导入的文件（.docx、.xlsx、.txt）", file=sys.stderr)
        return 1
    print(
        f"共 {imported + failed} 个文件：导入 {departments} 个部门，{projects} 个项目，{indicators} 条指标"
        + (f"，{results} 个项目的自评表" if results else "")
        + f"；失败 {failed} 个。"
        + ("（试运行，未写入任何文件）" if args.dry_run else "")
    )
    return 1 if failed else 0


def _categories(args: argparse.Namespace) -> dict[str, tuple[str, ...]] | None:
    """The indicator categories the site accepts (mkdocs.yml may add a county's own); None if its setting is bad."""
    config_file = Path(args.config or "mkdocs.yml")
    if args.config is not None and not config_file.is_file():
        print(f"{args.config}: 配置文件不存在（--config 应指向网站的 mkdocs.yml）", file=sys.stderr)
        return None
    if not config_file.is_file():  # content checked on its own, without a site
        return dict(OFFICIAL)
    try:
        settings = load_settings(config_file)
    except SettingError as error:
        print(error, file=sys.stderr)
        return None
    return with_county(settings.indicator_categories if settings else {})


def _counts(departments: Sequence[Department]) -> str:
    projects = [project for department in departments for project in department.projects]
    indicators = sum(len(project.indicators) for project in projects)
    results = sum(1 for project in projects if project.result is not None)
    evaluated = f"（{results} 个项目有自评表）" if results else ""
    return f"{len(departments)} 个部门，{len(projects)} 个项目{evaluated}，{indicators} 条绩效指标"


def _checked(catalog: Catalog) -> str:
    """What was checked, year by year when there are several: a department published each year is one department."""
    if len(catalog.years) <= 1:
        return f"{_counts(catalog.departments)}，年度 {', '.join(str(year) for year in catalog.years)}"
    codes = {department.code for department in catalog.departments}
    years = "；".join(f"{year} 年：{_counts(catalog.departments_of(year))}" for year in catalog.years)
    return f"{len(catalog.years)} 个年度共 {len(codes)} 个部门。{years}"


def _check(args: argparse.Namespace) -> int:
    categories = _categories(args)
    if categories is None:
        return 1
    try:
        catalog = load_catalog(Path(args.content), categories)
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    print(f"内容校验通过（未生成网站）：{_checked(catalog)}。生成网站：python -m generator build")
    if args.quality:
        print("\n".join(_quality_report(catalog)))
    return 0


def _file_of(project: Project, field: str) -> tuple[Path, str]:
    """The file a finding's field is in, and its path there: a 自评表's own file for `result.…`."""
    if field.startswith("result.") and project.result is not None:
        return project.result.source, field.removeprefix("result.")
    return project.source, field


def _quality_report(catalog: Catalog) -> list[str]:
    """Every finding of the indicator-quality rules by file and line, then a count; none of them stops a build."""
    findings = Review(catalog).findings
    located = sorted(
        Problem(
            path,
            line_of_field(path, field),
            field,
            f"{finding.rule.severity.value}：{finding.rule.title}——{finding.hit.detail}（规则 {finding.rule.id}）",
        )
        for finding in findings
        for path, field in [_file_of(finding.project, finding.hit.field)]
    )
    lines = [str(problem) for problem in located]
    counts = Review.severities(findings)
    projects = len({(f.department.year, f.project.code) for f in findings})
    lines.append(
        f"指标质量：{len(catalog.projects)} 个项目中 {projects} 个有值得留意之处，共 {len(findings)} 处"
        f"（注意 {counts[Severity.ATTENTION]} 处，提示 {counts[Severity.HINT]} 处）。"
        "这些不是错误，不影响生成网站；每条规则的要求和依据见网站的“指标质量”页。"
    )
    return lines


def _export(args: argparse.Namespace) -> int:
    folder, target = Path(args.department), Path(args.to)
    exporters = RESULT_EXPORTERS if args.results else EXPORTERS
    exporter = exporters.get(target.suffix.lower())
    if exporter is None:
        print(f"不能导出为 {target.suffix or '没有扩展名的'} 文件（可导出：{'、'.join(exporters)}）", file=sys.stderr)
        return 1
    content = folder.parent.parent
    try:
        catalog = load_catalog(content)
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    found = [d for d in catalog.departments if (str(d.year), d.code) == (folder.parent.name, folder.name)]
    if not found:
        print(f"{display_path(folder)}: 不是部门目录（应为 content/<年度>/<单位编码>）", file=sys.stderr)
        return 1
    department = found[0]
    evaluated = sum(1 for project in department.projects if project.result is not None)
    if args.results and not evaluated:
        print(f"{display_path(folder)}: 本部门还没有自评表（应先导入，见 results/ 文件夹）", file=sys.stderr)
        return 1
    target.write_bytes(exporter(department, created=epoch_date(content_epoch(content, catalog))))
    what = f"{evaluated} 个项目的自评表" if args.results else f"{len(department.projects)} 个项目"
    print(f"已导出 {department.year} 年 {department.code} 的 {what}到 {display_path(target)}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from generator.publish.starter import StarterError, write_starter  # reads the plugin's settings: loads MkDocs

    folder = Path(args.folder)
    try:
        written = write_starter(folder, args.name)
    except StarterError as error:
        print(error, file=sys.stderr)
        return 1
    where = display_path(folder)
    print(f"已建立网站文件夹 {where}/：{'、'.join(display_path(path.relative_to(folder)) for path in written)}")
    print(
        f"下一步：cd {where}，导入各部门的文件（python -m generator import 收文/2024/），再生成网站（python -m generator build）"
    )
    return 0


def _province(args: argparse.Namespace) -> int:
    from generator.publish.province import main as build_province  # loads Dask only for a province

    return build_province(args.folder, args.scheduler, args.workers)


MKDOCS_COMMANDS = ("build", "serve")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期（应写作 年-月-日，如 2024-02-01）") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="预算绩效目标公开网站的内容工具")
    commands = parser.add_subparsers(dest="command", required=True)

    new = commands.add_parser("new", help="建立一个县的网站文件夹（mkdocs.yml、content/、docs/），可立即导入和生成")
    new.add_argument("folder", help="新的或空的文件夹，如 某某县预算公开")
    new.add_argument("--name", default=None, help="网站名称，如 某某县预算绩效目标公开")
    new.set_defaults(run=_new)

    importer = commands.add_parser("import", help="把部门的绩效目标文件（或整个文件夹）转换为 content/ 下的 YAML")
    importer.add_argument(
        "documents", nargs="+", help=f"部门的绩效目标文件或文件夹（{'、'.join(READERS)}；文件夹中的全部导入）"
    )
    importer.add_argument("--out", default="content", help="输出目录（默认 content）")
    importer.add_argument(
        "--year", type=int, default=None, help="年度；默认从文件标题、文件名（如 2024年组织部.docx）或正文推断"
    )
    importer.add_argument(
        "--unit",
        default=None,
        metavar="单位编码",
        help="自评表所属部门的单位编码，如 203001；仅在自评表既无项目编码、其主管部门和实施单位又不能确定部门时需要",
    )
    importer.add_argument(
        "--published",
        type=_day,
        default=None,
        metavar="年-月-日",
        help="部门公开文件的日期，如 2024-02-01；默认沿用此前导入的日期，首次导入为当天",
    )
    importer.add_argument(
        "--dry-run",
        action="store_true",
        help="只显示将新增、更新、删除哪些文件，不写入；有手工修改的文件时也显示全部，并标出 --force 会放弃的修改",
    )
    importer.add_argument("--force", action="store_true", help="覆盖导入后被手工修改过的文件")
    importer.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="文件",
        help="原样保留这个被手工修改过的文件，部门的其余文件照常导入；可多次使用，如 --keep content/2024/203001/x.yaml",
    )
    importer.set_defaults(run=_import)

    check = commands.add_parser("check", help="只校验 content/ 下的全部 YAML（发布前检查），不生成网站")
    check.add_argument("content", nargs="?", default="content", help="内容目录（默认 content）")
    check.add_argument(
        "--quality", action="store_true", help="校验通过后，按指标质量规则列出值得留意之处（文件和行号），供发布前完善"
    )
    check.set_defaults(run=_check)

    for command in (importer, check):
        command.add_argument(
            "--config", default=None, help="网站配置文件，读取本县自设的指标类别（默认 mkdocs.yml，没有则用规定类别）"
        )

    export = commands.add_parser("export", help="把一个部门按官方格式导出为 Word 或 Excel 文件")
    export.add_argument("department", help="部门目录，如 content/2024/203001")
    export.add_argument("--to", required=True, help=f"输出文件（{'、'.join(EXPORTERS)}）")
    export.add_argument("--results", action="store_true", help="导出部门的项目支出绩效自评表，而不是绩效目标表")
    export.set_defaults(run=_export)

    province = commands.add_parser(
        "province", help="生成全省的网站：各县（province.yml 的 counties）分别生成，并生成全省的首页和县列表"
    )
    province.add_argument("folder", nargs="?", default=".", help="省的文件夹，其中有 province.yml（默认当前文件夹）")
    province.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://主机:8786",
        help="在已启动的 Dask 集群上生成（也可用环境变量 DASK_SCHEDULER_ADDRESS）；默认用本机的全部核心",
    )
    province.add_argument("--workers", type=int, default=None, help="本机生成时的工作进程数（默认为核心数）")
    province.set_defaults(run=_province)

    # Listed for --help; their arguments are MkDocs' own and go to it untouched.
    commands.add_parser(
        "build", help="生成网站（默认到 site/）；参数同 mkdocs build，如 -f、-d、--strict", add_help=False
    )
    commands.add_parser("serve", help="在本机预览网站，内容修改后自动刷新；参数同 mkdocs serve", add_help=False)

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MKDOCS_COMMANDS:
        from generator.publish.plugin import run_mkdocs  # MkDocs is loaded only to build the site

        return run_mkdocs(argv[0], argv[1:])
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
