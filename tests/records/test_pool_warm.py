"""A record pool's processes start warm: the fork server registered the fonts before forking."""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from okr.records import pool, render


def _state(_: int) -> tuple[int, int, str, bool]:  # run in a pool process
    """In a pool process, before it renders anything: what it inherited."""
    fonts_before = render._font_config.cache_info().currsize
    folder = str(render._font_config()._folder)
    return os.getpid(), fonts_before, folder, gc.get_freeze_count() > 0


def test_the_fork_server_registers_the_fonts_for_every_pool_process():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(pool.PRELOAD)  # as render_all does, if nothing started it yet
    with ProcessPoolExecutor(2, mp_context=context) as processes:
        states = list(processes.map(_state, range(8), chunksize=1))
    assert all(fonts == 1 for _pid, fonts, _folder, _frozen in states)  # no second registration
    assert len({folder for _pid, _fonts, folder, _frozen in states}) == 1  # the fork server's
    assert all(frozen for *_rest, frozen in states)


def test_the_fork_server_warms_the_static_folder_every_app_has(app):
    assert app.static_folder == render.STATIC_FOLDER
