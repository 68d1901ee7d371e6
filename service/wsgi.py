"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py service.wsgi:app` (see ./run prod).

Settings come from CQA_* environment variables and the optional CQA_CONFIG_FILE; a wrong setting
stops the server at start with one clear line instead of a traceback.
"""

from __future__ import annotations

import sys

from .config import ConfigError
from .web.app import create_app

try:
    app = create_app()
except ConfigError as exc:
    print(f"configuration error: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(2) from None
