"""Work handed to a second process, so that it runs on the core MkDocs leaves idle.

MkDocs builds on one core. What the build needs only later (the pages' Markdown
page by page, the bytes of the download files, the search index entries cut into
words) is made meanwhile in a child process `python -m <module>`, which reads its
input and writes its results as pickles over its stdin and stdout. A plain child
process rather than `multiprocessing`: that re-imports the caller's `__main__`,
which fails when MkDocs is driven from a script, a notebook or stdin.

Neither side ever waits on a full pipe: each writes through a thread of its own
(`Outbox`) and the parent reads the child's results through another, so that the
parent goes on building while the child starts up, and the child goes on making
results the parent will only ask for later.

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
#: How long to wait for one result before taking the child for hung: far longer than
#: any one result takes (the largest, the search index of 50,000 projects, is ready
#: seconds after the last page), so that a stuck child stops the wait, not the build.
PATIENCE_SECONDS = 600


class BackgroundFailed(Exception):
    """The child process could not be reached, or ended without the result asked for."""


class Outbox:
    """Pickles written to a stream in order by a thread, so that sending never waits."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._stream = stream
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: Exception | None = None  # why the stream could not be written
        self._writer = threading.Thread(target=self._write, name=name, daemon=True)
        self._writer.start()

    def send(self, message: Any) -> None:
        self._queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self._stream.write(data)
                self._stream.flush()
            self._stream.close()
        except (OSError, ValueError) as error:  # the other side is gone
            self.error = error

    def close(self, timeout: float | None = None) -> None:
        """Write what is queued, then close the stream."""
        self._queue.put(None)
        self._writer.join(timeout)

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Background:
    """`python -m module` in a child process, fed and read with pickles."""

    def __init__(self, module: str) -> None:
        self.module = module
        # The child finds this package where the parent found it, installed or not.
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self._process = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
        )
        self._outbox = Outbox(self._process.stdin, f"{module} input")
        self._results: queue.Queue = queue.Queue()
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
        if self._outbox.error is not None:
            self._fail(self._outbox.error)
        if not self.failed:
            self._outbox.send(message)
        return not self.failed

    def finish_sending(self) -> None:
        """Tell the child there is nothing more to come."""
        self._outbox.close(timeout=0)  # the writer thread closes the child's input when done

    def receive(self, patience: float = PATIENCE_SECONDS) -> Any:
        """The child's next result, waiting for it."""
        if not self.failed:
            try:
                result = self._results.get(timeout=patience)
            except queue.Empty:
                self._fail(TimeoutError(f"no result in {patience:g} s"))
                self._process.kill()
            else:
                if result is not _END:
                    return result
                self._fail(EOFError(f"it ended with exit status {self._process.wait()}"))
        raise BackgroundFailed(self.module)

    def _fail(self, error: Exception) -> None:
        if not self.failed:
            log.warning("%s: the background process failed (%s); its work is done in this process", self.module, error)
        self.failed = True

    def close(self) -> None:
        """Stop the child: it ends when its input closes, or is killed after 5 s."""
        self._outbox.close(timeout=5)
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


def replies(outgoing: BinaryIO) -> Outbox:
    """In the child: where its results go, in order, as soon as they are made."""
    return Outbox(outgoing, "replies")
