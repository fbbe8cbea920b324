"""A real, small, fillable disk for full-disk tests: a tmpfs mounted under ``tmp_path``.

``mount -t tmpfs`` needs root (``.ci/run`` runs as root); elsewhere the fixture
skips and says why. Filling is honest: a filler file is written until the kernel
answers ``ENOSPC``, and :meth:`SmallDisk.free` deletes it, so every write after
that finds room again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["SmallDisk", "small_disk"]


class SmallDisk:
    """A mounted tmpfs of a few MiB at :attr:`path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._filler = path / "filler.bin"

    def fill(self) -> int:
        """Write the filler until the disk is full; the bytes it took."""
        chunk = b"\0" * 4096
        written = 0
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                try:
                    written += os.write(fd, chunk)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
            for size in (512, 64, 1):  # the last page's corners too
                with contextlib.suppress(OSError):
                    while True:
                        written += os.write(fd, chunk[:size])
        finally:
            os.close(fd)
        return written

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)

    def is_full(self) -> bool:
        return shutil.disk_usage(self.path).free < 4096


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 4 MiB tmpfs under ``tmp_path``, unmounted afterwards (skips without root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs for the full-disk test needs root (CI runs as root)")
    path = tmp_path / "small-disk"
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"could not mount a tmpfs for the full-disk test: {done.stderr.strip()}")
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)
