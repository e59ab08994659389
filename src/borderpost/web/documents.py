"""Documents to hand over: a page rendered to PDF (WeasyPrint), a chart as an SVG file.

The PDF is the page itself in the print layout (``print.html``: no menu, no forms, the
printing user and time on top), in the user's language and script; WeasyPrint lays it out
with the system's DejaVu fonts, which cover Latin, Cyrillic and Armenian.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from borderpost import clock
from borderpost.web.i18n import translations
from borderpost.web.templating import environment, language_of, render


def _fetch_nothing(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    # The print layout carries its styles and charts inline: a PDF never reaches out to a
    # URL, so nothing a record holds can make the server fetch one.
    raise ValueError(f"not fetched: {url[:80]}")


def printed_at() -> str:
    return clock.now().strftime("%Y-%m-%d %H:%M UTC")


def pdf_of(page: str) -> bytes:
    """A page of the print layout as PDF bytes; nothing is fetched from any URL."""
    from weasyprint import HTML  # heavy: imported when a PDF is asked for, not at start-up

    pdf: bytes = HTML(string=page, url_fetcher=_fetch_nothing).write_pdf()
    return pdf


def print_page(template: str, context: dict[str, Any], lang: str = "en") -> str:
    """``template`` in the print layout, outside a request (a command's PDF)."""
    return (
        environment(lang)
        .get_template(template)
        .render(
            {
                **context,
                "layout": "print.html",
                "printed_at": printed_at(),
                "me": None,
                "lang": lang,
            }
        )
    )


def pdf_download(request: Request, template: str, context: dict[str, Any], name: str) -> Response:
    """``template`` with ``context`` as an A4 PDF the browser saves as ``name``."""
    page = render(
        request, template, {**context, "layout": "print.html", "printed_at": printed_at()}
    )
    pdf = pdf_of(bytes(page.body).decode("utf-8"))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def svg_download(request: Request, chart: Any, label: str, name: str) -> Response:
    """A chart (``reports.chart``) as a stand-alone SVG file, its label in the user's language."""
    lang = language_of(request, getattr(request.state, "principal", None))
    label = translations(lang).gettext(label)
    body = (
        environment(lang).get_template("reports/_svg.html").render(chart=chart, chart_label=label)
    )
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
