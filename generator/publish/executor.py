"""Where a build's tasks run: a Dask cluster of this machine's cores, or one already running elsewhere.

A task is a county (a shard) or a department, never a project: each costs Dask about
2 ms. Tasks get paths and small payloads and write what they make under the shared
output folder; they send back only summaries. With no setting the cluster is a
`LocalCluster` of one single-threaded worker process per core; `--scheduler
tcp://HOST:8786`, or Dask's own DASK_SCHEDULER_ADDRESS, uses a cluster started with
`dask scheduler` and `dask worker` instead, by the same code path. Dask is imported only
when a cluster is wanted: a small county's build never loads it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

#: Dask's own setting of a scheduler to use, which it reads from DASK_SCHEDULER_ADDRESS.
SCHEDULER_SETTING = "scheduler-address"
#: Departments below which a county's build makes their downloads itself: a cluster of this
#: machine takes about 2 s to start and stop, as long as making 40 departments' downloads and forms.
TASKS_FOR_A_CLUSTER = 64


class ExecutorError(Exception):
    """The cluster cannot be reached or started: said in one sentence, without a traceback."""


def scheduler_address(given: str | None) -> str | None:
    """The scheduler named on the command line, else in Dask's settings; None for a cluster of this machine."""
    import dask

    return given or dask.config.get(SCHEDULER_SETTING, None) or None


@contextmanager
def executor(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A Dask client: of the cluster at `scheduler`, or of a LocalCluster of `workers` processes (default: cores)."""
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address is not None:
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise ExecutorError(
                f"无法连接 Dask 调度器 {address}（{error}）：请确认已用 dask scheduler 启动，且地址和端口正确"
            ) from None
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # None still takes 8787 (distributed 2026.8); any free port instead
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def county_executor(tasks: int) -> Iterator[Client | None]:
    """Where a county's build sends its per-department work: None (this process) for a little work,
    or on a single core, or inside a province's shard, which is itself a task of a cluster's worker."""
    if tasks < TASKS_FOR_A_CLUSTER or _on_a_worker():
        yield None
        return
    if scheduler_address(None) is None and (os.cpu_count() or 1) < 2:
        yield None
        return
    # This process is busy meanwhile, writing the pages and running MkDocs: one worker per other core.
    with executor(workers=max(1, (os.cpu_count() or 1) - 1)) as client:
        yield client


def _on_a_worker() -> bool:
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True
