"""Feed entry ids minted once per story. Stories from before have none (one default
for every row would give them all one id) and keep the address their entry had."""

from django.db import migrations, models

import newsroom.models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0033_audit_keeps_the_story_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="atom_id",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.AlterField(
            model_name="article",
            name="atom_id",
            field=models.CharField(
                blank=True, default=newsroom.models.new_atom_id, editable=False, max_length=100
            ),
        ),
    ]
