"""What to train a corpus with, changed one key at a time in the library.

Every field starts at "what suits this corpus" (its manifest's level and
preset, a training time sized to the network), so Enter alone is a good start.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from seussbot.corpus import Manifest
from seussbot.defaults import BUDGET_CHOICES, budget_label, default_minutes
from seussbot.presets import CELLS, PRESETS, preset_for_size
from seussbot.vocab import LEVELS as ENGINE_LEVELS

LEVELS = (None, *ENGINE_LEVELS)  # None: the corpus's own
SIZES = (None, *PRESETS)  # None: sized to the corpus
TIMES: tuple[float | None, ...] = (0.0, *BUDGET_CHOICES)  # 0.0: the default for the size


@dataclass(frozen=True)
class TrainChoice:
    cell: str = "lstm"
    level: str | None = None  # None: the corpus's own
    preset: str | None = None  # None: sized to the corpus
    minutes: float | None = 0.0  # 0: the default for the size; None: until stopped

    def cycled(self, field: str) -> "TrainChoice":
        options = {"cell": CELLS, "level": LEVELS, "preset": SIZES, "minutes": TIMES}[field]
        current = getattr(self, field)
        return replace(self, **{field: options[(options.index(current) + 1) % len(options)]})

    def describe(self, manifest: Manifest, chars: int | None) -> list[tuple[str, str, str]]:
        """(key, name, value) rows for the library's settings block."""
        level = self.level or manifest.level
        preset_name = self.preset or manifest.preset or (preset_for_size(chars).name if chars else "small")
        preset = PRESETS[preset_name]
        minutes = default_minutes(preset_name) if self.minutes == 0 else self.minutes
        return [
            ("c", "cell", self.cell.upper()),
            ("l", "level", level + ("" if self.level else " (the corpus's)")),
            ("p", "size", f"{preset_name}, {preset.layers}×{preset.hidden_size} units" + ("" if self.preset else " (sized to the corpus)")),
            ("m", "time", budget_label(minutes) + (" (default)" if self.minutes == 0 else "")),
        ]
