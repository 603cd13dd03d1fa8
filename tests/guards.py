"""Guards for every test run: no network, and our own deprecations are errors.

``install()`` runs in the pytest process (from the root conftest) and, through an IPython startup
file that :func:`ipython_dir` writes, in every notebook kernel that nbmake or the book build
starts. It

- refuses socket connections to anything but the loopback interface, so code that reaches for
  the network fails at once instead of hanging or silently downloading;
- turns DeprecationWarning and FutureWarning into errors when they are attributed to our own
  code (the ``helpers`` package or a notebook cell, module ``__main__``). Third-party warnings
  that cannot be fixed are filtered narrowly in ``helpers/known_warnings.py``.
"""

from __future__ import annotations

import ipaddress
import socket
import warnings
from pathlib import Path

OUR_MODULES = r"(helpers(\..*)?|__main__)"
_INSTALLED = "_course_guard_installed"


class NetworkBlocked(OSError):
    """A test tried to open a network connection."""


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install() -> None:
    """Install the network guard and the warning filters (idempotent)."""
    if not getattr(socket.socket, _INSTALLED, False):
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

        def guarded_connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise NetworkBlocked(f"network access is blocked in tests: connect to {address!r}")
            return connect(self, address)

        def guarded_connect_ex(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise NetworkBlocked(f"network access is blocked in tests: connect to {address!r}")
            return connect_ex(self, address)

        socket.socket.connect = guarded_connect
        socket.socket.connect_ex = guarded_connect_ex
        setattr(socket.socket, _INSTALLED, True)
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("error", category=category, module=OUR_MODULES)


def ipython_dir(root: Path) -> Path:
    """Write an IPython profile whose startup file installs these guards; return its folder.

    Point ``IPYTHONDIR`` at it and every kernel started from that environment is guarded.
    """
    folder = Path(root) / "_build" / "ipython"
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    guards = Path(__file__).resolve()
    (startup / "00-course-guards.py").write_text(
        "# Written by tests/guards.py: the test runs' network guard and warning filters.\n"
        "import runpy as _runpy\n"
        f"_runpy.run_path({str(guards)!r}, run_name='course_guards')['install']()\n"
        "del _runpy\n"
    )
    return folder
