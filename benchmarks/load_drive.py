"""The load benchmark's clients (benchmarks/load.py): signed-in sessions over keep-alive
HTTP connections, the mix of requests, the closed and the open loop, and their figures.

Standard library only and no Django, so that a client process stays light; load.py runs
one or more of these processes (`process_main`) and merges what they return.

- Closed loop: a thread per client, each with its own session and keep-alive connection,
  requesting without pause until the count or the time is reached.
- Open loop: arrivals on a fixed schedule (the i-th at t0 + i/rate, spread over the
  processes), each handed to a pool of threads that grows when all are busy, so that no
  arrival waits for an earlier answer; a request's time counts from its scheduled
  arrival, so a late start is not hidden.
- A request that gets no answer within the time-out is counted as a time-out, its
  connection dropped and a new one opened for the next.
"""

import http.client
import json
import os
import queue
import random
import threading
import time
from collections import Counter, defaultdict
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

PASSWORD = "giaoban-demo-2026"  # the demo's, public (giaoban/shell/demo.py)
FORM = "application/x-www-form-urlencoded"
UNREAD = "chưa đọc được".encode()  # a save that could not read a box says so

# What each role requests, and how often (relative weights). A kind that needs a report
# in the right state (save, submit, accept …) is drawn again among the role's pages when
# none is free. The province leader decides on the reports of its cell's communes.
MENUS = {
    "xa.canbo": {
        "home": 2, "fill": 3, "autosave": 6, "save": 2, "register": 1, "document": 1,
        "activities": 1, "conference": 0.5, "campaign": 0.5, "units": 0.5, "task-update": 0.5,
    },
    "xa.lanhdao": {
        "home": 2, "submit": 4, "fill": 2, "register": 1, "document": 1, "conference": 1,
        "campaign": 0.5, "units": 0.5,
    },
    "tinh.lanhdao": {
        "home": 2, "inbox": 1, "accept": 3, "return": 1.5, "reopen": 1.5, "rollup": 2,
        "dashboard": 2, "progress": 2, "units": 1, "conference": 1, "campaign": 0.5,
        "register": 0.5, "rollup-national": 0.5, "dashboard-national": 0.5,
        "progress-national": 0.5,
    },
    "tinh.canbo": {
        "home": 2, "api-values": 1, "task-update": 1, "fill": 1, "rollup": 1, "progress": 1,
        "register": 1, "document": 1, "conference": 1, "units": 1, "activities": 0.5,
    },
    "bo": {
        "home": 2, "rollup": 2, "dashboard": 2, "progress": 2, "units": 1, "register": 1,
        "document": 1, "conference": 1, "campaign": 1, "activities": 1, "rollup-national": 1,
        "dashboard-national": 1, "progress-national": 1,
    },
}  # fmt: skip
WORKFLOW = ("save", "autosave", "submit", "accept", "return", "reopen")
EXPECTED = {
    "submit": 302,
    "accept": 302,
    "return": 302,
    "reopen": 302,
    "task-update": 302,
}  # anything else: 200


class Outcome(Exception):
    """A request that did not get its expected answer (the text is what it got)."""


# ---------------------------------------------------------------------------- HTTP


class Connection:
    """One keep-alive HTTP/1.1 connection, opened again when the server has closed it."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, method, path, body=None, headers=None):
        """(status, response, body bytes); raises TimeoutError or OSError."""
        for attempt in (0, 1):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
            except TimeoutError:
                self.close()
                raise
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if fresh or attempt:
                    raise
                continue  # the server had closed this idle connection: once more, on a new one
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            if response.will_close:
                self.close()
            return response.status, response, data
        raise AssertionError("unreachable")


class Session:
    """A signed-in user's cookies (session, CSRF, messages), as a browser keeps them."""

    def __init__(self, username):
        self.username = username
        self.cookies = {}
        self.lock = threading.Lock()  # in the open loop, requests of a session overlap

    def headers(self, extra=None):
        out = {"User-Agent": "giaoban-load"}
        with self.lock:
            if self.cookies:
                out["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        out.update(extra or {})
        return out

    def absorb(self, response):
        for line in response.headers.get_all("Set-Cookie") or ():
            jar = SimpleCookie()
            try:
                jar.load(line)
            except CookieError:
                continue
            with self.lock:
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    @property
    def csrf(self):
        return self.cookies.get("csrftoken", "")

    def form(self, fields):
        return urlencode({"csrfmiddlewaretoken": self.csrf, **fields}).encode()


def sign_in(conn, session, login_url):
    """The login page, then the form posted: (page seconds, post seconds). Raises Outcome."""
    started = time.perf_counter()
    status, response, _body = conn.send("GET", login_url, headers=session.headers())
    session.absorb(response)
    if status != 200 or not session.csrf:
        raise Outcome(f"login page HTTP {status}")
    page = time.perf_counter()
    body = session.form({"username": session.username, "password": PASSWORD})
    status, response, _body = conn.send(
        "POST", login_url, body, session.headers({"Content-Type": FORM})
    )
    session.absorb(response)
    location = response.getheader("Location") or ""
    if status != 302 or location.startswith(login_url) or "sessionid" not in session.cookies:
        raise Outcome(f"login HTTP {status} → {location or '—'}")
    return page - started, time.perf_counter() - page


# ---------------------------------------------------------------------------- reports' state


class Desk:
    """A report going round the workflow, as the clients of its cell know it: editing
    (a draft or returned report, maybe half-typed), saved (complete and valid), submitted,
    accepted; busy while one of them has a request on it in flight."""

    def __init__(self, spec):
        self.spec = spec
        self.status = "editing" if spec["status"] == "draft" else spec["status"]
        self.busy = False
        self.saves = 0  # full saves done: the next one writes sets[saves % 2]

    def fields(self):
        return self.spec["sets"][self.saves % 2]


class Board:
    """The desks of one client process, and who may take which (one lock)."""

    NEEDS = {
        "save": ("editing", "saved"),
        "autosave": ("editing", "saved"),
        "submit": ("saved",),
        "accept": ("submitted",),
        "return": ("submitted",),
        "reopen": ("accepted",),
    }
    AFTER = {
        "save": "saved",
        "autosave": "editing",
        "submit": "submitted",
        "accept": "accepted",
        "return": "editing",
        "reopen": "editing",
    }

    def __init__(self, desks, rng):
        self.lock = threading.Lock()
        self.desks = {code: Desk(spec) for code, spec in desks.items()}
        self.rng = rng

    def take(self, kind, client):
        with self.lock:
            if kind in ("accept", "return", "reopen"):
                found = [
                    d
                    for d in self.desks.values()
                    if d.spec["cell"] == client.spec.get("cell")
                    and not d.busy
                    and d.status in self.NEEDS[kind]
                ]
                desk = self.rng.choice(found) if found else None
            else:
                desk = self.desks.get(client.spec.get("desk"))
                if desk is None or desk.busy or desk.status not in self.NEEDS[kind]:
                    desk = None
            if desk is not None:
                desk.busy = True
            return desk

    def release(self, desk, kind, ok):
        with self.lock:
            desk.busy = False
            if not ok:
                desk.status = "broken"  # not taken again: its state is no longer known
                return
            desk.status = self.AFTER[kind]
            if kind == "save":
                desk.saves += 1


# ---------------------------------------------------------------------------- a client


class Job:
    def __init__(self, kind, method, path, body=None, headers=None, check=None, done=None):
        self.kind, self.method, self.path = kind, method, path
        self.body, self.headers, self.check, self.done = body, headers, check, done


class Client:
    """One user, signed in once: its session, and the next request of its role's mix."""

    def __init__(self, spec, board, rng, boost=1):
        self.spec, self.board, self.rng = spec, board, rng
        self.session = Session(spec["username"])
        if spec["role"] == "baseline":
            self.cycle, self.at = spec["cycle"], spec["offset"] % len(spec["cycle"])
            return
        menu = {k: w * (boost if k in WORKFLOW else 1) for k, w in MENUS[spec["role"]].items()}
        self.menu = {k: w for k, w in menu.items() if self.able(k)}
        self.pages = {k: w for k, w in self.menu.items() if k in spec["pages"]}
        # Every kind once first, each as soon as it can be done; then at random by weight.
        self.tour = list(self.menu)

    def able(self, kind):
        if kind in self.spec["pages"]:
            return bool(self.spec["pages"][kind])
        if kind in ("save", "autosave", "submit"):
            return bool(self.spec.get("desk"))
        if kind in ("accept", "return", "reopen"):
            return bool(self.spec.get("cell")) and self.spec["role"] == "tinh.lanhdao"
        if kind == "task-update":
            return bool(self.spec.get("tasks"))
        if kind == "api-values":
            return bool(self.spec.get("api"))
        return False

    def next_job(self):
        if self.spec["role"] == "baseline":
            kind, path = self.cycle[self.at]
            self.at = (self.at + 1) % len(self.cycle)
            return Job(kind, "GET", path)
        for kind in list(self.tour):
            job = self.make(kind)
            if job is not None:
                self.tour.remove(kind)
                return job
        job = self.make(self.draw(self.menu))
        return job if job is not None else self.make(self.draw(self.pages))

    def draw(self, weights):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def make(self, kind):
        pages = self.spec["pages"].get(kind)
        if pages:
            return Job(kind, "GET", self.rng.choice(pages))
        if kind in WORKFLOW:
            return self.workflow(kind)
        if kind == "task-update":
            task = self.rng.choice(self.spec["tasks"])
            return self.post(kind, task["url"], task["fields"])
        if kind == "api-values":
            api = self.spec["api"]
            body = api["bodies"][self.rng.randrange(len(api["bodies"]))].encode()
            headers = {
                "Authorization": f"Bearer {api['token']}",
                "Content-Type": "application/json",
                "User-Agent": "giaoban-load",
            }
            return Job(kind, "POST", api["url"], body, headers, check=_api_ok)
        return None

    def post(self, kind, url, fields, headers=None, check=None, done=None):
        return Job(kind, "POST", url, fields, headers, check, done)

    def workflow(self, kind):
        desk = self.board.take(kind, self)
        if desk is None:
            return None
        urls = desk.spec["urls"]

        def done(ok, desk=desk):
            self.board.release(desk, kind, ok)

        if kind == "save":
            return self.post(kind, urls["fill"], desk.fields(), check=_saved, done=done)
        if kind == "autosave":
            values = [k for k, v in desk.fields().items() if k.startswith("v-") and v]
            names = self.rng.sample(values, min(len(values), self.rng.randint(1, 3)))
            fields = {name: desk.fields()[name] for name in names}
            headers = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
            return self.post(kind, urls["fill"], fields, headers, _autosaved, done)
        fields = desk.spec["reasons"][kind] if kind in ("return", "reopen") else {}
        return self.post(kind, urls[kind], fields, done=done)

    def perform(self, job, conn):
        """Send the job on `conn` as this client; returns the outcome ("ok", or what went
        wrong)."""
        try:
            headers = dict(job.headers or {})
            body = job.body
            if job.method == "POST" and isinstance(body, dict):
                body = self.session.form(body)
                headers.setdefault("Content-Type", FORM)
            if job.kind != "api-values":
                headers = self.session.headers(headers)
            status, response, data = conn.send(job.method, job.path, body, headers)
            self.session.absorb(response)
            outcome = _judge(job, status, response, data)
        except TimeoutError:
            outcome = "time-out"
        except (OSError, http.client.HTTPException) as exc:
            outcome = f"connection: {type(exc).__name__}"
        if job.done is not None:
            job.done(outcome == "ok")
        return outcome


def _judge(job, status, response, data):
    want = EXPECTED.get(job.kind, 200)
    if status != want:
        where = response.getheader("Location") or ""
        return f"HTTP {status}" + (f" → {where}" if where else "")
    if status == 302 and "/dang-nhap/" in (response.getheader("Location") or ""):
        return "HTTP 302 → the login page (session lost)"
    if job.check is not None and not job.check(data):
        return f"HTTP {status}, unexpected answer"
    return "ok"


def _saved(data):
    return UNREAD not in data


def _autosaved(data):
    return b'"ok": true' in data


def _api_ok(data):
    try:
        return isinstance(json.loads(data).get("values_written"), int)
    except (ValueError, AttributeError):
        return False


# ---------------------------------------------------------------------------- figures


class Figures:
    """Per kind: every measured latency (ms) and every outcome; a few examples of what went
    wrong. Requests that start before `measure_from` (the warm-up) are not kept."""

    def __init__(self, measure_from):
        self.measure_from = measure_from
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.outcomes = defaultdict(Counter)
        self.examples = defaultdict(list)
        self.first = self.last = None

    def add(self, kind, start_wall, seconds, outcome, path=""):
        if start_wall < self.measure_from:
            return
        end = start_wall + seconds
        with self.lock:
            self.latency[kind].append(seconds * 1000)
            self.outcomes[kind][outcome] += 1
            if outcome not in ("ok", "time-out") and len(self.examples[kind]) < 3:
                self.examples[kind].append(f"{path}: {outcome}")
            self.first = start_wall if self.first is None else min(self.first, start_wall)
            self.last = end if self.last is None else max(self.last, end)

    def as_dict(self):
        return {
            "latency": dict(self.latency),
            "outcomes": {k: dict(v) for k, v in self.outcomes.items()},
            "examples": dict(self.examples),
            "first": self.first,
            "last": self.last,
        }


def _cpu():
    t = os.times()
    return t.user + t.system


# ---------------------------------------------------------------------------- loops


def closed_loop(clients, figures, settings, until, quota):
    """Each client requests without pause until `until` (epoch) or until the process's
    `quota` of measured requests have started."""
    lock = threading.Lock()
    started = [0]

    def run(client):
        conn = Connection(settings["host"], settings["port"], settings["timeout"])
        while True:
            now = time.time()
            if now >= until:
                break
            if now >= figures.measure_from and quota is not None:
                with lock:
                    if started[0] >= quota:
                        break
                    started[0] += 1
            job = client.next_job()
            wall, begin = time.time(), time.perf_counter()
            outcome = client.perform(job, conn)
            figures.add(job.kind, wall, time.perf_counter() - begin, outcome, job.path)
        conn.close()

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {}


class Pool:
    """Threads that take jobs from a queue, each with its own keep-alive connection; a new
    one starts whenever a job arrives and every thread is busy (up to `cap`)."""

    def __init__(self, settings, figures, cap):
        self.settings, self.figures, self.cap = settings, figures, cap
        self.jobs = queue.Queue()
        self.lock = threading.Lock()
        self.threads, self.busy, self.most_busy = [], 0, 0

    def submit(self, client, job, scheduled):
        with self.lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
            if self.busy > len(self.threads) and len(self.threads) < self.cap:
                thread = threading.Thread(target=self.work, daemon=True)
                self.threads.append(thread)
                thread.start()
        self.jobs.put((client, job, scheduled))

    def work(self):
        conn = Connection(self.settings["host"], self.settings["port"], self.settings["timeout"])
        while True:
            item = self.jobs.get()
            if item is None:
                break
            client, job, scheduled = item
            outcome = client.perform(job, conn)
            # From the scheduled arrival (wall clock): a job that waited for a thread counts
            # its wait, as a user's would.
            self.figures.add(job.kind, scheduled, time.time() - scheduled, outcome, job.path)
            with self.lock:
                self.busy -= 1
        conn.close()

    def close(self):
        for _t in self.threads:
            self.jobs.put(None)
        for t in self.threads:
            t.join()


def open_loop(clients, figures, settings, arrivals, rng):
    """Arrivals at the given epoch times, each a request of a client drawn at random."""
    pool = Pool(settings, figures, settings["pool"])
    late = 0.0
    for at in arrivals:
        pause = at - time.time()
        if pause > 0:
            time.sleep(pause)
        else:
            late = max(late, -pause)
        client = rng.choice(clients)
        pool.submit(client, client.next_job(), at)
    pool.close()
    return {"threads": len(pool.threads), "busy_max": pool.most_busy, "late_max": late}


def login_loop(names, figures, settings, arrivals, concurrency):
    """--logins: each login a new browser (a new connection and session): the page, then
    the form. On `arrivals` a thread each, started on time (none waits for another);
    without, `concurrency` clients back to back."""
    if arrivals:
        threads = []
        for name, at in zip(names, arrivals, strict=True):
            pause = at - time.time()
            if pause > 0:
                time.sleep(pause)
            threads.append(threading.Thread(target=_login_once, args=(name, figures, settings)))
            threads[-1].start()
    else:
        work = queue.Queue()
        for name in names:
            work.put(name)

        def run():
            while True:
                try:
                    name = work.get_nowait()
                except queue.Empty:
                    return
                _login_once(name, figures, settings)

        threads = [threading.Thread(target=run) for _ in range(concurrency)]
        for t in threads:
            t.start()
    for t in threads:
        t.join()
    return {}


def _login_once(name, figures, settings):
    conn = Connection(settings["host"], settings["port"], settings["timeout"])
    wall, begin = time.time(), time.perf_counter()
    try:
        page, post = sign_in(conn, Session(name), settings["login_url"])
        figures.add("login page", wall, page, "ok")
        figures.add("login", wall + page, post, "ok")
    except Outcome as exc:
        figures.add("login", wall, time.perf_counter() - begin, str(exc))
    except TimeoutError:
        figures.add("login", wall, time.perf_counter() - begin, "time-out")
    except (OSError, http.client.HTTPException) as exc:
        figures.add("login", wall, time.perf_counter() - begin, type(exc).__name__)
    conn.close()


# ---------------------------------------------------------------------------- a process


def sign_in_all(clients, settings):
    """Every client signs in before the run (8 at a time): [(page s, post s)] and failures."""
    times, failures = [], []
    todo = queue.Queue()
    for c in clients:
        todo.put(c)
    lock = threading.Lock()

    def run():
        while True:
            try:
                client = todo.get_nowait()
            except queue.Empty:
                return
            conn = Connection(settings["host"], settings["port"], settings["timeout"])
            try:
                got = sign_in(conn, client.session, settings["login_url"])
                with lock:
                    times.append(got)
            except (Outcome, OSError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(f"{client.session.username}: {exc}")
            conn.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(min(8, len(clients)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, failures


def process_main(index, share, settings, ready, go, start_at, results):
    """One client process: sign in, say ready, wait for the start, run, send the figures.

    The start (epoch) comes from load.py once every process is ready; the warm-up's
    requests are not kept, and this process's CPU is counted from the end of the warm-up."""
    rng = random.Random(f"giaoban-load|{index}")
    board = Board(share["desks"], rng)
    boost = 3 if settings["quick"] else 1
    clients = [Client(spec, board, rng, boost) for spec in share["clients"]]
    logins = sign_in_all(clients, settings) if clients else ([], [])
    ready.put((index, logins))
    go.wait()
    start = start_at.value
    measure_from = start + settings["warmup"]
    figures = Figures(measure_from)
    cpu = {}
    timer = threading.Timer(max(0.0, measure_from - time.time()), lambda: cpu.update(at=_cpu()))
    timer.start()
    pause = start - time.time()
    if pause > 0:
        time.sleep(pause)
    mode, extra = settings["mode"], {}
    if mode in ("open", "logins"):
        arrivals = schedule(settings, start, index)
    if mode == "logins":
        names = share["logins"]
        extra = login_loop(names, figures, settings, arrivals, settings["concurrency"])
    elif mode == "open":
        extra = open_loop(clients, figures, settings, arrivals, rng)
    else:
        until = measure_from + settings["seconds"]
        extra = closed_loop(clients, figures, settings, until, share.get("quota"))
    timer.join()
    out = figures.as_dict()
    out.update(extra, cpu=_cpu() - cpu["at"], index=index, clients=len(clients))
    results.put(out)


def schedule(settings, start, index):
    """This process's arrivals (epoch): the i-th of all at start + i/rate, every
    `processes`-th one from `index`; none (all at once) for logins with no window."""
    rate, total = settings["rate"], settings["arrivals"]
    if not rate:
        return None
    return [start + i / rate for i in range(index, total, settings["processes"])]
