"""Public pages of a petition: the page and its form, the thank-you page, confirming, count.json."""

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from campaign.coalitions.access import preview_or_404
from campaign.core import page_cache, statemap
from campaign.core.confirm_page import confirm_page
from campaign.core.i18n import speak_to_owner
from campaign.core.network import client_ip_hash
from campaign.core.text import query_text
from campaign.extensions import csrf, db
from campaign.petitions import abuse, notices, services, sign_input, signing, tally
from campaign.petitions.forms import SignForm
from campaign.petitions.models import SOURCE_MAX_LENGTH, Petition, PetitionSignature, PetitionState
from campaign.supporters.forms import consent_wording


def _by_slug_or_404(slug: str) -> Petition:
    # With its coalition, whose name the form's consent wording needs: one query, not two.
    return db.first_or_404(
        select(Petition).options(joinedload(Petition.coalition)).where(Petition.slug == slug)
    )


def public_or_404(slug: str) -> Petition:
    petition = _by_slug_or_404(slug)
    if petition.state == PetitionState.DRAFT:
        abort(404)
    return petition


def shown_or_404(slug: str) -> tuple[Petition, str | None]:
    """A page the public sees, or a draft's preview for its organizers with the link back to
    editing it (count.json and the badge, cached by others, stay public_or_404's)."""
    petition = _by_slug_or_404(slug)
    if petition.state != PetitionState.DRAFT:
        return petition, None
    return petition, preview_or_404(petition.coalition, "petitions.edit_petition", petition_id=petition.id)


def _page(petition: Petition, form: SignForm, status: int = 200, draft_preview: str | None = None):
    prepare(form, petition)
    return render_template(
        "petitions/public.html",
        petition=petition,
        form=form,
        signers=services.recent_public_signers(petition),
        draft_preview=draft_preview,
    ), status


def public_petition(slug: str):
    # One rendering every 2 s for all anonymous readers of a petition going viral (core/page_cache.py).
    return page_cache.shared_page("petition", (slug, shown_source()), lambda: _public_page(slug))


def _public_page(slug: str):
    petition, draft_preview = shown_or_404(slug)
    page = _page(petition, sign_form(petition.id, petition.coalition.name), draft_preview=draft_preview)
    return page_cache.private(page) if draft_preview else page


def prepare(form: SignForm, petition: Petition) -> None:
    """The form as shown (the page's or the widget's): stamped with when, and carrying the
    address's `?source=` unless the post brought one back."""
    form.started.data = abuse.form_stamp(petition.id, form.started.data)
    if not form.source.data:
        form.source.data = shown_source()


def shown_source() -> str:
    """The `?source=` of the address, made one line and cut to the stored length."""
    return query_text("source", SOURCE_MAX_LENGTH)


def readable_by_any_site(response: Response) -> Response:
    """Partner websites may fetch this public figure from their own pages' scripts. Only "*":
    never a site's echoed origin nor credentials, so no cookie of ours rides along and nothing
    else of ours becomes readable to them."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def sign_form(petition_id: int, coalition_name: str) -> SignForm:
    """The page's and the widget's form, with a form token for this petition: no session needed."""
    return SignForm(bound_to=petition_id, consent_wording=consent_wording(coalition_name))


@csrf.exempt  # the form's own token is checked instead of the session's
def sign(slug: str):
    # The hot path reads only what signing needs; the whole petition only to show the form again.
    target = services.sign_target(slug)
    if target is None or target.state == PetitionState.DRAFT:
        abort(404)
    if not target.is_open:
        return redirect(url_for("petitions.public_petition", slug=slug))
    signed = sign_input.read(request.form, target.id, target.coalition_name)
    if not isinstance(signed, sign_input.Signing):
        return _page(public_or_404(slug), refused_form(target.id, target.coalition_name), 400)
    sign_from(signed, target)
    db.session.commit()
    # The same page whether or not this address had signed: nobody learns who signed.
    return redirect(url_for("petitions.thanks", slug=slug, source=signed.fields["source"] or None))


def refused_form(petition_id: int, coalition_name: str) -> SignForm:
    """The form of a post sign_input refused, with its errors, to show again with what was typed."""
    form = sign_form(petition_id, coalition_name)
    form.validate()
    return form


def sign_from(signed: sign_input.Signing, petition) -> None:
    """Sign with an accepted post (the page's or the widget's): quarantined if it looks like a bot
    or this IP is over its limits, with the consent wording the signer saw if they ticked the box."""
    ip_hash = client_ip_hash()
    reason = abuse.quarantine_reason(petition.id, signed.website, signed.started, ip_hash)
    language = str(get_locale() or "en")
    signing.sign(petition, signed.fields, language, ip_hash, signed.consent_given, reason)


def thanks(slug: str):
    return render_template("petitions/thanks.html", petition=public_or_404(slug))


@csrf.exempt  # the form's own token is checked instead of the session's
def confirm(token: str):
    signature_id = notices.signature_id_for_token(token)
    signature = db.session.get(PetitionSignature, signature_id) if signature_id else None
    if signature is None:
        return render_template("petitions/confirm_unknown.html"), 404
    speak_to_owner(signature)
    if signature.confirmed_at is None and not signature.petition.is_open:
        closed = signing.Confirmation.CLOSED.value
        return render_template("petitions/confirmed.html", petition=signature.petition, outcome=closed), 410
    return confirm_page(
        token, signature, signing.confirm, signing.shown_digest, "petitions", petition=signature.petition
    )


def image(key: str):
    """By its key, not the petition's slug: a new upload gets a new key, so the image can be cached
    for good, and a draft's image cannot be found before the draft is published."""
    data = services.image_bytes(key)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def count(slug: str):
    """From the stored tallies, read once every 2 s by each process (core/page_cache.py), and
    cacheable for a few seconds by browsers and proxies."""
    return readable_by_any_site(page_cache.shared_answer("petition-count", (slug,), lambda: _count(slug)))


def _count(slug: str) -> Response:
    petition = public_or_404(slug)
    return jsonify(
        count=petition.total,
        online=petition.signature_count,
        paper=petition.paper_count,
        goal=petition.shown_goal,
        by_state=dict(tally.by_level(petition.id, "state")),
    )


def places(slug: str):
    """Signatures by state (table and tile map), or by county within one state."""
    petition, draft_preview = shown_or_404(slug)
    state = query_text("state", 2).upper()
    state = state if state in statemap.state_names() else ""
    totals = tally.place_totals(petition)
    counties = tally.by_level(petition.id, "county", f"{state}:") if state else []
    return render_template(
        "petitions/places.html",
        petition=petition,
        places=totals,
        tiles=statemap.tiles(dict(totals.by_state)),
        names=statemap.state_names(),
        state=state,
        counties=[(place.partition(":")[2], count) for place, count in counties],
        draft_preview=draft_preview,
    )
