"""Zip entries that record nothing of the machine, for every archive the build writes (XLSX, Word).

A zip entry holds a date, the host OS that wrote it and the file's mode; left to
zipfile they come from the clock, the platform and the defaults, so the same
document would be other bytes on another machine.
"""

from __future__ import annotations

import zipfile

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry holds
FILE_MODE = 0o600  # rw- for the owner: a document's entries are plain files


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that records nothing of the machine: a fixed date, host OS and file mode."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # MS-DOS: zipfile would record 3 (Unix) on Linux and macOS, 0 on Windows
    info.external_attr = FILE_MODE << 16  # zipfile writes this for a 0, whatever the umask; said here
    return info
