"""Text saved through a browser before the story forms read CRLF as LF (admin/common.py
TextAreaField) has CRLF line breaks; the first untouched save would show it as changed."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

FIELDS = {
    "Article": ("standfirst", "closing_text", "protected_persons_override"),
    "Slide": ("narrative",),
    "Quote": ("text",),
    "Correction": ("text",),
}


def to_lf(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("newsroom", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}__contains": "\r\n"}).update(
                **{field: Replace(field, Value("\r\n"), Value("\n"))}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0013_slide_awaiting_credit_line"),
    ]

    operations = [migrations.RunPython(to_lf, migrations.RunPython.noop)]
