from django.db import migrations, models
from django.db.models import F


def number_the_trail(apps, schema_editor):
    AuditEntry = apps.get_model("newsroom", "AuditEntry")
    AuditEntry.objects.filter(article__isnull=False).update(article_number=F("article_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0032_quote_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="article_number",
            field=models.PositiveBigIntegerField(db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(number_the_trail, migrations.RunPython.noop),
    ]
