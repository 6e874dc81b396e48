"""The delivery packet: the letter, its targets and every approved signatory, as a page and a PDF."""

from flask import Response, render_template

from campaign.core.outbox import utcnow
from campaign.core.pdf import pdf_response
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
    return pdf_response(_render(letter, for_pdf=True), "packet.css", f"{letter.slug}-delivery-packet.pdf")
