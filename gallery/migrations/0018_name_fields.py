"""Names (who made or said something) keep no direction controls: the field, and
the names saved before it, cleaned."""

from django.db import migrations

import gallery.text
from gallery.text import clean_saved_text


def clean(apps, schema_editor):
    clean_saved_text(
        apps, schema_editor.connection, ["gallery.Credit", "gallery.Photo"], names_only=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0017_web_address_field"),
    ]

    operations = [
        migrations.AlterField(
            model_name="credit",
            name="account",
            field=gallery.text.NameField(
                blank=True,
                help_text="The account or channel exactly as shown, e.g. @V_Zelenskiy_official.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="credit",
            name="creator",
            field=gallery.text.NameField(
                blank=True, help_text="The photographer's name, when known.", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="credit",
            name="line",
            field=gallery.text.NameField(
                db_index=True, editable=False, max_length=300, verbose_name="credit line"
            ),
        ),
        migrations.AlterField(
            model_name="credit",
            name="line_override",
            field=gallery.text.NameField(
                blank=True,
                help_text="Leave empty to build the credit line from the parts above.",
                max_length=300,
                verbose_name="credit line (override)",
            ),
        ),
        migrations.AlterField(
            model_name="credit",
            name="platform",
            field=gallery.text.NameField(
                blank=True,
                help_text="Where it was published: Telegram, YouTube, X, Facebook… For agency and handout credits, the organisation's name.",
                max_length=100,
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="creator",
            field=gallery.text.NameField(
                blank=True, help_text="Photographer or author named in the file.", max_length=200
            ),
        ),
        migrations.RunPython(clean, migrations.RunPython.noop),
    ]
