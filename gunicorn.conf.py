"""gunicorn settings for production serving (./run prod). Every value can be overridden on the command line.

The app is loaded once in the master (preload_app) and the workers are forked from it, so the index's
NumPy arrays are shared copy-on-write instead of loaded once per worker (see README "Production serving").
"""

import glob
import logging
import os
import tempfile

bind = os.environ.get("CQA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CQA_WORKERS", "2"))
worker_class = os.environ.get("CQA_WORKER_CLASS", "gthread")  # gthread: keep-alive connections
threads = int(os.environ.get("CQA_THREADS", "1"))
preload_app = True
timeout = int(os.environ.get("CQA_WORKER_TIMEOUT", "30"))  # a request stuck this long gets its worker restarted
graceful_timeout = 30  # on HUP/TERM, running requests get this long to finish
keepalive = 5
backlog = 256
# X-Forwarded-* are the app's business (ProxyFix, only with CQA_TRUSTED_PROXIES and from
# CQA_TRUSTED_PROXY_ADDRESSES): gunicorn itself would believe X-Forwarded-Proto from 127.0.0.1 by default.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
# Production: the staff session cookie only over HTTPS unless configured otherwise (README "Staff sessions").
os.environ.setdefault("CQA_SESSION_COOKIE_SECURE", "true")
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = None  # the app writes one structured JSON line per request instead
errorlog = "-"
loglevel = "info"
# gunicorn's own messages (worker boots, reloads, timeouts) as JSON lines too, like the app's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.web.middleware.JsonFormatter"}},
    "handlers": {  # the names gunicorn's own defaults refer to
        name: {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        for name in ("console", "error_console")
    },
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False}},
}
proc_name = "cancer-answers"
pidfile = os.environ.get("CQA_PIDFILE") or None  # for `kill -HUP $(cat "$CQA_PIDFILE")` after a rebuild
control_socket_disable = True  # not used; a shared default path would clash between servers on one machine

# Prometheus: each worker writes its samples to files in one folder and /metrics sums them. The variable must
# be set before the app (and prometheus_client) is imported, which is why it is done here.
# This file is read again on HUP: the folder is set up once per master only.
if os.environ.get("CQA_METRICS_MASTER") != str(os.getpid()):
    os.environ["CQA_METRICS_MASTER"] = str(os.getpid())
    _metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not _metrics_dir:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cqa-metrics-")
    else:
        os.makedirs(_metrics_dir, exist_ok=True)
        for stale in glob.glob(os.path.join(_metrics_dir, "*.db")):
            os.unlink(stale)  # samples of a previous run would be added to this one's


def on_starting(server):
    if workers > 1 and not os.environ.get("CQA_REDIS_URL"):
        logging.getLogger("gunicorn.error").warning(
            "%d workers without CQA_REDIS_URL: each worker keeps its own conversations and rate-limit counters",
            workers,
        )


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_reload(server):
    """kill -HUP <master> after rebuilding the library: the master (which holds the preloaded app) loads the new
    index first, so the fresh workers forked from it share one copy again; old workers finish their requests."""
    from service.wsgi import app

    reloader = app.extensions.get("index_reloader")
    if reloader is not None and reloader.check(wait=True):
        server.log.info("index reloaded in the master before forking new workers")
