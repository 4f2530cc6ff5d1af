"""Words people type or paste: kept free of invisible control characters.

Text pasted from a word processor carries them (Word's soft line break is U+000B,
a page break U+000C). XML 1.0 cannot hold them, so one in a headline took the
feed down; PostgreSQL refuses NUL. A break stays a break where the text has
lines, a space where it has not; every other control character goes, and with
it nothing a reader could see.
"""

import re

from django.db import models

_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Also the two noncharacters XML 1.0 refuses as well.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def plain_text(value, *, multiline: bool = True):
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _BREAKS.sub("\n" if multiline else " ", value))


class PlainTextMixin:
    multiline = True

    def to_python(self, value):
        # Also what CharField and TextField save (get_prep_value), so every way in
        # (forms, imports, bundles, scripts) is cleaned.
        return plain_text(super().to_python(value), multiline=self.multiline)


class PlainCharField(PlainTextMixin, models.CharField):
    multiline = False


class PlainTextField(PlainTextMixin, models.TextField):
    pass
