"""The coalition's tags page, and tagging from its supporters page."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.coalitions.access import coalition_required, get_scoped_or_404
from campaign.coalitions.models import Role
from campaign.extensions import db
from campaign.tags import services
from campaign.tags.forms import DeleteTagForm, RenameTagForm, TaggingForm, TagNameForm
from campaign.tags.models import Tag

bp = Blueprint("tags", __name__)
MAX_SELECTED = 500  # ten pages of the list: more ids in one post are a crafted one


def _taken(form: TagNameForm, error: services.TagNameTaken) -> None:
    form.name.errors.append(
        _("There is already a tag named “%(name)s”: choose another name.", name=error.existing)
    )


def _rename_form(tag: Tag) -> RenameTagForm:
    return RenameTagForm(formdata=None, prefix=f"tag-{tag.id}", name=tag.name)


def _tags_page(new_form: TagNameForm, failed: tuple[int, RenameTagForm] | None = None):
    """The page, with the form that failed (the new tag's, or one tag's rename) as it was sent."""
    tags = services.tags_of(g.coalition.id)
    rename_forms = {tag.id: _rename_form(tag) for tag in tags}
    if failed:
        rename_forms[failed[0]] = failed[1]
    return render_template(
        "tags/tags.html",
        coalition=g.coalition,
        tags=tags,
        counts=services.tagged_counts(g.coalition.id),
        form=new_form,
        rename_forms=rename_forms,
    )


@bp.get("/coalitions/<slug>/tags")
@coalition_required(Role.VIEWER)
def tags():
    return _tags_page(TagNameForm(formdata=None))


@bp.post("/coalitions/<slug>/tags/new")
@coalition_required(Role.ORGANIZER)
def new_tag():
    form = TagNameForm()
    if form.validate_on_submit():
        try:
            tag = services.create_tag(g.coalition.id, form.name.data, current_user.id)
        except services.TagNameTaken as error:
            _taken(form, error)
        else:
            db.session.commit()
            flash(_("Tag “%(name)s” added.", name=tag.name), "success")
            return redirect(url_for("tags.tags", slug=g.coalition.slug))
    return _tags_page(form)


@bp.post("/coalitions/<slug>/tags/<int:tag_id>/rename")
@coalition_required(Role.ORGANIZER)
def rename_tag(tag_id: int):
    tag = get_scoped_or_404(Tag, tag_id)
    form = RenameTagForm(prefix=f"tag-{tag.id}")
    if form.validate_on_submit():
        try:
            services.rename_tag(tag, form.name.data)
        except services.TagNameTaken as error:
            _taken(form, error)
        else:
            db.session.commit()
            flash(_("Tag renamed “%(name)s”.", name=tag.name), "success")
            return redirect(url_for("tags.tags", slug=g.coalition.slug))
    db.session.rollback()  # the tag as saved, beside the name that was refused
    return _tags_page(TagNameForm(formdata=None), (tag_id, form))


@bp.route("/coalitions/<slug>/tags/<int:tag_id>/delete", methods=["GET", "POST"])
@coalition_required(Role.ORGANIZER)
def delete_tag(tag_id: int):
    """A page that says what deleting takes away, and its button: a tag is not deleted by one slip."""
    tag = get_scoped_or_404(Tag, tag_id)
    form = DeleteTagForm()
    if form.validate_on_submit():
        services.delete_tag(tag)
        db.session.commit()
        flash(
            _("Tag “%(name)s” deleted. The supporters who carried it are still on file.", name=tag.name),
            "success",
        )
        return redirect(url_for("tags.tags", slug=g.coalition.slug))
    carried = services.tagged_counts(g.coalition.id).get(tag.id, 0)
    return render_template("tags/delete.html", coalition=g.coalition, tag=tag, carried=carried, form=form)


def _own_selected() -> list[int]:
    """The posted supporter ids that are this coalition's supporters on file: the only
    ones the form accepts, so another coalition's id is refused, never tagged."""
    posted = {int(value) for value in request.form.getlist("supporters")[:MAX_SELECTED] if _is_number(value)}
    return list(db.session.scalars(services.own_supporters(g.coalition.id, posted)))


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) < 12


@bp.post("/coalitions/<slug>/supporters/tagging")
@coalition_required(Role.ORGANIZER)
def tagging():
    form = TaggingForm(services.tags_of(g.coalition.id), _own_selected())
    valid = form.validate_on_submit()
    back = url_for(
        "supporters.overview",
        slug=g.coalition.slug,
        tag=form.shown_tag.data if _is_number(form.shown_tag.data) else None,
        page=form.shown_page.data if _is_number(form.shown_page.data) else None,
    )
    if not valid:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(back)
    tag = services.tag_in(g.coalition.id, int(form.tag.data))
    if form.remove.data:
        changed = services.untag(form.supporters.data, tag)
        said = ngettext(
            "“%(tag)s” taken off %(num)d supporter.",
            "“%(tag)s” taken off %(num)d supporters.",
            changed,
            tag=tag.name,
        )
    else:
        changed = services.tag(form.supporters.data, tag, current_user.id)
        said = ngettext(
            "%(num)d supporter newly tagged “%(tag)s”.",
            "%(num)d supporters newly tagged “%(tag)s”.",
            changed,
            tag=tag.name,
        )
    db.session.commit()
    flash(said, "success")
    return redirect(back)
