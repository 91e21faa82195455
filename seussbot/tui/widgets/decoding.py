"""How the write panel decodes, and where it stops: the choices the `d` and `u` keys step through.

Sampling (at the panel's temperature), greedy (always the likeliest token) and
beam search of width 5 with no 12-gram repeated (beams loop); and stopping at
the length, or at the end of a sentence, a line or a story. The status line
names them only when they differ from the default, so that it stays one line
at 80 columns.
"""

from __future__ import annotations

from dataclasses import replace

from seussbot.writing import DECODINGS, WriteSettings

BEAM_WIDTH = 5
BEAM_NO_REPEAT = 12  # characters: long enough to allow "the the", short enough to stop "the cat sat on the cat sat on"


def next_decoding(settings: WriteSettings) -> WriteSettings:
    """sample -> greedy -> beam 5 -> sample."""
    following = DECODINGS[(DECODINGS.index(settings.decoding) + 1) % len(DECODINGS)]
    if following == "beam":
        return replace(settings, decoding="beam", beam=BEAM_WIDTH, no_repeat=BEAM_NO_REPEAT)
    return replace(settings, decoding=following, no_repeat=None)


def decoding_status(settings: WriteSettings, keys: str) -> list:
    """Content parts for the status line: the decoding and the stop, each with its key, when not the default."""
    parts: list = []
    if settings.decoding != "sample":
        parts += [f"  ·  {settings.decoding if settings.decoding == 'greedy' else f'beam {settings.beam}'} ", ("d", keys)]
    if settings.until is not None:
        parts += [f"  ·  to {settings.until} end ", ("u", keys)]
    return parts
