"""A small client of ClamAV's daemon (clamd) and the production virus scanner (ADR 0100).

clamd listens on a Unix socket (Debian's ``clamav-daemon``: /run/clamav/clamd.ctl) or a TCP
port (3310). A file is sent with the INSTREAM command: ``zINSTREAM\\0``, then chunks each
prefixed with its length as a 4-byte big-endian integer, then a zero length; the daemon answers
``stream: OK\\0``, ``stream: <signature> FOUND\\0`` or ``… ERROR\\0`` (for example when the
file passes its StreamMaxLength). Nothing is written to disk on our side, and the daemon needs
no access to our files.

Any failure to get a clear answer raises ScannerUnavailable, which the upload validator turns
into a refusal: an upload is never accepted unscanned when a scanner is configured.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings

from congso.core.uploads import ScannerUnavailable

CHUNK = 64 * 1024
REPLY_LIMIT = 4096


def _connect(address: str, timeout: float) -> socket.socket:
    """Open ``unix:///path``, a bare ``/path`` or ``tcp://host:port``."""
    if address.startswith("/") or address.startswith("unix:"):
        path = urlsplit(address).path if address.startswith("unix:") else address
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: str | tuple[str, int] = path
    elif address.startswith("tcp:"):
        parts = urlsplit(address)
        if not parts.hostname:
            raise ScannerUnavailable(f"clamd address without a host: {address}")
        sock = socket.socket(
            socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, socket.SOCK_STREAM
        )
        target = (parts.hostname, parts.port or 3310)
    else:
        raise ScannerUnavailable(f"unknown clamd address: {address}")
    sock.settimeout(timeout)
    try:
        sock.connect(target)
    except OSError as exc:
        sock.close()
        raise ScannerUnavailable(f"clamd not reachable at {address}: {exc}") from exc
    return sock


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < REPLY_LIMIT:
        part = sock.recv(REPLY_LIMIT)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def instream(data: bytes, *, address: str, timeout: float = 30.0) -> str | None:
    """Scan ``data`` with clamd; the signature found, or None when clean."""
    sock = _connect(address, timeout)
    try:
        try:
            sock.sendall(b"zINSTREAM\0")
            for offset in range(0, len(data), CHUNK):
                chunk = data[offset : offset + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon stopped reading (size limit): its reply says why
        reply = _read_reply(sock)
    except OSError as exc:
        raise ScannerUnavailable(f"clamd did not answer: {exc}") from exc
    finally:
        sock.close()
    if reply.startswith("stream:"):
        verdict = reply[len("stream:") :].strip()
        if verdict == "OK":
            return None
        if verdict.endswith(" FOUND"):
            return verdict[: -len(" FOUND")].strip() or "unknown"
    raise ScannerUnavailable(f"clamd answered {reply!r}")


class ClamdScanner:
    """The production scanner: ``CONGSO_VIRUS_SCANNER=congso.core.clamd.ClamdScanner``, with the
    daemon at ``CONGSO_CLAMD_ADDRESS`` (default Debian's socket)."""

    def scan(self, data: bytes, name: str) -> str | None:
        return instream(
            data, address=settings.CONGSO_CLAMD_ADDRESS, timeout=settings.CONGSO_CLAMD_TIMEOUT
        )
