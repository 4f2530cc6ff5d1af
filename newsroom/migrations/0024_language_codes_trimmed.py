"""Language codes saved with whitespace around them ("en\\n", which 0022's check now
refuses) are trimmed: they went into every lang attribute, the feed and JSON-LD."""

from django.db import migrations


def trim(apps, schema_editor):
    Article = apps.get_model("newsroom", "Article")
    for article in Article.objects.filter(language__regex=r"\s").only("pk", "language"):
        article.language = article.language.strip() or "en"
        article.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0023_web_address_without_controls"),
    ]

    operations = [migrations.RunPython(trim, migrations.RunPython.noop)]
