"""Words saved before their fields kept control characters out (0020): cleaned."""

from django.db import migrations

from gallery.text import clean_saved_text

LABELS = [
    "newsroom.Article",
    "newsroom.Slide",
    "newsroom.Quote",
    "newsroom.Correction",
    "newsroom.ChangeRequest",
]


def clean(apps, schema_editor):
    clean_saved_text(apps, schema_editor.connection, LABELS)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0020_plain_text"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
