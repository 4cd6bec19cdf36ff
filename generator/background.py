"""Work handed to a second process, so that it runs on the core MkDocs leaves idle.

MkDocs builds on one core. What the build needs only later (the search index
entries cut into words, the bytes of the download files) is computed meanwhile in
a child process `python -m <module>`, which reads its input and writes its result
as pickles over its stdin and stdout. A plain child process rather than
`multiprocessing`: that re-imports the caller's `__main__`, which fails when
MkDocs is driven from a script, a notebook or stdin.

A failed child costs time, not the site: `receive()` raises BackgroundFailed and
the caller computes the same result in its own process.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from typing import Any, BinaryIO

log = logging.getLogger("mkdocs.plugins.budget")


class BackgroundFailed(Exception):
    """The child process could not be reached or gave no result."""


class Background:
    """`python -m module` in a child process, fed and read with pickles."""

    def __init__(self, module: str) -> None:
        self.module = module
        # The child finds this package where the parent found it, installed or not.
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self._process = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
        )
        self.failed = False

    def send(self, message: Any) -> bool:
        """Hand the child one message; False if it can no longer take any."""
        if self.failed:
            return False
        try:
            pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as error:
            self._fail(error)
        return not self.failed

    def receive(self) -> Any:
        """Close the input and wait for the child's one result."""
        if not self.failed:
            try:
                self._process.stdin.close()
                return pickle.load(self._process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as error:
                self._fail(error)
            finally:
                self.close()
        raise BackgroundFailed(self.module)

    def _fail(self, error: Exception) -> None:
        log.warning("%s: the background process failed (%s); its work is done in this process", self.module, error)
        self.failed = True

    def close(self) -> None:
        """Stop the child: it ends when its input closes, or is killed after 5 s."""
        for stream in (self._process.stdin, self._process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def messages(incoming: BinaryIO) -> Any:
    """In the child: every message the parent sends, until it closes the input."""
    while True:
        try:
            yield pickle.load(incoming)
        except EOFError:
            return


def reply(outgoing: BinaryIO, result: Any) -> None:
    """In the child: the one result."""
    pickle.dump(result, outgoing, protocol=pickle.HIGHEST_PROTOCOL)
    outgoing.flush()
