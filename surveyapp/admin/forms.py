"""Admin forms: the NGO editor and the CSV upload. The services re-check everything they accept."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms import ValidationError as FieldError
from wtforms.validators import Length, Optional

from models import NGO, Region, db

from ..i18n import current_language
from ..services.errors import DomainError, ValidationError
from ..services.ngos import (
    MAX_DESCRIPTION, MAX_NAME, DuplicateNGOError, NGOInput, clean_bin, clean_website, sort_key,
)

SECTOR_LABELS = {
    "civil_society": _l("Civil society"), "social_support": _l("Social support"), "health": _l("Health"),
    "education": _l("Education"), "youth": _l("Youth"), "children": _l("Children"),
    "disability": _l("Disability"), "environment": _l("Environment"), "human_rights": _l("Human rights"),
    "women": _l("Women"), "elderly": _l("Older people"), "culture": _l("Culture"), "sport": _l("Sport"),
    "veterans": _l("Veterans"), "local_development": _l("Local development"), "media": _l("Media"),
    "other": _l("Other"),
}


def region_choices() -> list[tuple[str, str]]:
    """(ISO code, name in the interface language) for the 20 regions, sorted by name."""
    lang = current_language()
    regions = db.session.scalars(select(Region))
    return sorted(((r.code, r.text_in("name", lang)) for r in regions), key=lambda c: sort_key(c[1]))


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _check_bin(form: FlaskForm, field: Field) -> None:
    try:
        clean_bin(field.data)
    except ValidationError:
        raise FieldError(_("A BIN is exactly 12 digits.")) from None


def _check_website(form: FlaskForm, field: Field) -> None:
    try:
        clean_website(field.data)
    except ValidationError:
        raise FieldError(_("Enter a web address that starts with https:// or http://.")) from None


class NGOForm(FlaskForm):
    name_kk = StringField(_l("Name in Kazakh"), validators=[Optional(), Length(max=MAX_NAME)])
    name_ru = StringField(_l("Name in Russian"), validators=[Optional(), Length(max=MAX_NAME)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=MAX_NAME)])
    aliases = TextAreaField(_l("Aliases"))
    abbreviations = TextAreaField(_l("Abbreviations"))
    bin = StringField(_l("BIN (business identification number)"), validators=[_check_bin])
    sector = SelectField(_l("Sector"), choices=[SelectChoice(s, label) for s, label in SECTOR_LABELS.items()],
                         default="other")
    region = SelectField(_l("Home region"), choices=[])
    website = URLField(_l("Website"), validators=[_check_website])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = [SelectChoice("", _("National (no home region)")),
                               *(SelectChoice(code, label) for code, label in region_choices())]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not any((f.data or "").strip() for f in (self.name_kk, self.name_ru, self.name_en)):
            self.name_kk.errors.append(_("Give at least one name: Kazakh, Russian or English."))
            valid = False
        return valid

    def to_input(self) -> NGOInput:
        """The typed values as the service's input (aliases and abbreviations one per line)."""
        return NGOInput(
            name_kk=self.name_kk.data, name_ru=self.name_ru.data, name_en=self.name_en.data,
            aliases=_lines(self.aliases.data), abbreviations=_lines(self.abbreviations.data),
            bin=self.bin.data, sector=self.sector.data, region=self.region.data or None,
            website=self.website.data, description=self.description.data,
        )

    def show_error(self, exc: DomainError) -> None:
        """Put a service error next to the field it concerns (``name`` goes to the first name field)."""
        for key, message in (exc.fields or {"name_kk": exc.message}).items():
            field = getattr(self, "name_kk" if key == "name" else key, None)
            if not isinstance(field, Field):
                field = self.name_kk
            if isinstance(exc, DuplicateNGOError):
                template = _("Another NGO already has this BIN: #%(id)s %(name)s") if key == "bin" else \
                    _("Another NGO already has this name: #%(id)s %(name)s")
                message = template % {"id": exc.existing_id, "name": exc.existing_name}
            field.errors = [*field.errors, message]


def ngo_form_data(ngo: NGO) -> dict[str, Any]:
    """An NGO's current values in the form's shape, for the edit page."""
    return {
        "name_kk": ngo.name_kk, "name_ru": ngo.name_ru, "name_en": ngo.name_en,
        "aliases": "\n".join(a.alias for a in ngo.aliases if a.kind != "abbreviation"),
        "abbreviations": "\n".join(a.alias for a in ngo.aliases if a.kind == "abbreviation"),
        "bin": ngo.bin, "sector": ngo.sector, "region": ngo.region.code if ngo.region else "",
        "website": ngo.website, "description": ngo.description,
    }


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
