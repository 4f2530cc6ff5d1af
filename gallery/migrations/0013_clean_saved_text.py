"""Words saved before their fields kept control characters out (0012): cleaned."""

from django.db import migrations

from gallery.text import clean_saved_text

LABELS = ["gallery.Credit", "gallery.Photo", "gallery.Redaction", "gallery.Annotation"]


def clean(apps, schema_editor):
    clean_saved_text(apps, schema_editor.connection, LABELS)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0012_plain_text"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
