"""Production start (`./run prod`): nginx on the public address in front of gunicorn on a private loopback port.

    python -m service.prod [gunicorn args]

- The public address is CQA_BIND (default 127.0.0.1:8000); nginx (Debian package) listens there with the
  configuration rendered from deploy/nginx.conf. nginx reads each request whole, with timeouts, before a
  worker sees it, so slow clients cannot hold gunicorn's workers (README "Production serving").
- gunicorn (gunicorn.conf.py) listens on CQA_UPSTREAM (default: a free port on 127.0.0.1), reachable only
  from this machine, and trusts X-Forwarded-For/-Proto from exactly one proxy at a loopback address
  (CQA_TRUSTED_PROXIES=1, CQA_TRUSTED_PROXY_ADDRESSES=127.0.0.1,::1), as set here unless given.
- Runtime files (pid, nginx error log, rendered config) go to CQA_RUN_DIR (default: a new temporary folder).
- SIGTERM/SIGINT stop both; SIGHUP goes to gunicorn (reload the index, new workers). If either process exits,
  the other is stopped and this command exits with its status.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import REPO_ROOT, Config, ConfigError, load_settings

TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_nginx_conf(listen: str, upstream: str, rundir: Path, max_body: int) -> str:
    """deploy/nginx.conf with its @@NAME@@ placeholders filled in."""
    for name, value in (("listen", listen), ("upstream", upstream)):
        if not value or any(c in value for c in " ;{}\n\"'$"):
            raise ConfigError(f"{name} address {value!r} is not host:port")
    text = TEMPLATE.read_text(encoding="utf-8")
    values = {"LISTEN": listen, "UPSTREAM": upstream, "RUNDIR": str(rundir), "MAX_BODY": str(int(max_body))}
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise ConfigError("deploy/nginx.conf has a placeholder this launcher does not know")
    return text


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install nginx (./run prod installs it)")
    return found


def _listening(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    settings = load_settings()
    public = os.environ.get("CQA_BIND", "127.0.0.1:8000")
    upstream = os.environ.get("CQA_UPSTREAM") or f"127.0.0.1:{free_port()}"
    rundir = Path(os.environ.get("CQA_RUN_DIR") or tempfile.mkdtemp(prefix="cqa-prod-"))
    rundir.mkdir(parents=True, exist_ok=True)
    rundir.chmod(0o755)  # nginx's workers (user nobody when started as root) use the temporary folders in it
    max_body = int(settings.get("MAX_CONTENT_LENGTH", Config.MAX_CONTENT_LENGTH))
    conf = rundir / "nginx.conf"
    conf.write_text(render_nginx_conf(public, upstream, rundir, max_body), encoding="utf-8")
    nginx = nginx_binary()
    check = subprocess.run([nginx, "-t", "-q", "-p", str(rundir), "-e", "stderr", "-c", str(conf)])
    if check.returncode:
        return check.returncode

    env = {**os.environ, "CQA_BIND": upstream}
    env.setdefault("CQA_TRUSTED_PROXIES", "1")
    env.setdefault("CQA_TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    app_proc = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", *argv, "service.wsgi:app"], cwd=REPO_ROOT, env=env)
    procs: list[subprocess.Popen] = [app_proc]

    def stop(*_: object) -> None:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM if proc is app_proc else signal.SIGQUIT)  # nginx: graceful

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, lambda *_: app_proc.send_signal(signal.SIGHUP))

    # nginx starts once gunicorn accepts connections (the index may take a while to load or build).
    while not _listening(upstream):
        if app_proc.poll() is not None:
            return app_proc.returncode or 1
        time.sleep(0.1)
    procs.append(
        subprocess.Popen([nginx, "-p", str(rundir), "-e", "stderr", "-c", str(conf), "-g", "daemon off;"], cwd=rundir)
    )
    print(f"serving on http://{public} (nginx) -> gunicorn on {upstream}; runtime files in {rundir}", flush=True)
    status = 0
    while all(proc.poll() is None for proc in procs):
        time.sleep(0.2)
    status = next(proc.returncode for proc in procs if proc.poll() is not None) or 0
    stop()
    for proc in procs:
        try:
            proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            proc.kill()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
