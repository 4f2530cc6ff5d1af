import os
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsroom.demo import demo_load


class Command(BaseCommand):
    help = "Load the reference photo story and an admin account. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create the admin account."
        )

    def handle(self, *args, no_admin=False, **options):
        article, created = demo_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo story: {article.headline}"))
        else:
            self.stdout.write(f"The demo story is already loaded: {article.get_absolute_url()}")
        if not no_admin:
            self._ensure_admin()

    def _ensure_admin(self) -> None:
        User = get_user_model()
        username = User.normalize_username(os.environ.get("DEMO_ADMIN_USERNAME", "").strip())
        username = username or "admin"
        try:
            # The rules of the log-in form's own user names, length included.
            User._meta.get_field(User.USERNAME_FIELD).clean(username, None)
        except ValidationError as refused:
            raise CommandError(f"DEMO_ADMIN_USERNAME: {' '.join(refused.messages)}") from None
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin account '{username}' already exists; password unchanged.")
            return
        given = os.environ.get("DEMO_ADMIN_PASSWORD", "")
        if given and not given.strip():
            raise CommandError("DEMO_ADMIN_PASSWORD: it is blank; leave it unset for a random one.")
        if given:
            # The rules every other password meets: this account may do anything.
            try:
                password_validation.validate_password(given, User(username=username))
            except ValidationError as refused:
                raise CommandError(f"DEMO_ADMIN_PASSWORD: {' '.join(refused.messages)}") from None
        password = given or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        shown = "(from DEMO_ADMIN_PASSWORD)" if given else password
        self.stdout.write(self.style.SUCCESS(f"Admin account: {username} / {shown}"))
