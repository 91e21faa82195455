"""The one table of defaults every client reads: budgets, cadences, threads, choices.

The CLI and the app used to decide these separately (3 minutes here, 3/5/10
there; all cores here, all but one there). Now a person gets the same run
whichever way they start it, and a change here changes both.
"""

from __future__ import annotations


import os

from seussbot.presets import LARGE_CORPUS_CHARS

# Training time when nothing else is asked for, by network size (preset): enough to get past
# gibberish on a 2-core laptop, and, with early stopping, never spent memorising a small text.
DEFAULT_MINUTES = {"tiny": 3.0, "single": 10.0, "small": 5.0, "medium": 10.0}
FALLBACK_MINUTES = 5.0
BUDGET_CHOICES: tuple[float | None, ...] = (1.0, 3.0, 5.0, 10.0, 30.0, None)  # None: until stopped

SAVE_EVERY_S = 60.0

# A comparison of several networks trains this long unless told (they share the time).
COMPARE_MINUTES = 10.0
THREADS_ENV = "SEUSSBOT_THREADS"  # a fixed torch thread count for training (set by `seussbot serve`)

# Validation is measured more often on small corpora: they are learnt (and memorised) in seconds.
EVAL_EVERY_S_SMALL = 5.0
EVAL_EVERY_S_LARGE = 15.0  # for corpora of LARGE_CORPUS_CHARS or more (the medium preset's)

# Stop once this many evaluations in a row brought no better validation loss: the best weights
# are kept anyway, and more training would only memorise the text.
EARLY_STOP_EVALUATIONS = 8


def default_minutes(preset: str) -> float:
    return DEFAULT_MINUTES.get(preset, FALLBACK_MINUTES)


# Evaluations may take at most this share of training time, whatever eval_every_s says: reading
# tiny-shakespeare's validation text with a 2x512 LSTM took 9 s on a 2-core Zen 3, every 15 s.
EVAL_SHARE_MAX = 0.1


def eval_every_s(corpus_chars: int) -> float:
    return EVAL_EVERY_S_SMALL if corpus_chars < LARGE_CORPUS_CHARS else EVAL_EVERY_S_LARGE


def training_threads() -> int | None:
    """Torch threads for training, in the app and headless alike: None, measured while training.

    A fixed count collapses when another program is busy (`seussbot.threads`).
    Measured in the app (benchmarks/tui_lag.py), the tuner trained 13.4k chars/s
    against 9.9k for the old fixed "all cores but one", with event-loop lag
    p99 17.7 ms, inside the 20 ms budget: the UI does not need a core kept back.

    `$SEUSSBOT_THREADS` fixes the count instead: `seussbot serve` sets it for
    each browser tab's app, so that thirty tabs share the cores instead of each
    measuring (and claiming) all of them.
    """
    told = os.environ.get(THREADS_ENV)
    if told:
        return threads_from_env(told)
    from seussbot.threads import default_threads

    return default_threads()


def threads_from_env(value: str) -> int:
    from seussbot.errors import SeussbotError
    from seussbot.limits import THREADS

    count = int(value) if value.strip().isdigit() else None
    if count is None or count not in THREADS:
        raise SeussbotError(f"${THREADS_ENV} must be {THREADS.describe()}, not {value!r}; unset it to let training measure.")
    return count


def budget_label(minutes: float | None) -> str:
    return "until stopped" if minutes is None else f"{minutes:g} min"
