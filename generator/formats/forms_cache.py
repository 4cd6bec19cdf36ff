"""Each department's Word and Excel forms kept between builds, under a key of what makes their bytes.

Writing the forms is most of a large build's own time (benchmarks/README.md). A
department whose content, build date and form-writing code are unchanged gets the same
bytes, so they are kept under a digest of all three and used again as they are. An entry
is its payload after a digest of it: an entry that does not match (a disk fault, a
build killed while writing) is made again and never used; an entry written by other
code has another key and is never found. A build without a cache folder makes every form.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from generator.formats.forms import department_docx, department_xlsx
from generator.schema.model import Department

PACKAGE = Path(__file__).resolve().parent.parent
#: The code that decides a form's bytes: a change to any of it is another key.
FORM_CODE = ("formats/forms.py", "formats/xlsx.py", "formats/zips.py", "schema/model.py", "schema/layout.py")
MAGIC = b"budget-forms-cache 1 sha256:"
EXTENSIONS = (".docx", ".xlsx")


@functools.cache
def code_fingerprint() -> str:
    """A digest of the source of the modules that write the forms."""
    digest = hashlib.sha256()
    for name in FORM_CODE:
        digest.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes() + b"\0")
    return digest.hexdigest()


def department_key(department: Department, created: datetime) -> str:
    """The digest of everything a department's forms are made from: its fields and projects, the date, the code.

    A project's 自评表 and the files things were read from are not on the targets' form.
    """
    projects = tuple(replace(project, result=None, source=Path()) for project in department.projects)
    content = repr(replace(department, projects=projects, source=Path()))
    text = f"{code_fingerprint()}\n{created.isoformat()}\n{content}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FormCache:
    """The forms of every department, from `folder` when kept there, else made (and kept when there is a folder)."""

    folder: Path | None

    def missing(self, departments: Iterable[Department], created: datetime) -> list[Department]:
        """The departments that have no kept forms (whether a kept entry matches its digest is judged when read)."""
        if self.folder is None:
            return list(departments)
        return [d for d in departments if not all(path.is_file() for path in self._paths(department_key(d, created)))]

    def forms(self, department: Department, created: datetime) -> tuple[bytes, bytes]:
        """The department's Word and Excel forms, byte for byte as `forms.py` writes them."""
        if self.folder is None:
            return _made(department, created)
        paths = self._paths(department_key(department, created))
        kept = [_read(path) for path in paths]
        if None not in kept:
            return kept[0], kept[1]  # type: ignore[return-value]
        made = _made(department, created)
        for path, data in zip(paths, made):
            _write(path, data)
        return made

    def _paths(self, key: str) -> list[Path]:
        assert self.folder is not None
        return [self.folder / key[:2] / f"{key}{extension}" for extension in EXTENSIONS]


def _made(department: Department, created: datetime) -> tuple[bytes, bytes]:
    return department_docx(department, created=created), department_xlsx(department, created=created)


def _read(path: Path) -> bytes | None:
    """An entry's payload, or None if there is none or it does not match its digest."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    if header != MAGIC + hashlib.sha256(payload).hexdigest().encode():
        return None
    return payload


def _write(path: Path, payload: bytes) -> None:
    """An entry written whole or not at all: to a file beside it, then renamed over it."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(temporary, path)
    except OSError:  # a cache that cannot be written costs time, never the build
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
