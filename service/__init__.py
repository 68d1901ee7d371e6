"""Cancer patient-information service: cited, extractive answers from a reviewed library."""

from __future__ import annotations

__version__ = "0.1.0"


def create_app(config: object | dict | None = None):
    """Build the Flask app (an app factory); see service.web.app."""
    from .web.app import create_app as _create_app

    return _create_app(config)


__all__ = ["create_app", "__version__"]
