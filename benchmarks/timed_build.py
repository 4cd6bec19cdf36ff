"""Run one `mkdocs build` and report where its time went, as JSON.

Usage: python -m benchmarks.timed_build <mkdocs.yml> <result.json>

The benchmark runs this in a fresh subprocess per build, so each build pays the
same start-up cost a real `mkdocs build` pays and its peak memory is its own.
Every plugin event handler is wrapped in a timer, without touching the plugins:
the time spent in handlers of our own package (`generator.*`: load, validate,
render, and whatever hooks are added later) is "ours"; the rest of the build is
MkDocs, Material and its search plugin.
"""

from __future__ import annotations

import functools
import json
import logging
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

#: Our own code: plugin handlers defined in this package count as "ours".
OWN_PACKAGE = "generator"


def _owner(method: Callable) -> str:
    plugin = getattr(method, "__self__", None)
    module = type(plugin).__module__ if plugin is not None else getattr(method, "__module__", "?")
    return module or "?"


def _timed(method: Callable, name: str, totals: dict[str, float]) -> Callable:
    key = f"{_owner(method)}:{name}"

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - start

    return wrapper


def timed_build(config_file: str) -> dict[str, Any]:
    """Build the site of `config_file`; return wall time, per-handler times and peak RSS."""
    start = time.perf_counter()
    config = load_config(config_file)
    totals: dict[str, float] = defaultdict(float)
    for name, methods in config.plugins.events.items():
        methods[:] = [_timed(method, name, totals) for method in methods]
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    seconds = time.perf_counter() - start
    ours = sum(t for key, t in totals.items() if key.split(".")[0] == OWN_PACKAGE)
    search = sum(t for key, t in totals.items() if key.startswith("material.plugins.search"))
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        # CPU time of this process and of the child processes it waited for (git log, a Dask worker).
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "children_peak_rss_mib": children.ru_maxrss / 1024,
        "ours_seconds": ours,
        "search_seconds": search,
        "handlers": dict(sorted(totals.items(), key=lambda item: -item[1])),
        # ru_maxrss is in KiB on Linux: the peak resident memory of this build process.
        "peak_rss_mib": own.ru_maxrss / 1024,
    }


def main(argv: list[str]) -> int:
    config_file, result_file = argv
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = timed_build(config_file)
    with open(result_file, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
