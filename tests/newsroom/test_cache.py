"""The file cache used without Redis stays fast when it holds thousands of entries."""

import time

from newsroom import cache as backends


def test_the_file_cache_looks_at_its_folder_once_a_minute_and_still_culls(tmp_path, monkeypatch):
    cache = backends.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listings = []
    list_files = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or list_files())

    # A bulk save: many writes, one look at the folder (Django's looks at every write).
    for n in range(30):
        cache.set(f"key-{n}", n)
    assert len(listings) == 1
    assert len(list_files()) == 30
    assert cache.get("key-29") == 29

    # A minute on, the next write culls as Django's would.
    later = time.monotonic() + backends.FileCache.CULL_EVERY_SECONDS + 1
    monkeypatch.setattr(backends.time, "monotonic", lambda: later)
    cache.set("key-30", 30)
    assert len(list_files()) == 16
