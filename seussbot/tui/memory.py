"""Keep the garbage collector's full passes short while a screen is open, and let go after.

CPython's full pass walks every object that is tracked. After torch, the engine,
a corpus, its mistake profile and a studio's widgets are built, that is a few
hundred thousand objects, and a full pass stopped the screen for 120-160 ms
(measured in a pty: one came 0.7 s after the look-inside view opened, in the
middle of its drawing). `gc.freeze()` moves everything alive into a generation
the passes skip. Frozen objects are never collected, reference cycles included,
so a screen that froze what it built thaws it when it closes: its session, model
and widgets can then go.
"""

from __future__ import annotations

import gc


def freeze_what_is_built() -> None:
    """Let the garbage collector skip every object alive now (a constant-time call)."""
    gc.freeze()


def thaw() -> None:
    """Give every frozen object back to the collector: call when what was frozen may be dropped."""
    gc.unfreeze()
