"""The browser view of ``ledger serve``: server-rendered pages over the same projections.

``mount_pages(app, store)`` adds to the JSON API's FastAPI app: the regime on a
day at ``/``, and pages under ``/view/`` for an instrument, an actor, an act,
two days compared and a search; the static assets at ``/static``; and the
interactive API docs at ``/docs`` with their assets served from the
``fastapi-offline`` package, so nothing is fetched from the internet. Pages
are Jinja2 templates (``cli/web/templates``) with autoescaping on: every text
from the record is shown as text. Pages are left out of the OpenAPI document,
which describes the JSON API only.
"""

from __future__ import annotations

from treaty_ledger.cli.web.app import mount_pages

__all__ = ["mount_pages"]
