"""Counter devices under load (issue 18), against the production server (gunicorn) on a scratch
database, beside ``/ping`` in the same run:

- 50 concurrent kiosk presses (API, device token) → 50 distinct numbers; issue latency p95
  (target ≤ 200 ms);
- 20 boards connected to the event stream (on their own gunicorn with 32 threads, as
  docs/counters.md deploys it); an officer calls tickets; the time from the call's answer to
  each board receiving the state with that call, measured at the board's client (target
  p95 ≤ 1 s);
- /ping latency at the same time as the presses (the bare stack, for the ratio, ADR 0005).

``python -m bench counters`` (``-- --postgres`` uses DATABASE_URL's server for a scratch DB)."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.server import Server

SETUP = r"""
from congso.accounts.models import User
from congso.org.models import Unit, UnitKind, Staff, Role, RoleAssignment
from congso.counters.models import Hall, ServiceGroup, Counter, Device
from congso.dossiers.models import ApiToken
import hashlib
d = Unit.objects.create(kind=UnitKind.DISTRICT, name="UBND quận Thanh Xuân", agency_id="H01.33")
desk = Unit.objects.create(kind=UnitKind.ONESTOP, name="Bộ phận Một cửa", parent=d)
hall = Hall.objects.create(unit=desk, name="Sảnh")
b = ServiceGroup.objects.create(hall=hall, letter="B", name="Tư pháp, hộ tịch")
c = Counter.objects.create(hall=hall, number=1); c.groups.set([b])
u = User.objects.create_user(username="motcua", password="x" * 16, full_name="Cán bộ")
s = Staff.objects.create(user=u, unit=desk)
RoleAssignment.objects.create(staff=s, unit=desk, role=Role.ONESTOP_OFFICER)
h = lambda t: hashlib.sha256(t.encode()).hexdigest()
ApiToken.objects.create(staff=s, name="bench", key_hash=h("bench-officer"))
Device.objects.create(hall=hall, kind="kiosk", name="k", token_hash=h("tb_bench_kiosk"))
Device.objects.create(hall=hall, kind="board", name="b", token_hash=h("tb_bench_board"))
c.staff = s; c.save()
"""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""):  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        conn.close()


def presses(port: int, n: int = 50) -> tuple[list[int], list[float], list[float]]:
    barrier = threading.Barrier(n + 10)
    numbers: list[int] = []
    issue: list[float] = []
    ping: list[float] = []
    lock = threading.Lock()
    body = json.dumps({"group": "B"}).encode()
    headers = {"X-Device-Token": "tb_bench_kiosk", "Content-Type": "application/json"}

    def press() -> None:
        barrier.wait()
        status, data, took = _request(port, "POST", "/api/v1/counters/tickets", headers, body)
        with lock:
            if status == 201:
                numbers.append(int(json.loads(data)["code"].split("-")[1]))
            issue.append(took)

    def pinger() -> None:
        barrier.wait()
        for _ in range(5):
            _status, _data, took = _request(port, "GET", "/ping", {})
            with lock:
                ping.append(took)

    threads = [threading.Thread(target=press) for _ in range(n)]
    threads += [threading.Thread(target=pinger) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return numbers, issue, ping


class Board(threading.Thread):
    """One board's client: reads the stream and notes when each call id first arrives."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.seen: dict[int, float] = {}
        self.ready = threading.Event()
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request(
                    "GET", "/thiet-bi/bang/su-kien/", headers={"X-Device-Token": "tb_bench_board"}
                )
                response = conn.getresponse()
                event = ""
                while not self.stop:
                    line = response.fp.readline()
                    if not line:
                        break
                    text = line.decode().rstrip("\n")
                    if text.startswith("event: "):
                        event = text[7:]
                    elif text.startswith("data: ") and event == "state":
                        now = time.perf_counter()
                        for call in json.loads(text[6:])["calls"]:
                            self.seen.setdefault(call["id"], now)
                        self.ready.set()
            except OSError:
                time.sleep(0.5)
            finally:
                conn.close()


def boards(port: int, push_port: int, n_boards: int = 20, calls: int = 15) -> list[float]:
    clients = [Board(push_port) for _ in range(n_boards)]
    for c in clients:
        c.start()
    for c in clients:
        c.ready.wait(30)
    auth = {"Authorization": "Bearer bench-officer"}
    delays: list[float] = []
    for _ in range(calls):
        status, data, _took = _request(port, "POST", "/api/v1/counters/call", auth)
        answered = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"call answered {status}: {data[:200]!r}")
        ticket_id = json.loads(data)["id"]
        _request(port, "POST", f"/api/v1/counters/tickets/{ticket_id}/start", auth)
        _request(port, "POST", f"/api/v1/counters/tickets/{ticket_id}/finish", auth)
        time.sleep(1.5)
        # The newest call id is the largest one any board saw after the answer.
        for c in clients:
            fresh = [t for t in c.seen.values() if t >= answered - 0.5]
            if fresh:
                delays.append(max(0.0, min(fresh) - answered))
            else:
                delays.append(float("inf"))
    for c in clients:
        c.stop = True
    return delays


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-counters-") as tmp:
        var = Path(tmp)
        url = f"sqlite:///{var / 'bench.sqlite3'}"
        if "--postgres" in argv and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            url = os.environ["DATABASE_URL"]
        env = {"CONGSO_TESTING": "true", "LOG_LEVEL": "WARNING"}
        app = Server(database_url=url, var_dir=var, workers=3, threads=2, extra_env=env)
        push = Server(database_url=url, var_dir=var, workers=1, threads=32, extra_env=env)
        app.manage("migrate", "--noinput", "-v0")
        app.manage("shell", "-c", SETUP)
        app.start()
        push.start()
        try:
            numbers, issue, ping = presses(app.port)
            distinct = len(set(numbers)) == len(numbers) == 50
            print(f"50 concurrent presses: {len(numbers)} tickets, distinct={distinct}")
            print(
                f"issue p50 {statistics.median(issue) * 1000:.0f} ms, p95 {_p95(issue) * 1000:.0f} ms"
                f" (target ≤ 200 ms); /ping alongside p50 {statistics.median(ping) * 1000:.0f} ms,"
                f" p95 {_p95(ping) * 1000:.0f} ms"
            )
            delays = boards(app.port, push.port)
            print(
                f"20 boards, {len(delays)} call→board deliveries: p50 "
                f"{statistics.median(delays) * 1000:.0f} ms, p95 {_p95(delays) * 1000:.0f} ms"
                " (target ≤ 1000 ms)"
            )
            ok = distinct and _p95(issue) <= 0.2 and _p95(delays) <= 1.0
        finally:
            push.stop()
            app.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    raise SystemExit(main(sys.argv[1:]))
