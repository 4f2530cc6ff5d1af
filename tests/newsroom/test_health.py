import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "storage": True,
    }
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_healthz_is_503_and_names_the_broken_part(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False and checks["storage"]["error"]
    assert checks["database"]["ok"] is True


def test_renditions_are_served_with_far_future_caching(demo_story, client):
    rendition = demo_story.slides.first().photo.renditions.first()
    response = client.get(rendition.file.url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
