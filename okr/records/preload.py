"""Imported by the fork server of the record pool before it forks a pool process (pool.PRELOAD):
registers the fonts and warms WeasyPrint's caches once, so that every pool process starts warm
instead of spending 1.6 s on the 26 font faces and its first records on filling caches.

The fork server has no app: it warms the static folder the app factory gives every app (a pool
process whose app has another folder registers the fonts itself, as before). The fork server is
single-threaded, and fontconfig's and Pango's state is plain memory, so a forked copy is whole.
"""

from __future__ import annotations

import gc

from okr.records.render import STATIC_FOLDER, warm_up

warm_up(STATIC_FOLDER)
# Everything alive now lives as long as the pool: the collector need not walk it again in any
# pool process (and copy-on-write keeps it shared).
gc.collect()
gc.freeze()
