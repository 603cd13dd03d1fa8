import socket
import subprocess
import sys
import warnings

import pytest

from tests.guards import NetworkBlocked, install, ipython_dir


def test_network_is_blocked_in_tests():
    with pytest.raises(NetworkBlocked, match="network access is blocked"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    sock = socket.socket()
    try:
        with pytest.raises(NetworkBlocked):
            sock.connect_ex(("example.org", 443))
    finally:
        sock.close()


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close()
    finally:
        server.close()


def test_our_deprecations_are_errors_others_are_not():
    install()
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old", DeprecationWarning, "helpers/x.py", 1, module="helpers.x")
    with pytest.raises(FutureWarning):
        warnings.warn_explicit("old", FutureWarning, "<cell>", 1, module="__main__")
    with warnings.catch_warnings(record=True):
        warnings.warn_explicit("theirs", DeprecationWarning, "lib.py", 1, module="somelib")


def test_kernels_get_the_guards(tmp_path):
    folder = ipython_dir(tmp_path)
    startup = folder / "profile_default" / "startup" / "00-course-guards.py"
    code = startup.read_text() + (
        "\nimport socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as err:\n    print(type(err).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "NetworkBlocked", out.stderr
