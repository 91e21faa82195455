"""Keep the garbage collector's full passes short while the app runs.

CPython's full pass walks every object that is tracked. After torch, the engine,
a corpus, its mistake profile and a studio's widgets are built, that is a few
hundred thousand objects, and a full pass stopped the screen for 120-160 ms
(measured in a pty: one came 0.7 s after the look-inside view opened, in the
middle of its drawing). `gc.freeze()` moves everything alive into a generation
the passes skip; it is a constant-time call, so it is made again each time a
batch of long-lived objects has been built.
"""

from __future__ import annotations

import gc


def freeze_what_is_built() -> None:
    """Let the garbage collector skip every object alive now (they live as long as the app or the screen)."""
    gc.freeze()
