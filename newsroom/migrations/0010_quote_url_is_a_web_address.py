from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0009_page_cache_epoch"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="quote",
            constraint=models.CheckConstraint(
                condition=models.Q(url="")
                | models.Q(url__istartswith="https://")
                | models.Q(url__istartswith="http://")
                | models.Q(url__istartswith="ftps://")
                | models.Q(url__istartswith="ftp://"),
                name="quote_url_is_a_web_address",
                violation_error_message="The link to the original must be a web address "
                "starting with https:// or http://.",
            ),
        ),
    ]
