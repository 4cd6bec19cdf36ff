"""Numbers, sizes and days as Chinese budget documents print them: one rule each, for pages, search and files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def format_amount(value: Decimal | None) -> str:
    """Money as published: two decimals and thousands separators (4,916.86)."""
    return "" if value is None else f"{value:,.2f}"


def format_percent(value: Decimal | None) -> str:
    """A plan point as the form writes it: 20%, 12.5%."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return f"{text}%"


def format_score(value: Decimal | None) -> str:
    """A 分值, 得分 or stated 执行率 as the 自评表 writes it: 12.5, 9.98, 100.00 (its decimals kept)."""
    return "" if value is None else f"{value:f}"


def format_share(value: Decimal) -> str:
    return f"{value:.2f}%"


def format_count(value: int) -> str:
    """A count as Chinese tables print it: 1,000."""
    return f"{value:,}"


def format_change(value: Decimal | None) -> str:
    """A change in 万元 with its sign, as budget tables print it: +120.00, -35.50, 0.00."""
    if value is None:
        return ""
    return f"{value:+,.2f}" if value else "0.00"


def format_change_percent(value: Decimal | None) -> str:
    """A change in % with its sign; blank where last year's amount was 0 (no ratio exists)."""
    if value is None:
        return ""
    return f"{value:+.2f}%" if value else "0.00%"


def format_size(size: int) -> str:
    """A file size as a reader expects it: 812 字节, 3.3 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def format_day(day: date) -> str:
    """A day as Chinese documents write it: 2024年2月1日."""
    return f"{day.year}年{day.month}月{day.day}日"
