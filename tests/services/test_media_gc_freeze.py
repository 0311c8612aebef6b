"""A bulk import freezes the heap for its length and unfreezes it after the last one in the process."""
from __future__ import annotations

import gc
import threading

from surveyapp.services.media.chunks import frozen_heap


def test_the_heap_is_frozen_during_an_import_and_released_after_the_last() -> None:
    gc.unfreeze()
    with frozen_heap():
        assert gc.get_freeze_count() > 0
        with frozen_heap():  # a second import in the same process (another thread)
            pass
        assert gc.get_freeze_count() > 0  # still frozen: the first is running
    assert gc.get_freeze_count() == 0


def test_the_heap_is_released_when_an_import_fails() -> None:
    gc.unfreeze()
    try:
        with frozen_heap():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_concurrent_imports_release_the_heap_once_all_are_done() -> None:
    gc.unfreeze()
    inside, leave = threading.Barrier(3), threading.Event()

    def run() -> None:
        with frozen_heap():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert gc.get_freeze_count() > 0
    leave.set()
    for t in threads:
        t.join()
    assert gc.get_freeze_count() == 0
