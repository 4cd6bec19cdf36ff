"""Command line: `python -m generator import FILE --out content/` and `python -m generator check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.problems import ContentError
from generator.readers import READERS, ReadError, read_document
from generator.validate import load_catalog
from generator.yaml_writer import write_content


def _import(args: argparse.Namespace) -> int:
    try:
        department = read_document(Path(args.document), year=args.year)
    except ReadError as error:
        print(f"导入失败：{error}", file=sys.stderr)
        return 1
    written = write_content(department, Path(args.out))
    print(f"已导入 {department.year} 年 {department.code} 的 {len(department.projects)} 个项目，写入 {len(written)} 个文件：")
    for path in written:
        print(f"  {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(Path(args.content))
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return 1
    projects = catalog.projects
    indicators = sum(len(project.indicators) for _, project in projects)
    print(
        f"检查通过：{len(catalog.departments)} 个部门，{len(projects)} 个项目，{indicators} 条绩效指标，"
        f"年度 {', '.join(str(year) for year in catalog.years)}。"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="预算绩效目标公开网站的内容工具")
    commands = parser.add_subparsers(dest="command", required=True)

    importer = commands.add_parser("import", help="把部门的绩效目标文件转换为 content/ 下的 YAML")
    importer.add_argument("document", help=f"部门的绩效目标文件（{'、'.join(sorted(READERS))}）")
    importer.add_argument("--out", default="content", help="输出目录（默认 content）")
    importer.add_argument("--year", type=int, default=None, help="年度；默认从文本中推断")
    importer.set_defaults(run=_import)

    check = commands.add_parser("check", help="校验 content/ 下的全部 YAML，不生成网站")
    check.add_argument("content", nargs="?", default="content", help="内容目录（默认 content）")
    check.set_defaults(run=_check)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
