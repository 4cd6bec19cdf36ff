"""The Frictionless Data Package (v2) that describes the site-wide CSV tables to data tools."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from generator.formats.tables import Table


def datapackage(
    site_name: str, files: Sequence[tuple[Table, str, bytes]], projects_key: Sequence[str]
) -> dict[str, object]:
    """The package of each table's CSV file (its name and bytes); foreign keys point at `projects_key`."""
    resources = []
    for table, name, content in files:
        schema: dict[str, object] = {
            "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
            "fields": [
                {
                    "name": column.name,
                    "type": column.type,
                    "title": column.title,
                    **({"description": column.description} if column.description else {}),
                    **({"constraints": {"required": True}} if column.required else {}),
                }
                for column in table.columns
            ],
            "missingValues": [""],
        }
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(key), "reference": {"resource": "projects", "fields": list(projects_key)}}
                for key in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": name,
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                "title": table.title,
                "description": table.description
                + "文字以 = + - @ ' 或制表符开头时，前面加了一个英文单引号 '，以免表格软件当作公式执行；去掉它即为原文。",
                "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json", "header": True},
                "schema": schema,
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "budget-performance-targets",
        "title": f"{site_name}：项目支出绩效目标",
        "resources": resources,
    }
