"""HTML to PDF with WeasyPrint, offline: documents never make the server fetch a URL."""

from pathlib import Path

from flask import Response, current_app


def pdf_response(html: str, stylesheet: str, filename: str) -> Response:
    """`stylesheet` is a file under static/css/. Only `data:` URLs load: a link or image in an
    organizer's text must not make the server fetch it."""
    # Imported here: WeasyPrint loads Pango at import, which only these downloads need.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    offline = URLFetcher(allowed_protocols=["data"])
    style = CSS(filename=str(Path(current_app.static_folder) / "css" / stylesheet))
    document = HTML(string=html, url_fetcher=offline).write_pdf(stylesheets=[style])
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
