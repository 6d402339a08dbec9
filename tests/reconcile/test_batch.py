"""Batch mode: the cyclic collector is paused inside ``gc_paused()`` blocks and restored after the outermost one."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from sepbots.reconcile.batch import gc_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_nested_blocks_restore_the_collector_after_the_outermost() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_in_the_block_still_restores_the_collector() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_blocks_in_two_threads_restore_once_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with gc_paused():
        release.set()
        thread.join(10)
        assert not gc.isenabled()  # the other thread's block ended, ours is still open
    assert gc.isenabled()


def test_what_the_block_built_goes_to_the_oldest_generation_without_a_collection() -> None:
    """No young collection walks the block's objects afterwards; nothing stays frozen."""
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with gc_paused():
            built = [[i] for i in range(50_000)]
        assert gc.get_freeze_count() == 0
        assert gc.get_count()[0] < 1_000
        assert any(x is built[0] for x in gc.get_objects(generation=2))
        assert collections == []
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(count)
    del built


def test_objects_someone_else_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
