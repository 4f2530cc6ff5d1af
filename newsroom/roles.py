"""The desk's groups and the permissions each needs, no more.

Used by the data migration that creates the groups and by a post_migrate
re-sync (newsroom.apps), because permissions of models added later (the photo
desk's annotations, say) only exist after their own migration has run.
Permissions that do not exist yet are skipped, never invented.
"""

CRUD = ("add", "change", "delete", "view")

ROLES: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    "Editors": {
        ("newsroom", "article"): (*CRUD, "publish"),
        ("newsroom", "slide"): CRUD,
        ("newsroom", "quote"): CRUD,
        ("newsroom", "correction"): CRUD,
        ("newsroom", "auditentry"): ("view",),
        ("newsroom", "changerequest"): ("add", "change", "view"),
        ("gallery", "photo"): (*CRUD, "download", "lift"),
        ("gallery", "credit"): CRUD,
        ("gallery", "redaction"): CRUD,
        ("gallery", "annotation"): CRUD,
        ("gallery", "rendition"): ("view",),
    },
    # Reporters write stories and pick photos from the library; publishing,
    # deleting stories and appending corrections stay with the editors.
    "Reporters": {
        ("newsroom", "article"): ("add", "change", "view"),
        ("newsroom", "slide"): CRUD,
        ("newsroom", "quote"): CRUD,
        ("newsroom", "correction"): ("view",),
        # Asking the editors for a change to a story readers can see.
        ("newsroom", "changerequest"): ("add", "view"),
        ("gallery", "photo"): ("view",),
        ("gallery", "credit"): ("view",),
    },
    "Photo desk": {
        ("gallery", "photo"): (*CRUD, "download"),
        ("gallery", "credit"): CRUD,
        ("gallery", "redaction"): CRUD,
        ("gallery", "annotation"): CRUD,
        ("gallery", "rendition"): ("view",),
    },
}

# Custom permissions are named in full; the rest are "<action>_<model>".
EXTRA_CODENAMES = {
    ("gallery", "photo", "download"): "download_original",
    # Taking the warning, protected-people marks or last redaction off a public photo.
    ("gallery", "photo", "lift"): "lift_protection",
}


def codenames(app_label: str, model: str, actions: tuple[str, ...]) -> list[str]:
    return [
        EXTRA_CODENAMES.get((app_label, model, action), f"{action}_{model}") for action in actions
    ]


def roles_sync(apps) -> None:
    """Give each group exactly the permissions listed above that exist now."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for (app_label, model), actions in grants.items():
            wanted += Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames(app_label, model, actions),
            )
        group.permissions.set(wanted)
