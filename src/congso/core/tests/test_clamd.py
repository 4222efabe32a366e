"""The clamd client against a local server that speaks clamd's INSTREAM protocol (the real
daemon needs a signature database that cannot be downloaded here: it is not part of CI)."""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from congso.core import clamd
from congso.core.checks import upload_scanner
from congso.core.uploads import EICAR_SIGNATURE, ScannerUnavailable, validate_content

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + EICAR_SIGNATURE + b"!$H+H*"


class FakeClamd:
    """Accepts connections, reads one ``zINSTREAM`` command and its chunks, answers like clamd:
    ``stream: OK`` or ``stream: Eicar-Test-Signature FOUND`` (or a size-limit ERROR)."""

    def __init__(self, listener: socket.socket, max_stream: int = 25 * 1024 * 1024) -> None:
        self.listener = listener
        self.max_stream = max_stream
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exact(self, conn: socket.socket, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            part = conn.recv(n - len(buf))
            if not part:
                raise ConnectionError
            buf += part
        return buf

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                command = self._read_exact(conn, len(b"zINSTREAM\0"))
                self.commands.append(command)
                data = b""
                reply = b"stream: OK\0"
                while True:
                    (length,) = struct.unpack("!L", self._read_exact(conn, 4))
                    if length == 0:
                        break
                    data += self._read_exact(conn, length)
                    if len(data) > self.max_stream:
                        reply = b"INSTREAM size limit exceeded. ERROR\0"
                        break
                self.received.append(data)
                if reply.startswith(b"stream: OK") and EICAR_SIGNATURE in data:
                    reply = b"stream: Eicar-Test-Signature FOUND\0"
                conn.sendall(reply)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def unix_clamd(tmp_path: Path):
    path = str(tmp_path / "clamd.ctl")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(4)
    server = FakeClamd(listener)
    yield f"unix://{path}", server
    server.close()


@pytest.fixture
def tcp_clamd():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    server = FakeClamd(listener, max_stream=100_000)
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}", server
    server.close()


def test_clean_file_over_unix_socket(unix_clamd):
    address, server = unix_clamd
    data = PDF + b"x" * 200_000  # several 64 KiB chunks
    assert clamd.instream(data, address=address, timeout=5) is None
    assert server.commands == [b"zINSTREAM\0"] and server.received == [data]


def test_eicar_found_over_tcp(tcp_clamd):
    address, _server = tcp_clamd
    assert clamd.instream(PDF + EICAR, address=address, timeout=5) == "Eicar-Test-Signature"


def test_error_reply_and_unreachable_daemon_raise(tcp_clamd, tmp_path):
    address, _server = tcp_clamd
    with pytest.raises(ScannerUnavailable):  # "size limit exceeded. ERROR", or the reset before it
        clamd.instream(b"y" * 300_000, address=address, timeout=5)  # past its StreamMaxLength
    with pytest.raises(ScannerUnavailable, match="not reachable"):
        clamd.instream(b"z", address=f"unix://{tmp_path / 'none.ctl'}", timeout=1)
    with pytest.raises(ScannerUnavailable, match="unknown"):
        clamd.instream(b"z", address="clamd.example:3310", timeout=1)


def test_validator_uses_clamd_and_refuses_when_it_is_down(settings, unix_clamd, tmp_path):
    address, server = unix_clamd
    settings.CONGSO_VIRUS_SCANNER = "congso.core.clamd.ClamdScanner"
    settings.CONGSO_CLAMD_ADDRESS = address
    assert validate_content("don.pdf", PDF).kind.code == "pdf"
    with pytest.raises(ValidationError) as exc:
        validate_content("don.pdf", PDF + EICAR)
    assert exc.value.code == "virus" and "Eicar-Test-Signature" in exc.value.messages[0]
    assert len(server.received) == 2
    settings.CONGSO_CLAMD_ADDRESS = f"unix://{tmp_path / 'stopped.ctl'}"
    with pytest.raises(ValidationError) as exc:
        validate_content("don.pdf", PDF)  # fail closed: never accepted unscanned
    assert exc.value.code == "scanner" and "thử lại" in exc.value.messages[0]


@pytest.mark.parametrize(
    "path,warns",
    [
        ("congso.core.uploads.NoopScanner", True),
        ("congso.core.uploads.EicarScanner", True),
        ("", True),
        ("congso.core.clamd.ClamdScanner", False),
    ],
)
def test_deploy_check_warns_on_a_scanner_that_does_nothing(settings, path, warns):
    settings.CONGSO_VIRUS_SCANNER = path
    assert [w.id for w in upload_scanner()] == (["congso.W100"] if warns else [])
