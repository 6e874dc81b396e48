"""The forms of a policy import: the upload, then the columns, the places chosen and the apply."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from campaign.core.forms import AppForm
from campaign.policies.import_cells import FIELDS
from campaign.supporters.forms import ImportUploadForm

PICK = re.compile(r"pick-(\d{1,5})")
PICK_MAX = 300  # a place's key: "city:06001:" and a city's name


class PolicyUploadForm(ImportUploadForm):
    """The supporters' upload form; lists of policies also come tab-separated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.render_kw = {"accept": ".csv,.tsv,text/csv,text/plain"}


def _column_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Do not import"))] + [
        SelectChoice(name, label) for name, label in FIELDS.items()
    ]


class PolicyImportForm(AppForm):
    """What each column holds, and whether to check the rows again or import them. The place
    chosen for each ambiguous row is a select of its own (`picks`), since the rows are the file's."""

    columns = FieldList(SelectField(choices=_column_choices), _l("Columns"))
    publish = BooleanField(_l("Publish these entries (otherwise they stay private until you verify them)"))
    check = SubmitField(_l("Check the rows again"))
    apply = SubmitField(_l("Import the ready rows"))

    def __init__(self, *args, headers: list[str] = (), mapping: list[str] = (), **kwargs):
        if mapping:
            kwargs["data"] = {"columns": list(mapping)}
        super().__init__(*args, **kwargs)
        while len(self.columns) < len(headers):
            self.columns.append_entry("")
        del self.columns.entries[len(headers) :]  # a post with more columns than the file
        for entry, header in zip(self.columns, headers, strict=False):
            entry.label.text = header or "—"

    def validate_columns(self, field):
        chosen = [value for value in field.data if value]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_l("Each field can come from one column only."))
        if "jurisdiction" not in chosen and "state" not in chosen:
            raise ValidationError(_l("Choose the column that holds the jurisdiction or its state."))
        if "policy" not in chosen:
            raise ValidationError(_l("Choose the column that holds the policy."))

    def picks(self, formdata) -> dict[str, str]:
        """Row number -> the place chosen for it, "" for none; the preview checks each is one
        it offered."""
        found = {}
        for name, value in formdata.items():
            if (match := PICK.fullmatch(name)) and len(value) <= PICK_MAX:  # "" undoes a choice
                found[str(int(match.group(1)))] = value
        return found
