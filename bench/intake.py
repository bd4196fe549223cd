"""Intake end to end: the real web server and worker take N responses from concurrent clients.

gunicorn (127.0.0.1, a free port) and the Huey worker run as separate processes on the benchmark's database. 30% of
the responses are repeats of an earlier person (another external id, the phone typed another way); phones come as
"8 (9xx) xxx-xx-xx", "+7 9xx xxxxxxx" and "9xxxxxxxxx". Printed: accepted/s at the endpoint, sustained leads/s from
the first request to the last event processed, p50/p99 from a request to its deal being visible through the API
(300 of them are polled), the final counts, and whether every accepted event was processed.
"""

import asyncio
import json
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max
from django.test import override_settings

from bench.stats import percentile
from podbor.accounts.models import User
from podbor.accounts.services import api_token_issue, user_create
from podbor.crm.demo import names
from podbor.crm.demo.pipelines import MASS, pipelines_create
from podbor.crm.models import Contact, Deal, Pipeline
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create
from podbor.lib.database_url import database_url

ROOT = Path(__file__).resolve().parent.parent
# Events whose deal is watched through the API (the polls load the service they measure, so a fixed number).
SAMPLES = 300
POLL_SECONDS = 0.05
DRAIN_TIMEOUT = 600
# The issue's target on PostgreSQL with 2 cores: 300 leads/s sustained, p99 ≤ 1 s from request to visible deal.
TARGET_RATE = 300.0


def _phone_formats(digits: str) -> list[str]:
    return [f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"+7 {digits[:3]} {digits[3:]}", digits]


def payloads(n: int, seed: int = 11) -> tuple[list[dict], int]:
    """N generic payloads; returns them with the number of distinct people among them."""
    rng = random.Random(seed)
    run = f"{os.getpid()}-{int(time.time())}"
    people: list[tuple[dict, str, int]] = []  # (person, phone digits, format used first)
    bodies = []
    used: set[str] = set()
    for i in range(n):
        if people and rng.random() < 0.3:
            who, digits, first_format = rng.choice(people)
            style = rng.choice([s for s in range(3) if s != first_format])
        else:
            who = names.person(rng)
            while True:  # 977… is outside the demo data's ranges: repeats are only the ones made here; odd and
                # even seeds draw from separate halves, so that a second run in the same database meets nobody known
                digits = f"977{(seed % 2) * 5_000_000 + rng.randrange(5_000_000):07d}"
                if digits not in used:
                    used.add(digits)
                    break
            style = rng.randrange(3)
            people.append((who, digits, style))
        body = {
            "external_id": f"bench-{run}-{i}",
            "full_name": " ".join(p for p in (who["last_name"], who["first_name"], who["middle_name"]) if p),
            "phones": [_phone_formats(digits)[style]],
            "emails": [f"{digits}@example.org"] if int(digits) % 2 else [],
            "city": rng.choice(["Москва", "Казань", "Тверь", "Самара", "Пермь"]),
            "vacancy": rng.choice(["Курьер", "Кладовщик", "Водитель", "Комплектовщик"]),
        }
        bodies.append(body)
    return bodies, len(people)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    return database_url(connection.settings_dict)


def _setup() -> tuple[str, str, str]:
    """An admin with an API token, a pipeline and a generic source: (api token, source slug, source token)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        admin = user_create(username=f"intake-bench-{os.getpid()}-{int(time.time())}", password="x",
                            role=User.Role.ADMIN)
    pipeline = Pipeline.objects.filter(name=MASS).first() or pipelines_create()[MASS]
    source, token = source_create(name=f"Bench {admin.username}", kind="generic", pipeline=pipeline)
    return api_token_issue(user=admin), source.slug, token


class Service:
    """gunicorn and the Huey worker(s) on this process's database; stopped, with their children, on exit."""

    def __init__(self, *, web_workers: int, web_threads: int, huey_workers: int, huey_processes: int,
                 queue: str = "sqlite"):
        self.port = _free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="podbor-bench-intake-"))
        self.env = os.environ | {
            "DATABASE_URL": _database_url(),
            "HUEY_IMMEDIATE": "false",
            "HUEY_SQLITE_FILE": str(self.tmp / "huey.sqlite3"),
            "HUEY_WORKERS": str(huey_workers),
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "podbor.settings",
            "SECRET_KEY": settings.SECRET_KEY,
        }
        if queue == "postgres":
            if not self.env["DATABASE_URL"].startswith("postgres"):
                raise SystemExit("--queue postgres needs --postgres")
            self.env["HUEY_DATABASE_URL"] = self.env["DATABASE_URL"]
        self.web_threads, self.queue = web_threads, queue
        self.web_workers, self.huey_workers, self.huey_processes = web_workers, huey_workers, huey_processes
        self.procs: list[subprocess.Popen] = []

    def _start(self, name: str, argv: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs.append(subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def start(self) -> str:
        bin_dir = Path(sys.executable).parent
        threads = (["-k", "gthread", "--threads", str(self.web_threads), "--keep-alive", "30"]
                   if self.web_threads > 1 else [])
        self._start("gunicorn", [str(bin_dir / "gunicorn"), "podbor.wsgi:application", "-w", str(self.web_workers),
                                 *threads, "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"])
        for i in range(self.huey_processes):
            argv = [sys.executable, "manage.py", "run_huey", "-w", str(self.huey_workers), "-k", "thread", "-v", "0"]
            if i:
                argv.append("--no-periodic")
            self._start(f"huey{i}", argv)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                break
            try:
                httpx.get(f"{base}/api/v1/openapi.json", timeout=2)
                return base
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the service did not start; see the logs in {self.tmp}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs = []

    def cleanup(self) -> None:
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()


async def _send_all(base: str, slug: str, token: str, api_token: str, bodies: list[dict], clients: int,
                    rate: float | None = None) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for index, body in enumerate(bodies):
        queue.put_nowait((index, body))
    statuses: Counter = Counter()
    event_ids: list[int] = []
    visible_ms: list[float] = []
    problems: list[str] = []
    pollers: list[asyncio.Task] = []
    sampled: list[int] = []
    answered_ms: list[float] = []
    sample_every = max(1, len(bodies) // SAMPLES)
    polls = [0]
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    auth = {"Authorization": f"Token {api_token}"}

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        async def get(path: str) -> httpx.Response:
            for _attempt in range(3):
                try:
                    return await http.get(path, headers=auth)
                except httpx.TransportError:  # a kept-alive connection the server closed meanwhile: ask again
                    continue
            return await http.get(path, headers=auth)

        async def watch(event_id: int, started: float) -> None:
            while True:
                response = await get(f"/api/v1/intake/events/{event_id}")
                data = response.json() if response.status_code == 200 else {}
                if data.get("deal"):
                    deal = await get(f"/api/v1/deals/{data['deal']}")
                    if deal.status_code != 200:
                        problems.append(f"deal {data['deal']} of event {event_id}: HTTP {deal.status_code}")
                        return
                    visible_ms.append((time.perf_counter() - started) * 1000)
                    return
                if data.get("status") not in (None, "received"):
                    problems.append(f"event {event_id}: {data.get('status')} without a deal: {data.get('reason')}")
                    return
                polls[0] += 1
                # Backing off (5% of the wait so far) keeps the polling from loading an overloaded service.
                await asyncio.sleep(max(POLL_SECONDS, 0.05 * (time.perf_counter() - started)))

        async def client() -> None:
            connection = _RawConnection(base)
            try:
                while not queue.empty():
                    index, body = queue.get_nowait()
                    started = time.perf_counter()
                    if rate:
                        # An open load: the i-th response is due at i / rate. Late sends (every client busy) are
                        # timed from when they were due, so that a stalled service cannot hide its backlog.
                        due = t0 + index / rate
                        if due > started:
                            await asyncio.sleep(due - started)
                        started = due
                    status, text = await connection.post(f"/api/v1/intake/{slug}?token={token}", body)
                    answered_ms.append((time.perf_counter() - started) * 1000)
                    statuses[status] += 1
                    if status != 202:
                        problems.append(f"delivery {index}: HTTP {status} {text[:200]}")
                        continue
                    event_id = json.loads(text)["event"]
                    event_ids.append(event_id)
                    if index % sample_every == 0:
                        sampled.append(event_id)
                        pollers.append(asyncio.create_task(watch(event_id, started)))
            finally:
                await connection.close()

        first, t0 = time.time(), time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        accepted_at = time.time()
        await asyncio.gather(*pollers)
    return {"first": first, "accepted_at": accepted_at, "statuses": statuses, "event_ids": event_ids,
            "visible_ms": visible_ms, "problems": problems, "sampled": sampled,
            "answered_ms": answered_ms,
            "polls": polls[0]}


class _RawConnection:
    """A minimal HTTP/1.1 keep-alive client for the deliveries: httpx costs more CPU per request than the endpoint
    it measures, and the load generator shares the two cores with the service."""

    def __init__(self, base: str):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict) -> tuple[int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body, ensure_ascii=False).encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n".encode() + data
        )
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        text = (await self.reader.readexactly(length)).decode() if length else ""
        if close:
            await self.close()
        return status, text

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (read from /proc; 0 where it cannot be read)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _cpu_by_part(service: "Service") -> dict[str, float]:
    """CPU seconds so far of the web server, the worker(s), this process (the clients) and the database server."""
    parts = {"gunicorn": 0.0, "huey": 0.0}
    for proc in service.procs:
        name = "gunicorn" if "gunicorn" in proc.args[0] else "huey"
        parts[name] += _cpu_seconds(_tree(proc.pid))
    parts["bench clients"] = sum(os.times()[:2])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                           "pg_backend_pid()")
            parts["postgres backends"] = _cpu_seconds([row[0] for row in cursor.fetchall()])
    return parts



def run(*, n: int, clients: int, web_workers: int = 2, web_threads: int = 8, huey_workers: int = 2,
        huey_processes: int = 1, queue: str = "sqlite", rate: float | None = None) -> dict:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    bodies, people = payloads(n, seed=11 if rate is None else 12)  # other people in each run
    api_token, slug, token = _setup()
    contacts_before, deals_before = Contact.objects.count(), Deal.objects.count()
    service = Service(web_workers=web_workers, web_threads=web_threads, huey_workers=huey_workers,
                      huey_processes=huey_processes, queue=queue)
    print(f"\nIntake: {n:,} responses ({people:,} people, {n - people:,} repeats), {clients} clients; "
          f"gunicorn {web_workers} × {web_threads} threads, Huey {huey_processes} process(es) × {huey_workers} "
          f"threads, queue on {queue}; " + (f"an open load of {rate:g} responses/s" if rate else "as fast as they go"))
    try:
        base = service.start()
        cpu_before = _cpu_by_part(service)
        sent = asyncio.run(_send_all(base, slug, token, api_token, bodies, clients, rate))
        events = InboundEvent.objects.filter(pk__in=sent["event_ids"])
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while events.filter(status=InboundEvent.Status.RECEIVED).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        connection.close()  # a fresh read, not a snapshot
        last = events.aggregate(last=Max("processed_at"))["last"]
        cpu = {k: v - cpu_before.get(k, 0.0) for k, v in _cpu_by_part(service).items()}
    finally:
        service.stop()
    by_status = dict(events.values_list("status").annotate(n=Count("id")).order_by("status"))
    accepted = sent["statuses"][202]
    elapsed = (last.timestamp() - sent["first"]) if last else float("nan")
    contacts = Contact.objects.count() - contacts_before
    deals = Deal.objects.count() - deals_before
    lost = accepted - sum(v for k, v in by_status.items() if k != InboundEvent.Status.RECEIVED)
    figures = {
        "accepted_per_s": accepted / (sent["accepted_at"] - sent["first"]),
        "leads_per_s": accepted / elapsed,
        "p50_ms": statistics.median(sent["visible_ms"]) if sent["visible_ms"] else float("nan"),
        "p99_ms": percentile(sent["visible_ms"], 0.99),
        "lost": lost,
    }
    print(f"{'accepted at the endpoint':<44}{figures['accepted_per_s']:>10.0f} /s  "
          f"({accepted:,} × 202 in {sent['accepted_at'] - sent['first']:.1f} s; HTTP {dict(sent['statuses'])})")
    print(f"{'processed end to end (sustained)':<44}{figures['leads_per_s']:>10.0f} leads/s  "
          f"(first request → last event processed: {elapsed:.1f} s)")
    print(f"{'request → deal visible through the API':<44}{'p50':>6} {figures['p50_ms']:.0f} ms   "
          f"p99 {figures['p99_ms']:.0f} ms   max {max(sent['visible_ms'], default=float('nan')):.0f} ms   "
          f"(n={len(sent['visible_ms'])}, {sent['polls']:,} polls)")
    answered = sent["answered_ms"]
    print(f"{'  of which request → 202 answered':<44}{'p50':>6} {statistics.median(answered):.0f} ms   "
          f"p99 {percentile(answered, 0.99):.0f} ms   max {max(answered):.0f} ms   (every request)")
    waits = [(done - got).total_seconds() * 1000 for got, done in
             events.filter(pk__in=sent["sampled"]).values_list("received_at", "processed_at") if done]
    if waits:
        print(f"{'  of which stored → processed (worker)':<44}{'p50':>6} {statistics.median(waits):.0f} ms   "
              f"p99 {percentile(waits, 0.99):.0f} ms   max {max(waits):.0f} ms")
    print(f"{'new contacts / deals':<44}{contacts:>10,} / {deals:,}   (expected {people:,} / {people:,})")
    print(f"{'events by status':<44}{'':>10}{by_status}")
    verdict = "none lost" if lost == 0 and by_status.get("received", 0) == 0 else f"{lost} NOT PROCESSED"
    print(f"{'every accepted event processed':<44}{'':>10}{verdict}")
    per_lead = sum(cpu.values()) * 1000 / accepted
    print(f"{'CPU per lead (ms; all parts)':<44}{per_lead:>10.1f}   "
          + ", ".join(f"{k} {v * 1000 / accepted:.1f}" for k, v in cpu.items())
          + f"\n{'  → ceiling with 2 cores, if nothing else ran':<44}{2000 / per_lead:>10.0f} leads/s"
          f"   (machine load average now {os.getloadavg()[0]:.1f})")
    for problem in sent["problems"][:10]:
        print("problem:", problem)
    if len(sent["problems"]) > 10:
        print(f"problem: … and {len(sent['problems']) - 10} more")
    service.cleanup()
    return figures
