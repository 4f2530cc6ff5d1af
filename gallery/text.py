"""Words people type or paste: kept free of invisible control characters.

Text pasted from a word processor carries them (Word's soft line break is U+000B,
a page break U+000C). XML 1.0 cannot hold them, so one in a headline took the
feed down; PostgreSQL refuses NUL. A break stays a break where the text has
lines, a space where it has not; every other control character goes, and with
it nothing a reader could see.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# In a web address a tab or a line break is no more visible, nor meant.
_ADDRESS_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Also the two noncharacters XML 1.0 refuses as well.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


# Direction overrides, embeddings and isolates: in a name they make it read backwards,
# or as another name (U+202E), and the page's own direction already lays it out.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_direction_controls(value: str) -> str:
    return _DIRECTION_CONTROLS.sub("", value)


def plain_text(value, *, multiline: bool = True):
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _BREAKS.sub("\n" if multiline else " ", value))


def refuse_control_characters(value: str) -> None:
    """For web addresses, which cleaning would change: said, not mended."""
    if isinstance(value, str) and (_CONTROLS.search(value) or _ADDRESS_BREAKS.search(value)):
        raise ValidationError(
            "The address holds an invisible control character: copy it again from the "
            "browser's address bar.",
            code="control_character",
        )


# Readers follow these links: a browser opens no ftp:// address any more.
NOT_A_WEB_ADDRESS = "Give a web address starting with https:// or http://."
only_web_addresses = URLValidator(schemes=["http", "https"], message=NOT_A_WEB_ADDRESS)


class WebAddressFormField(forms.URLField):
    """A web address field that names an invisible character before Django's own
    checks do ("Null characters are not allowed.", "Enter a valid URL."), and takes
    only https:// and http:// addresses."""

    default_validators = [only_web_addresses]
    default_error_messages = {"invalid": NOT_A_WEB_ADDRESS}

    def to_python(self, value):
        # Around it, as pasted with a line break: taken off, as Django does.
        refuse_control_characters(value.strip() if isinstance(value, str) else value)
        return super().to_python(value)


class WebAddressField(models.URLField):
    """A link readers follow: https:// or http:// only, without invisible characters,
    however it is saved (a form, a bundle), each refusal said once, in our words."""

    default_validators = [refuse_control_characters, only_web_addresses]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})


class PlainFormField(forms.CharField):
    """The form's side: cleaned before Django's own check refuses a NUL, which staff
    cannot see to take out."""

    multiline = True

    def to_python(self, value):
        return plain_text(super().to_python(value), multiline=self.multiline)


class PlainTextMixin:
    multiline = True

    def to_python(self, value):
        # Also what CharField and TextField save (get_prep_value), so every way in
        # (forms, imports, bundles, scripts) is cleaned.
        return plain_text(super().to_python(value), multiline=self.multiline)

    def pre_save(self, model_instance, add):
        # The row in hand holds what was saved, as after auto_now: a message or a
        # line composed right after the save shows no character the page lacks.
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        field = super().formfield(**{"form_class": PlainFormField, **kwargs})
        field.multiline = self.multiline
        return field


class PlainCharField(PlainTextMixin, models.CharField):
    multiline = False


class PlainTextField(PlainTextMixin, models.TextField):
    pass


def _name(value):
    return without_direction_controls(value) if isinstance(value, str) else value


class NameFormField(PlainFormField):
    multiline = False

    def to_python(self, value):
        return _name(super().to_python(value))


class NameField(PlainCharField):
    """Who made or said something (a credit's account, a quote's speaker): without
    direction controls too, so "\u202eTelegram" cannot show readers another name
    than staff typed. The page's own direction lays names out."""

    def to_python(self, value):
        return _name(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})


# Rows saved before these fields: what a data migration looks for (NUL only where
# the database can hold one).
_SAVED_CONTROLS = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufffe\uffff]"


def clean_saved_text(apps, connection, labels, *, names_only: bool = False) -> None:
    """Clean the words of rows saved before their fields kept control characters out:
    reader pages showed them as boxes, and titles as broken characters. With
    `names_only`, the names saved before they kept direction controls out."""
    from django.db.models import Q

    if names_only:
        kind, pattern = NameField, _DIRECTION_CONTROLS.pattern
    else:
        kind, pattern = PlainTextMixin, _SAVED_CONTROLS
        if connection.vendor == "sqlite":
            pattern = pattern.replace(r"[\x01", r"[\x00")
    for label in labels:
        model = apps.get_model(label)
        fields = [f.name for f in model._meta.fields if isinstance(f, kind)]
        dirty = Q()
        for name in fields:
            dirty |= Q(**{f"{name}__regex": pattern})
        for row in model._default_manager.filter(dirty).iterator():
            row.save(update_fields=fields)  # Saving runs each field's to_python.
