"""The delivery packet: the letter, its targets and every approved signatory, as a page and a PDF."""

from pathlib import Path

from flask import Response, current_app, render_template

from campaign.core.outbox import utcnow
from campaign.letters import signatories
from campaign.letters.models import Letter


def _render(letter: Letter, for_pdf: bool) -> str:
    listed = signatories.public_list(letter)
    return render_template(
        "letters/packet.html",
        letter=letter,
        listed=listed,
        fingerprint=signatories.fingerprint(letter, listed),
        generated_at=utcnow(),
        for_pdf=for_pdf,
    )


def page(letter: Letter) -> str:
    """The print-friendly page (the browser's Print makes the same document as the PDF)."""
    return _render(letter, for_pdf=False)


def pdf(letter: Letter) -> Response:
    # Imported here: WeasyPrint loads Pango at import, which only this download needs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # Only data: URLs: an image link in the letter's text must not make the server fetch it.
    offline = URLFetcher(allowed_protocols=["data"])
    style = CSS(filename=str(Path(current_app.static_folder) / "css" / "packet.css"))
    document = HTML(string=_render(letter, for_pdf=True), url_fetcher=offline).write_pdf(stylesheets=[style])
    return Response(
        document,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{letter.slug}-delivery-packet.pdf"',
            "Cache-Control": "no-store",
        },
    )
