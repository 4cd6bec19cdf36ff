"""Work handed to a second process, so that it runs on the core MkDocs leaves idle.

MkDocs builds on one core. What the build needs only later (the pages' Markdown
page by page, the bytes of the download files, the search index entries cut into
words) is made meanwhile in a child process `python -m <module>`, which reads its
input and writes its results as pickles over its stdin and stdout. A plain child
process rather than `multiprocessing`: that re-imports the caller's `__main__`,
which fails when MkDocs is driven from a script, a notebook or stdin.

A thread in this process reads the child's results as they come, so the child is
never held up by a full pipe while MkDocs is busy.

A failed child costs time, not the site: `receive()` raises BackgroundFailed and
the caller makes the same result in its own process.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

log = logging.getLogger("mkdocs.plugins.budget")

_END = object()  # the child closed its output


class BackgroundFailed(Exception):
    """The child process could not be reached, or ended without the result asked for."""


class Background:
    """`python -m module` in a child process, fed and read with pickles."""

    def __init__(self, module: str) -> None:
        self.module = module
        # The child finds this package where the parent found it, installed or not.
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self._process = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
        )
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, name=f"{module} results", daemon=True)
        self._reader.start()
        self.failed = False

    def _read(self) -> None:
        try:
            while True:
                self._results.put(pickle.load(self._process.stdout))
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):
            pass
        finally:
            self._results.put(_END)

    def send(self, message: Any) -> bool:
        """Hand the child one message; False if it can no longer take any."""
        if self.failed:
            return False
        try:
            pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, ValueError) as error:
            self._fail(error)
        return not self.failed

    def finish_sending(self) -> None:
        """Tell the child there is nothing more to come."""
        try:
            self._process.stdin.close()
        except OSError as error:
            self._fail(error)

    def receive(self) -> Any:
        """The child's next result, waiting for it."""
        if not self.failed:
            result = self._results.get()
            if result is not _END:
                return result
            self._fail(EOFError(f"exit status {self._process.wait()}"))
        raise BackgroundFailed(self.module)

    def _fail(self, error: Exception) -> None:
        if not self.failed:
            log.warning("%s: the background process failed (%s); its work is done in this process", self.module, error)
        self.failed = True

    def close(self) -> None:
        """Stop the child: it ends when its input closes, or is killed after 5 s."""
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)
        self._process.stdout.close()


def messages(incoming: BinaryIO) -> Iterator[Any]:
    """In the child: every message the parent sends, until it finishes sending."""
    while True:
        try:
            yield pickle.load(incoming)
        except EOFError:
            return


def reply(outgoing: BinaryIO, result: Any) -> None:
    """In the child: one result, sent at once."""
    pickle.dump(result, outgoing, protocol=pickle.HIGHEST_PROTOCOL)
    outgoing.flush()
