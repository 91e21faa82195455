"""How many CPU threads training uses: measured rather than guessed, and measured again.

Torch starts one OpenMP thread per core. On a quiet machine that is the fastest,
but OpenMP threads spin-wait for each other at the end of every parallel region,
so when another program keeps a core busy, the thread that loses its core stalls
all the others: on 2 cores with one busy process, an RNN step took 365 ms with
2 threads and 7.5 ms with 1. Laptops are never idle, so unless told a count the
trainer lets a `ThreadTuner` decide between steps: each candidate count gets a
short trial and the fastest is kept. A new round follows after half a minute of
training (then less often while the choice holds, down to every two minutes),
or at once when steps on several threads turn much slower, so training follows
a machine that becomes busy or quiet.

Two facts shape this. `torch.set_num_threads` sets the OpenMP team of the OS
thread that calls it, so the tuner must be driven from the thread that trains.
And the spinning cannot be switched off from here: libgomp, torch's OpenMP,
reads OMP_WAIT_POLICY once, when torch is imported (measured: set afterwards,
it changes nothing), and a passive wait costs speed on a quiet machine anyway.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Callable

TRIAL_S = 1.5  # training seconds each candidate is measured for in a round
SETTLE_STEPS = 1  # steps after a switch that are not measured (thread start-up, kernel caches)
ROUND_EVERY_S = 30.0  # training seconds before the next round; doubled while the choice holds...
LONGEST_HOLD_S = 120.0  # ...up to this
SLOWER = 1.5  # steps this much slower, above the fewest threads, start a round at once
HOPELESS = 2.0  # a trial step this much slower than the best so far ends that trial


def candidates(cores: int | None = None) -> list[int]:
    """The counts worth trying, fewest first: one, then doubling up to all cores (2 -> [1, 2], 6 -> [1, 2, 4, 6])."""
    cores = max(1, cores or os.cpu_count() or 1)
    counts = [1]
    while counts[-1] * 2 < cores:
        counts.append(counts[-1] * 2)
    return counts + [cores] if cores > 1 else counts


BACKGROUND_NICE = 10  # how much lower than the app's other threads a background training thread runs


def lower_this_thread_priority() -> None:
    """Lower the calling OS thread's priority by BACKGROUND_NICE, for the app's training thread.

    In the app, training shares two cores with the screen, the writer and the
    look-inside reading, which a person is waiting for. At equal priority each
    got an equal share of a contended core; at nice +10 the kernel's fair
    scheduler weighs them about 1024 to 110, so they get some 90% of it, and
    training still has every core that is idle. Measured in a pty while
    training: the longest event-loop stall 223 -> 59 ms, in-app training
    0.80 -> 0.86x of headless. On Linux the nice value is per thread and a
    thread starts with its creator's, so torch's OpenMP team, which libgomp
    starts from the training thread the first time it trains on more than one
    thread, runs at it too. Elsewhere `setpriority` would lower the whole
    process, so nothing is done there. A failure (a sandbox) changes nothing.
    """
    if sys.platform != "linux":
        return
    me = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE))
    except OSError:
        pass


def default_threads() -> int | None:
    """What training uses unless told a count, in the app and in `seussbot train`: None, measured."""
    return None


def _set_torch_threads(count: int) -> None:
    import torch

    torch.set_num_threads(count)


class ThreadTuner:
    """Chooses torch's thread count between training steps; a given count is kept fixed.

    It has no clock of its own: it is driven by the durations of training steps,
    so pauses and evaluations do not count and tests can feed it made-up times.
    Call `start()` in the training thread before the first step and
    `after_step(seconds)` after each one; `count` is the number in use.

    A round measures each candidate in turn (fewest threads first, so a count
    that collapses can be recognised from its first step and dropped) and keeps
    the one with the least time per step. Between rounds the count in use is
    still measured, window by window, and the latest window stands for it in
    the next round.
    """

    def __init__(self, fixed: int | None = None, *, options: list[int] | None = None, apply: Callable[[int], None] = _set_torch_threads) -> None:
        self.options = [fixed] if fixed else list(options or candidates())
        self.count = self.options[0]
        self._apply = apply
        self._round: dict[int, float] | None = None  # seconds per step of each count tried this round
        self._to_try: list[int] = []
        self._kept: int | None = None  # the count chosen in the last round
        self._chosen_step_s = 0.0  # and its seconds per step then
        self._hold_s = ROUND_EVERY_S
        self._until_round_s = 0.0
        self._settle = 0
        self._spent_s, self._steps = 0.0, 0

    @property
    def tuning(self) -> bool:
        return len(self.options) > 1

    def describe(self) -> str:
        if not self.tuning:
            return f"{self.count} thread" + ("s" if self.count > 1 else "")
        return f"{' or '.join(map(str, self.options))} threads, whichever is faster now"

    def start(self) -> None:
        self._round, self._to_try = ({}, self.options[1:]) if self.tuning else (None, [])
        self._apply(self.count)
        self._settle, self._spent_s, self._steps = SETTLE_STEPS, 0.0, 0

    def after_step(self, seconds: float) -> int:
        """Record one step's duration; switch the count when a trial or the hold ends. Returns the count."""
        if not self.tuning:
            return self.count
        self._until_round_s -= seconds
        if self._round and seconds > HOPELESS * min(self._round.values()):
            self._end_trial(float("inf"))  # even a settling step: a count that collapses costs one step
        elif self._settle:
            self._settle -= 1
        else:
            self._spent_s += seconds
            self._steps += 1
            if self._spent_s >= TRIAL_S:
                self._end_window(self._spent_s / self._steps)
        return self.count

    def _end_window(self, step_s: float) -> None:
        self._spent_s, self._steps = 0.0, 0
        if self._round is not None:
            self._end_trial(step_s)
        elif self._until_round_s <= 0 or (self.count > self.options[0] and step_s > SLOWER * self._chosen_step_s):
            # Slower steps at the fewest threads mean more load, which more threads would not help.
            self._round, self._to_try = {self.count: step_s}, [c for c in self.options if c != self.count]
            self._switch(self._to_try.pop(0))

    def _end_trial(self, step_s: float) -> None:
        assert self._round is not None
        self._round[self.count] = step_s
        if self._to_try:
            self._switch(self._to_try.pop(0))
            return
        best = min(self._round, key=self._round.__getitem__)
        self._hold_s = min(LONGEST_HOLD_S, 2 * self._hold_s) if best == self._kept else ROUND_EVERY_S
        self._chosen_step_s, self._until_round_s, self._round, self._kept = self._round[best], self._hold_s, None, best
        self._switch(best)

    def _switch(self, count: int) -> None:
        self._spent_s, self._steps = 0.0, 0
        if count != self.count:
            self.count = count
            self._apply(count)
            self._settle = SETTLE_STEPS
