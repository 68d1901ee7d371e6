"""Load test: POST /api/v1/chat over the full ../shared/kb, against gunicorn on 127.0.0.1, with wrk.

    .venv/bin/python benchmarks/load_test.py                 # 16 connections for 60 s (the README figures)
    .venv/bin/python benchmarks/load_test.py --duration 10   # a shorter run
    .venv/bin/python benchmarks/load_test.py --proxy         # through ./run prod's set-up: nginx in front
    .venv/bin/python benchmarks/load_test.py --redis --compare  # direct gunicorn, then through nginx, one command

Starts its own gunicorn (./run prod's gunicorn.conf.py) on a free loopback port, warms it up, runs wrk
(Debian package; installed with apt-get when missing and running as root) with benchmarks/chat_load.lua, which
checks every response: status 200, a known answer kind, zero citations whose audience is not "patient".
Prints throughput, p50/p95/p99, the error count, the audience-leak count and the memory of each gunicorn
process, and writes them as JSON to benchmarks/results/. Exits 1 when any request failed or leaked, 0 when the
library is absent (skipped, with a message). Rate limits are off for the run: all traffic comes from one address.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KB = REPO.parent / "shared" / "kb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (Debian package)", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed: apt-get install wrk")
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """Rss, Pss (shared pages divided among the processes sharing them) and private memory of one process."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty"):
            out[key] = int(rest.split()[0])
    return out


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def gunicorn_master(pid: int, proxy: bool) -> int:
    """The gunicorn master: the server process itself, or (with --proxy) service.prod's gunicorn child."""
    if not proxy:
        return pid
    for child in children(pid):
        if b"gunicorn" in Path(f"/proc/{child}/cmdline").read_bytes():
            return child
    sys.exit("service.prod has no gunicorn child")


def compare(args: argparse.Namespace) -> int:
    """Direct gunicorn, then the same through nginx: one command, both results printed and written."""
    argv = [a for a in sys.argv[1:] if a not in ("--compare", "--proxy")]
    status = 0
    for extra in ([], ["--proxy"]):
        print(f"=== {'through nginx (--proxy)' if extra else 'gunicorn directly'} ===", flush=True)
        status |= subprocess.run([sys.executable, __file__, *argv, *extra]).returncode
    return status


def post(base: str, message: str) -> dict:
    req = urllib.request.Request(
        base + "/api/v1/chat", json.dumps({"message": message}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=KB)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--pace",
        type=float,
        default=0,
        help="answers/s to offer instead of as many as possible: each connection waits connections/pace s "
        "between a response and its next request (think time); 0: no waiting (saturation)",
    )
    parser.add_argument("--access-log", choices=("on", "off"), default="on")
    parser.add_argument(
        "--redis",
        action="store_true",
        help="start a private redis-server on loopback and serve with CQA_REDIS_URL, rate limits on (with a "
        "limit too high to reach) so that every request also counts in Redis",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="serve with ./run prod's set-up (python -m service.prod): nginx on the public port, gunicorn behind "
        "it on a private loopback port, TRUSTED_PROXIES=1; without it, wrk talks to gunicorn directly",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run twice, one after the other: gunicorn directly, then through nginx (--proxy); both results written",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="default: benchmarks/results/chat_load[_redis][_proxy].json"
    )
    args = parser.parse_args()
    if args.compare:
        return compare(args)
    if args.out is None:
        name = "chat_load" + ("_redis" if args.redis else "") + ("_proxy" if args.proxy else "") + ".json"
        args.out = REPO / "benchmarks" / "results" / name
    if not args.corpus.is_dir():
        print(f"SKIPPED: the library is not at {args.corpus}; the load test needs ../shared/kb beside the repository")
        return 0
    if not 1 <= args.duration <= 600:
        sys.exit("--duration must be between 1 and 600 seconds")
    wrk = ensure_wrk()
    python = Path(sys.executable)
    print("building/checking the index ...", flush=True)
    subprocess.run(
        [python, "-m", "service", "index", "--corpus", str(args.corpus)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="cqa-load-"))
    env = {
        **os.environ,
        "CQA_CORPUS_DIR": str(args.corpus),
        "CQA_BIND": f"127.0.0.1:{port}",
        "CQA_WORKERS": str(args.workers),
        "CQA_THREADS": str(args.threads),
        "CQA_RATE_LIMIT_ENABLED": "false",
        "CQA_ACCESS_LOG": "true" if args.access_log == "on" else "false",
        "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"),
    }
    redis_proc = None
    if args.redis:
        redis_port = free_port()
        redis_bin = shutil.which("redis-server") or sys.exit(
            "redis-server is not installed: apt-get install redis-server"
        )
        redis_proc = subprocess.Popen(
            [
                redis_bin,
                str(REPO / "deploy" / "redis.conf"),  # the shipped configuration: memory cap and eviction
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(work),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        env.update(
            {
                "CQA_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "CQA_RATE_LIMIT_ENABLED": "true",
                "CQA_RATE_LIMIT_CHAT": "100000000/minute",
            }
        )
    log_path = work / "gunicorn.log"
    if args.proxy:
        env["CQA_RUN_DIR"] = str(work / "run")
        command = [str(python), "-m", "service.prod"]
    else:
        command = [str(python.with_name("gunicorn")), "-c", "gunicorn.conf.py", "service.wsgi:app"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    try:
        for _ in range(600):  # up to 60 s to load the index
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not become ready; log: " + str(log_path))
        for _ in range(50):  # warm-up: every worker has answered before measuring
            post(base, "What is Reblozyl used for?")
        master = gunicorn_master(server.pid, args.proxy)
        mem_before = {pid: memory_kib(pid) for pid in [master, *children(master)]}
        load_before = os.getloadavg()  # the machine may be shared: other work running skews the figures

        cmd = [
            wrk,
            f"-t{args.wrk_threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(REPO / "benchmarks" / "chat_load.lua"),
            base,
            "--",
            str(int(1000 * args.connections / args.pace) if args.pace else 0),
        ]
        print("running: " + " ".join(cmd), flush=True)
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
        print(run.stdout)
        line = next((ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            print(run.stderr, file=sys.stderr)
            sys.exit("wrk printed no RESULT line")
        result = json.loads(line[len("RESULT ") :])
        load_after = os.getloadavg()
        workers = children(master)
        memory = {"master": memory_kib(master), "workers": [memory_kib(pid) for pid in workers]}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if redis_proc is not None:
            redis_proc.kill()
            redis_proc.wait(timeout=10)

    seconds = result["duration_us"] / 1e6
    errors = result["non200"] + sum(result["socket_errors"].values()) + result["status_errors"] + result["bad_kind"]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}",
        "cpu": next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "unknown",
        ),
        "library": str(args.corpus),
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread", "preload": True},
        "connections": args.connections,
        "pace_answers_per_s": args.pace or None,
        "duration_s": round(seconds, 1),
        "requests": result["requests"],
        "answers_per_s": round(result["requests"] / seconds, 1),
        "latency_ms": {k: round(v / 1000, 2) for k, v in result["latency_us"].items()},
        "errors": errors,
        "error_rate": errors / max(1, result["requests"]),
        "responses_checked": result["responses_checked"],
        "citations_checked": result["citations_checked"],
        "audience_leaks": result["audience_leaks"],
        "kinds": {"answer": result["answers"], "no_answer": result["no_answers"]},
        "memory_kib": memory,
        "memory_kib_before_load": mem_before,
        "access_log": args.access_log,
        "redis": args.redis,
        "proxy": "nginx (deploy/nginx.conf, python -m service.prod)" if args.proxy else None,
        "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
        "loadavg_1_5_15_after": [round(x, 2) for x in load_after],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    lat = report["latency_ms"]
    print(
        f"{report['requests']} requests in {report['duration_s']} s: {report['answers_per_s']} answers/s; "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, max {lat['max']} ms"
    )
    print(
        f"errors: {errors} (rate {report['error_rate']:.4f}); responses checked: {report['responses_checked']}; "
        f"citations checked: {report['citations_checked']}; audience leaks: {report['audience_leaks']}"
    )
    for i, m in enumerate(memory["workers"]):
        print(
            f"worker {i}: RSS {m['Rss'] // 1024} MiB, PSS {m['Pss'] // 1024} MiB, "
            f"private {(m['Private_Clean'] + m['Private_Dirty']) // 1024} MiB"
        )
    print(f"master: RSS {memory['master']['Rss'] // 1024} MiB, PSS {memory['master']['Pss'] // 1024} MiB")
    print(f"load average before {report['loadavg_1_5_15_before']}, after {report['loadavg_1_5_15_after']}")
    print(f"written to {args.out}")
    return 1 if errors or report["audience_leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
