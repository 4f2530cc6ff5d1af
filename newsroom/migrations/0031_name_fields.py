"""Names (who made or said something) keep no direction controls: the field, and
the names saved before it, cleaned."""

from django.db import migrations

import gallery.text
from gallery.text import clean_saved_text


def clean(apps, schema_editor):
    clean_saved_text(apps, schema_editor.connection, ["newsroom.Quote"], names_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0030_web_address_field"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quote",
            name="speaker",
            field=gallery.text.NameField(blank=True, help_text="Who said it.", max_length=200),
        ),
        migrations.AlterField(
            model_name="quote",
            name="speaker_role",
            field=gallery.text.NameField(
                blank=True, help_text="E.g. 'President of Ukraine'.", max_length=200
            ),
        ),
        migrations.RunPython(clean, migrations.RunPython.noop),
    ]
