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


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_objects_made_in_a_block_go_to_the_oldest_generation_without_a_collection() -> None:
    gc.collect()  # every count at zero: the first collection after the block would be a young one
    with gc_paused():
        marker = [[i] for i in range(5_000)]
    collections = gc.get_stats()[0]["collections"]
    # Without the promotion the first allocation here would start a young collection that walks
    # all 5,001 lists and leaves them in the middle generation.
    assert _in_generation(marker, 2)
    assert gc.get_stats()[0]["collections"] == collections


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
