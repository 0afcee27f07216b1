"""HTML to PDF with WeasyPrint: A4, Debian's Noto CJK fonts, nothing fetched from outside.

The stylesheet is static/css/documents.css, read from the file; the only resource a
document may load is a data: URI (the QR code), so user text can never make the renderer
fetch a file or an address.
"""

from __future__ import annotations

from flask import Response, current_app, render_template

from app.config import ROOT
from app.documents.content import Settings, wan
from app.documents.numbering import chinese_date

STYLESHEET = ROOT / "static" / "css" / "documents.css"


def settings() -> Settings:
    config = current_app.config
    return Settings(issuer=config["ISSUING_BODY"], prefix=config["DOC_PREFIX"],
                    zone=config["BABEL_DEFAULT_TIMEZONE"])


def render_pdf(template: str, **context) -> bytes:
    # Imported here: WeasyPrint loads pango and its fonts (0.4 s), which only the documents
    # need, not every command and worker that builds the app.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_template(template, wan=wan, chinese_date=chinese_date, **context)
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)])


def pdf_response(template: str, filename: str, **context) -> Response:
    """The PDF shown in the browser (inline), saved under an ASCII file name."""
    return Response(render_pdf(template, **context), mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename={filename}"})
