"""The staff log-in: guessing stops after a few failures; strangers cannot lock staff out."""

import time

import pytest
from django.db.models import F

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PAUSED = "Too many failed log-ins from here"


@pytest.fixture(autouse=True)
def _few_failures(settings):
    settings.ADMIN_LOGIN_FAILURES = 3


@pytest.fixture
def editor():
    return make_user(role="Editors", username="ed")


def log_in(client, username: str, password: str, address: str = "203.0.113.7", **headers):
    """Post the log-in form; the page the person sees next (a redirect when in)."""
    client.logout()
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def said(response) -> str:
    """What the log-in form says above its fields."""
    return " ".join(response.context["form"].non_field_errors()) if response.context else ""


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_after_a_few_wrong_passwords_even_the_right_one_waits(client, editor):
    for _ in range(3):
        wrong = log_in(client, "ed", "guess")
        assert said(wrong).startswith("Please enter the correct username and password")
    paused = log_in(client, "ed", "pw")
    assert not logged_in(paused)
    assert paused.status_code == 200
    assert said(paused) == (
        f"{PAUSED}. For your account's safety, log-in is paused: try again in 15 minutes. "
        "If you have forgotten your password, ask an administrator to reset it."
    )
    assert paused.context["form"]["username"].value() == "ed"  # What was typed stays.


def test_a_stranger_guessing_cannot_lock_an_editor_out(client, editor):
    for _ in range(5):
        log_in(client, "ed", "guess", address="198.51.100.66")
    assert logged_in(log_in(client, "ed", "pw", address="203.0.113.7"))


def test_one_address_trying_many_accounts_is_paused_for_all_of_them(client, editor):
    # Three wrong passwords for each of four accounts: 12, the limit for one address.
    for name in ["anna", "ben", "carla", "dev"]:
        for _ in range(2):
            log_in(client, name, "guess")
    assert logged_in(log_in(client, "ed", "pw"))  # 8 failures: still fine.
    for name in ["finn", "gus", "hal", "ida"]:
        log_in(client, name, "guess")
    assert PAUSED in said(log_in(client, "ed", "pw"))


def test_logging_in_clears_the_count_of_earlier_typos(client, editor):
    for _ in range(2):
        log_in(client, "ed", "typo")
    assert logged_in(log_in(client, "ed", "pw"))
    for _ in range(2):
        log_in(client, "ed", "typo")
    assert logged_in(log_in(client, "ed", "pw"))


def test_the_pause_ends(client, editor, settings):
    settings.ADMIN_LOGIN_LOCK_SECONDS = 1
    for _ in range(3):
        log_in(client, "ed", "guess")
    assert "try again in 1 minute." in said(log_in(client, "ed", "pw"))
    time.sleep(1.1)
    assert logged_in(log_in(client, "ed", "pw"))


def test_behind_a_proxy_each_reader_is_told_apart_by_the_address_the_proxy_saw(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    for n in range(3):
        # A guesser makes up a different leftmost entry each time; the proxy appends the truth.
        log_in(client, "ed", "guess", proxy, x_forwarded_for=f"192.0.2.{n}, 198.51.100.66")
    fooled = log_in(client, "ed", "pw", proxy, x_forwarded_for="192.0.2.99, 198.51.100.66")
    assert PAUSED in said(fooled)
    # The editor, behind the same proxy, is someone else.
    assert logged_in(log_in(client, "ed", "pw", proxy, x_forwarded_for="203.0.113.7"))


def test_without_trusted_proxies_a_made_up_forwarded_address_changes_nothing(client, editor):
    for n in range(3):
        log_in(client, "ed", "guess", "198.51.100.66", x_forwarded_for=f"192.0.2.{n}")
    assert PAUSED in said(log_in(client, "ed", "pw", "198.51.100.66"))


def test_failures_spread_over_the_lock_time_still_add_up(client, editor):
    from datetime import timedelta

    from newsroom.models import LoginFailure

    for _ in range(2):
        log_in(client, "ed", "guess")
    # Ten minutes pass (a guesser pacing themselves): those two still count.
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=10))
    log_in(client, "ed", "guess")
    assert said(log_in(client, "ed", "pw")).startswith(
        f"{PAUSED}. For your account's safety, log-in is paused: try again in 5 minutes."
    )


def test_attempts_arriving_together_get_no_more_password_checks_than_one_by_one(editor):
    from newsroom.admin.login import LoginThrottle

    # Started before any of them is answered, as simultaneous requests are.
    waits = [LoginThrottle("203.0.113.7", "ed").start() for _ in range(6)]
    assert [wait == 0 for wait in waits] == [True, True, True, False, False, False]


def test_an_ipv6_client_is_one_guesser_however_many_addresses_its_network_has(client, editor):
    for n in range(3):
        log_in(client, "ed", "guess", f"2001:db8:1:2::{n + 1:x}")
    assert PAUSED in said(log_in(client, "ed", "pw", "2001:db8:1:2:ffff::9"))
    assert logged_in(log_in(client, "ed", "pw", "2001:db8:1:3::1"))  # Another network.


def test_with_the_cache_down_the_pause_still_holds(client, editor, settings):
    down = {"BACKEND": "newsroom.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": down, "pages": down}
    for _ in range(3):
        log_in(client, "ed", "guess")
    assert PAUSED in said(log_in(client, "ed", "pw"))


def test_a_log_in_sent_without_a_password_does_not_clear_the_count(client, editor):
    for _ in range(2):
        log_in(client, "ed", "guess")
        log_in(client, "ed", "")  # No password checked: not a success.
    log_in(client, "ed", "guess")
    assert PAUSED in said(log_in(client, "ed", "pw"))


def test_a_port_a_proxy_writes_after_the_address_is_not_a_new_client(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for port in (51234, 51235, 51236):
        log_in(client, "ed", "guess", "10.0.0.5", x_forwarded_for=f"198.51.100.66:{port}")
    assert PAUSED in said(log_in(client, "ed", "pw", "10.0.0.5", x_forwarded_for="198.51.100.66"))
    for port in (1, 2, 3):
        log_in(client, "ed", "guess", "10.0.0.5", x_forwarded_for=f"[2001:db8::9]:{port}")
    assert PAUSED in said(log_in(client, "ed", "pw", "10.0.0.5", x_forwarded_for="2001:db8::1"))


def test_a_log_in_whose_next_is_another_site_lands_on_the_admin_home(client, editor):
    editor.set_password("right")
    editor.save()
    response = client.post(
        LOGIN, {"username": "ed", "password": "right", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_a_form_sent_without_its_token_says_what_happened_and_what_to_do():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "desk", "password": "typed"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form was not sent, and nothing was saved" in page
    assert "Go back: the browser keeps what you typed." in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
