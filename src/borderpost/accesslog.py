"""The server's access log keeps each request's path and drops its query string.

A query string can carry personal data (a name searched, a plate filtered on, a birth date),
and the access log is kept and shipped by people who are not cleared to see it. The paths of
our routes carry only codes and ids, so the path stays and whatever follows ``?`` is dropped,
on every route: one rule, no list of routes to keep up to date.

``borderpost serve`` passes :func:`log_config` to uvicorn; ``create_app`` also calls
:func:`install` so a server started some other way (``uvicorn --factory``, gunicorn) gets the
filter too.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

__all__ = ["ACCESS_LOGGER", "DropQueryString", "install", "log_config"]

ACCESS_LOGGER = "uvicorn.access"


class DropQueryString(logging.Filter):
    """Cuts the query string off the path of an access log record (uvicorn's arguments are
    client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Put the filter on the access logger, once."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, DropQueryString) for f in logger.filters):
        logger.addFilter(DropQueryString())


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the filter on its access logger."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_string"] = {"()": DropQueryString}
    config["loggers"][ACCESS_LOGGER]["filters"] = ["drop_query_string"]
    return config
