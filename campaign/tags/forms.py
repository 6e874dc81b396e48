"""Naming a tag; putting one on the supporters selected, or taking it off."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from campaign.core.forms import AppForm, plain_text, strip_whitespace
from campaign.tags.models import NAME_MAX


class TagNameForm(AppForm):
    name = StringField(
        _l("Tag name"),
        filters=[strip_whitespace],
        validators=[DataRequired(_l("Give the tag a name.")), Length(max=NAME_MAX), plain_text],
    )
    submit = SubmitField(_l("Add the tag"))


class RenameTagForm(TagNameForm):
    """One a tag on the tags page: its prefix (`tag-<id>`) keeps each field's id unique there."""

    submit = SubmitField(_l("Rename"))


class DeleteTagForm(AppForm):
    submit = SubmitField(_l("Delete the tag"))


class TaggingForm(AppForm):
    """The selected supporters (the list's checkboxes), a tag, and which button was pressed."""

    supporters = SelectMultipleField(
        _l("Supporters"), coerce=int, validators=[DataRequired(_l("Select at least one supporter."))]
    )
    tag = SelectField(_l("Tag for the supporters selected"), validators=[InputRequired(_l("Choose a tag."))])
    # Where the organizer was in the list, to go back there: hidden, never typed.
    shown_tag = HiddenField()
    shown_page = HiddenField()
    add = SubmitField(_l("Tag"))
    remove = SubmitField(_l("Untag"))

    def __init__(self, tags, supporter_ids, *args, **kwargs):
        """`tags`: the coalition's; `supporter_ids`: the ids it may select (its own supporters)."""
        super().__init__(*args, **kwargs)
        self.tag.choices = [SelectChoice("", _l("Choose a tag…"))] + [(str(tag.id), tag.name) for tag in tags]
        self.supporters.choices = [(supporter_id, str(supporter_id)) for supporter_id in supporter_ids]
