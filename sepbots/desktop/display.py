"""A virtual X display (Xvfb) for unattended Linux runs.

``VirtualDisplay`` starts ``Xvfb`` as a child process, lets it pick a free display number
(``-displayfd``), points ``DISPLAY`` at it and sets ``XDG_SESSION_TYPE=x11`` (pyscreeze decides
how to take screenshots from that variable when it is imported). The server only accepts
clients holding a fresh random cookie, written to a private ``XAUTHORITY`` file, so other local
users cannot type into the robot's applications. Stopping restores both
variables and ends the server. On Windows and macOS it does nothing: bots use the real session.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import MutableMapping
from types import TracebackType
from typing import IO, Any

from sepbots.desktop.errors import DisplayError

_ENV_KEYS = ("DISPLAY", "XDG_SESSION_TYPE", "XAUTHORITY")
_FAMILY_LOCAL = 256
_FAMILY_WILD = 0xFFFF
_COOKIE = b"MIT-MAGIC-COOKIE-1"


def _write_xauthority(path: str, cookie: bytes, *, number: int | None) -> None:
    """Write an Xauthority file holding ``cookie`` (big-endian, length-prefixed fields).

    python3-xlib (pyautogui's dependency) only matches a local entry with the host name and
    display number; libX11 clients (Tk) also accept the wildcard entry.
    """

    def field(value: bytes) -> bytes:
        return struct.pack(">H", len(value)) + value

    def entry(family: int, address: bytes, display: bytes) -> bytes:
        return struct.pack(">H", family) + field(address) + field(display) + field(_COOKIE) + field(cookie)

    data = entry(_FAMILY_WILD, b"", b"")
    if number is not None:
        data = entry(_FAMILY_LOCAL, socket.gethostname().encode(), str(number).encode()) + data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def parse_size(size: str) -> tuple[int, int]:
    """Parse ``"1280x800"`` into ``(1280, 800)``.

    Args:
        size: width and height in pixels, joined by ``x``.

    Raises:
        DisplayError: the text is not of that form.
    """
    try:
        width, height = (int(part) for part in size.lower().split("x"))
    except ValueError:
        raise DisplayError(f"skærmstørrelsen skal skrives som 1280x800 / display size must look like 1280x800: {size!r}") from None
    if width < 64 or height < 64:
        raise DisplayError(f"skærmstørrelsen {size!r} er for lille / display size {size!r} is too small")
    return width, height


def needs_virtual_display(virtual_display: bool, environ: MutableMapping[str, str]) -> bool:
    """Whether a run should start its own Xvfb.

    Only on Linux, and there when the settings ask for one (unattended runs) or when no display
    exists at all.

    Args:
        virtual_display: the ``desktop.virtual_display`` setting.
        environ: the process environment.
    """
    if not sys.platform.startswith("linux"):
        return False
    return virtual_display or not environ.get("DISPLAY")


class VirtualDisplay:
    """An Xvfb server for the lifetime of a ``with`` block.

    Args:
        size: screen size such as ``"1280x800"`` (24-bit colour).
        environ: the environment to point at the display; the process environment by default.
        start_timeout_s: how long Xvfb may take to accept connections.
        executable: the Xvfb program name or path.
    """

    def __init__(
        self,
        size: str = "1280x800",
        *,
        environ: MutableMapping[str, str] | None = None,
        start_timeout_s: float = 10.0,
        executable: str = "Xvfb",
    ) -> None:
        self.width, self.height = parse_size(size)
        self._environ = os.environ if environ is None else environ
        self._start_timeout_s = start_timeout_s
        self._executable = executable
        self._process: subprocess.Popen[bytes] | None = None
        self._saved_env: dict[str, str | None] = {}
        self._auth_dir: tempfile.TemporaryDirectory[str] | None = None
        self.name: str | None = None

    @property
    def running(self) -> bool:
        """True while the server this object started is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> VirtualDisplay:
        """Start Xvfb and point ``DISPLAY`` at it; a no-op outside Linux.

        Raises:
            DisplayError: Xvfb is not installed, exited or did not report its display in time.
        """
        if not sys.platform.startswith("linux") or self._process is not None:
            return self
        program = shutil.which(self._executable)
        if program is None:
            raise DisplayError(
                f"{self._executable} findes ikke; installér Debian-pakken 'xvfb' eller sæt desktop.virtual_display = false "
                "og kør i en skrivebordssession / "
                f"{self._executable} was not found; install the Debian package 'xvfb' "
                "or set desktop.virtual_display = false and run in a desktop session"
            )
        self._auth_dir = tempfile.TemporaryDirectory(prefix="sepbots-xvfb-")
        auth_file = os.path.join(self._auth_dir.name, "Xauthority")
        cookie = secrets.token_bytes(16)
        _write_xauthority(auth_file, cookie, number=None)
        read_fd, write_fd = os.pipe()
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
        try:
            self._process = subprocess.Popen(
                [
                    program,
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    f"{self.width}x{self.height}x24",
                    "-auth",
                    auth_file,
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            os.close(write_fd)
            number = self._read_display_number(read_fd, log)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_fd)
            log.close()
        _write_xauthority(auth_file, cookie, number=number)
        self.name = f":{number}"
        self._saved_env = {key: self._environ.get(key) for key in _ENV_KEYS}
        self._environ["DISPLAY"] = self.name
        self._environ["XDG_SESSION_TYPE"] = "x11"
        self._environ["XAUTHORITY"] = auth_file
        return self

    def _read_display_number(self, read_fd: int, log: IO[bytes]) -> int:
        assert self._process is not None
        deadline = time.monotonic() + self._start_timeout_s
        data = b""
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DisplayError(f"Xvfb startede ikke inden for {self._start_timeout_s:g} s / "
                                   f"Xvfb did not start within {self._start_timeout_s:g} s")
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.1))
            if ready:
                chunk = os.read(read_fd, 64)
                if chunk:
                    data += chunk
                    continue
            if self._process.poll() is not None:
                log.seek(0)
                detail = log.read().decode(errors="replace").strip().splitlines()[-3:]
                raise DisplayError(f"Xvfb stoppede med kode / Xvfb exited with code {self._process.returncode}: {' | '.join(detail)}")
        return int(data.strip())

    def stop(self) -> None:
        """End the server and restore ``DISPLAY`` and ``XDG_SESSION_TYPE``; safe to call twice."""
        if self.name is not None:
            for key, value in self._saved_env.items():
                if value is None:
                    self._environ.pop(key, None)
                else:
                    self._environ[key] = value
        self._terminate()
        self.name = None
        if self._auth_dir is not None:
            self._auth_dir.cleanup()
            self._auth_dir = None

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            end_process(process)

    def __enter__(self) -> VirtualDisplay:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def end_process(process: subprocess.Popen[Any], timeout_s: float = 5) -> None:
    """Terminate ``process`` if it still runs, and kill it when it has not ended within ``timeout_s``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout_s)
