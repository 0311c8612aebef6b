"""Monitor forms. The media services re-check everything they accept."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

LANGUAGE_CHOICES = [SelectChoice("", _l("Detect automatically")), SelectChoice("kk", "Қазақша"),
                    SelectChoice("ru", "Русский"), SelectChoice("en", "English")]
TONE_CHOICES = [SelectChoice("negative", _l("negative")), SelectChoice("neutral", _l("neutral")),
                SelectChoice("positive", _l("positive"))]


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=1000)])
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=200_000)])
    outlet = StringField(_l("Outlet"), validators=[Optional(), Length(max=200)])
    url = StringField(_l("Web address (URL)"), validators=[Optional(), Length(max=2000)])
    published = DateField(_l("Publication date"), validators=[DataRequired()])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])


class UploadForm(FlaskForm):
    file = FileField(_l("File (CSV, JSON Lines, JSON or RSS/Atom)"), validators=[FileRequired()])


class ToneForm(FlaskForm):
    label = SelectField(_l("Tone"), choices=TONE_CHOICES)


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("confirm", _l("Confirm")),
                                                          SelectChoice("reject", _l("Reject"))])


class AddMentionForm(FlaskForm):
    ngo = StringField(_l("NGO (exact name, alias or #number)"), validators=[DataRequired(), Length(max=300)])
    matched = StringField(_l("Words as they appear in the article"), validators=[DataRequired(), Length(max=300)])


class OutletForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    reach = IntegerField(_l("Reach (audience per story)"), validators=[Optional(), NumberRange(min=0, max=2_000_000_000)])
    region = SelectField(_l("Home region"), validators=[Optional()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
