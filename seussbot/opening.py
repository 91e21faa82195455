"""What a client asks to train, and the session that answers it, with the shared defaults.

The CLI's flags and the library's choices both become a `TrainRequest`;
`open_session` turns it into a ready `TrainingSession` with the same defaults
for both (`seussbot.defaults`): budget by network size, evaluation cadence by
corpus size, early stopping, thread count. Importing this module is cheap (no
torch): the app builds requests on its event loop and opens them in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seussbot import defaults

if TYPE_CHECKING:
    from seussbot.corpus import SplitMode
    from seussbot.session import TrainingSession

BUDGET_FIELDS = ("max_steps", "max_minutes", "max_epochs")


@dataclass(frozen=True)
class TrainRequest:
    """A corpus to train afresh, or a saved model to carry on."""

    corpus: str | None = None
    model: str | None = None
    cell: str = "lstm"
    level: str | None = None
    preset: str | None = None
    name: str | None = None  # None: CORPUS-CELL, or the first free CORPUS-CELL-N
    overwrite: bool = False  # replace a saved model of that name
    minutes: float | None = 0.0  # 0: the default for the network's size; None: until stopped
    steps: int | None = None  # a budget in steps or passes instead of minutes
    epochs: float | None = None
    device: str = "auto"
    seed: int = 0
    split: "SplitMode" = "interleaved"
    max_bytes: int | None = None  # the largest corpus to read
    overrides: dict[str, Any] = field(default_factory=dict)  # TrainConfig fields and network sizes


def open_session(request: TrainRequest) -> "TrainingSession":
    """Build (or resume) the session a request asks for; imports torch, so call it off the UI thread."""
    from seussbot.corpus import DEFAULT_MAX_BYTES, load_corpus
    from seussbot.session import TrainingSession

    options: dict[str, Any] = {"threads": defaults.training_threads(), "eval_share_max": defaults.EVAL_SHARE_MAX, **request.overrides}
    if request.steps is not None:
        options["max_steps"] = request.steps
    if request.epochs is not None:
        options["max_epochs"] = request.epochs
    if request.model:
        session = TrainingSession.resume(request.model, device=request.device, **options)
    else:
        corpus = load_corpus(request.corpus or "", request.max_bytes or DEFAULT_MAX_BYTES)
        options.setdefault("eval_every_s", defaults.eval_every_s(len(corpus.text)))
        options.setdefault("early_stop", defaults.EARLY_STOP_EVALUATIONS)
        session = TrainingSession.create(
            corpus, cell=request.cell, level=request.level, preset=request.preset, name=request.name,
            overwrite=request.overwrite, device=request.device, seed=request.seed, split_mode=request.split,
            **options,
        )
    if not set(BUDGET_FIELDS) & set(options):
        session.set_budget(defaults.default_minutes(session.preset) if request.minutes == 0 else request.minutes)
    return session
