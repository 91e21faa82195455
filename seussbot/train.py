"""The training loop: one readable story from token ids to a trained network.

Truncated back-propagation through time over contiguous streams: the training
text is cut into `batch_size` long streams read side by side, `seq_len` tokens
at a time, and the hidden state is carried from one batch to the next (with
its gradient history cut), so the network can learn dependencies longer than
one batch. AdamW, gradient-norm clipping, linear warm-up then cosine decay.

Every evaluation keeps a copy of the weights if they are the best so far:
a small corpus is memorised within minutes, and the weights worth keeping are
the ones that generalised best, not the last. A loss far above an untrained
network's counts as divergence, like a loss that is not a number.

The loop is a generator of small event objects and never prints; pause,
resume and stop are safe to call from any other thread. Time spent outside
the generator (paused, or while a runner steps another network) is not
training time, so budgets and speeds stay true when several networks share
one thread.
"""

from __future__ import annotations

import copy
import math
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Generator, Iterator

import torch
from torch.nn import functional as F

from seussbot.allocator import keep_freed_memory
from seussbot.model import CharRNN, State, detach
from seussbot.threads import ThreadTuner

if TYPE_CHECKING:
    from seussbot.probe import Probe, ProbeResult


@dataclass
class TrainConfig:
    batch_size: int = 32
    seq_len: int = 64
    lr: float = 2e-3
    min_lr_fraction: float = 0.1
    warmup_steps: int = 50
    weight_decay: float = 0.01
    clip: float = 1.0
    # The run ends at whichever budget is reached first; none means "until stopped".
    max_steps: int | None = None
    max_minutes: float | None = None
    max_epochs: float | None = None
    eval_every_s: float = 15.0
    # At most this share of the training time goes to evaluating (None: evaluate every eval_every_s
    # however long it takes): a big network on a slow CPU took 9 s to read its validation text.
    eval_share_max: float | None = None
    eval_max_tokens: int = 200_000
    progress_every_s: float = 0.1
    threads: int | None = None  # None: measured while training (seussbot.threads)
    seed: int = 0
    # Stop after this many evaluations in a row without a better validation loss (None: never).
    early_stop: int | None = None
    # Say "memorising" after this many evaluations without improvement while training loss falls.
    memorising_after: int = 3

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "TrainConfig":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Progress:
    step: int
    tokens_seen: int
    epoch: float
    train_loss: float  # nats per token, mean since the previous Progress
    lr: float
    tokens_per_s: float
    elapsed_s: float  # training time, pauses excluded
    fraction: float | None  # of the budget, None when training until stopped
    eta_s: float | None
    threads: int  # torch threads in use now


@dataclass(frozen=True)
class Evaluation:
    step: int
    tokens_seen: int
    elapsed_s: float
    train_loss: float
    val_loss: float
    best_val_loss: float
    improved: bool
    best_step: int | None = None  # the step the best weights come from
    since_best: int = 0  # evaluations since the best one
    probe: "ProbeResult | None" = None  # the corpus's rule, measured (None: it has no probe)


@dataclass(frozen=True)
class Learned:
    """The probe's overall share has just reached its mark: the network found the rule."""

    step: int
    message: str  # "learned to remember the hero at step 4,200"


@dataclass(frozen=True)
class Memorising:
    """Validation has got worse for several evaluations while training loss fell."""

    step: int
    best_step: int
    best_val_loss: float
    evaluations: int  # how many evaluations since the best

    @property
    def message(self) -> str:
        return (
            f"memorising: validation has been getting worse since step {self.best_step:,}; "
            f"the best model, from step {self.best_step:,}, is kept"
        )


@dataclass(frozen=True)
class Recovered:
    """The loss stopped being a number; the last good weights were restored."""

    step: int
    lr: float
    message: str


@dataclass(frozen=True)
class Finished:
    step: int
    reason: str  # "budget", "stopped" or "early-stop"
    elapsed_s: float


Event = Progress | Evaluation | Learned | Memorising | Recovered | Finished


@dataclass
class HistoryPoint:
    step: int
    tokens_seen: int
    elapsed_s: float
    train_loss: float
    val_loss: float
    probe: float | None = None  # the probe's overall share (0..1), when the corpus has one
    probe_bands: list[float | None] | None = None  # its share per band


@dataclass
class TrainingState:
    """What carries over when training resumes from a saved model."""

    step: int = 0
    tokens_seen: int = 0
    elapsed_s: float = 0.0
    best_val_loss: float = math.inf
    best_step: int | None = None
    evals_since_best: int = 0
    history: list[HistoryPoint] = field(default_factory=list)


class Trainer:
    MAX_RECOVERIES = 8
    # A uniform guess costs ln(vocab) nats per token; training far above that has diverged.
    DIVERGED_STEP_FACTOR = 3.0
    DIVERGED_EVAL_FACTOR = 2.0
    # Validation this much above its best (relative) has risen, not wobbled.
    MEMORISING_RISE = 0.02

    def __init__(
        self,
        model: CharRNN,
        train_ids: torch.Tensor,
        val_ids: torch.Tensor,
        config: TrainConfig,
        *,
        device: torch.device | str = "cpu",
        state: TrainingState | None = None,
        optimizer_state: dict | None = None,
        probe: "Probe | None" = None,
    ) -> None:
        self.config = config
        self.probe = probe  # scored from every evaluation's forward pass
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.state = state or TrainingState()
        self.streams = _as_streams(train_ids, config.batch_size, config.seq_len).to(self.device)
        self.val_ids = val_ids[: config.eval_max_tokens]
        self.optimizer = _make_optimizer(model, config)
        if optimizer_state is not None:
            self.optimizer.load_state_dict(optimizer_state)
        self._lr_scale = 1.0
        self.threads = ThreadTuner(config.threads)
        self.untrained_loss = math.log(max(2, model.config.vocab_size))
        # CPU copy of the weights with the best validation loss; None until an evaluation
        # (or, when resuming, the best weights saved before) says which they are.
        self.best_weights: dict[str, torch.Tensor] | None = None
        self._warned_for_best: int | None = None
        self._weights_lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()
        self._stopping = threading.Event()
        self._stepping = False  # between the loop's pause check and the step's count: a step in flight
        keep_freed_memory()

    # -- control from other threads ------------------------------------------------
    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stopping.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        """Asked to pause; the step in flight, if any, still finishes (see `parked`)."""
        return not self._running.is_set()

    @property
    def parked(self) -> bool:
        """Paused with no step in flight: the step count will not move until `resume`. True too for
        a session a runner holds between its turns (its loop is not waiting, but will not step)."""
        return self.paused and not self._stepping

    def snapshot(self) -> dict[str, torch.Tensor]:
        """A consistent copy of the weights, on the CPU, taken between optimiser steps."""
        return self.consistent_state()[0]

    def consistent_state(self, with_optimizer: bool = False) -> tuple[dict[str, torch.Tensor], dict | None]:
        """CPU copies of the weights (and optimiser state), both from the same step."""
        with self._weights_lock:
            weights = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
            optimizer = _cpu_copy(self.optimizer.state_dict()) if with_optimizer else None
        return weights, optimizer

    # -- the loop ------------------------------------------------------------------
    def run(self) -> Iterator[Event]:
        cfg, st = self.config, self.state
        self.threads.start()  # torch's thread count is per OS thread: set it where training runs
        torch.manual_seed(cfg.seed + st.step)
        rng = random.Random(cfg.seed + st.step)
        tokens_per_step = cfg.batch_size * cfg.seq_len
        epoch_tokens = max(1, self.streams.numel())
        start_step, start_elapsed = st.step, st.elapsed_s
        hidden: State | None = None
        offset = 0
        last_good = self._checkpoint()
        recoveries = 0
        loss_sum, loss_count = 0.0, 0
        eval_loss_sum, eval_loss_count = 0.0, 0
        clock = time.perf_counter()  # training time is perf_counter() - clock, time away excluded
        last_progress = last_eval = clock
        eval_cost_s = 0.0  # how long the last evaluation took
        reason = "budget"
        self.model.train()

        while True:
            self._stepping = True  # before the check: a pause asked after it finds a step in flight
            if not self._running.is_set():
                paused_at = time.perf_counter()
                self._stepping = False
                self._running.wait()
                self._stepping = True
                away = time.perf_counter() - paused_at
                clock += away  # pauses do not count, for the budget or for the evaluation cadence
                last_eval += away
                last_progress = time.perf_counter()
            now = time.perf_counter()
            st.elapsed_s = start_elapsed + (now - clock)
            fraction = self._fraction(st.step, st.tokens_seen / epoch_tokens, st.elapsed_s)
            if self._stopping.is_set() or (fraction is not None and fraction >= 1.0):
                break

            if offset + cfg.seq_len + 1 > self.streams.shape[1]:
                # A new epoch: start again with the cut points shifted, so windows differ each pass.
                slack = self.streams.shape[1] - cfg.seq_len
                offset, hidden = rng.randrange(max(1, min(cfg.seq_len, slack))), None
            inputs = self.streams[:, offset : offset + cfg.seq_len]
            targets = self.streams[:, offset + 1 : offset + cfg.seq_len + 1]
            offset += cfg.seq_len

            lr = self._learning_rate(st.step, fraction)
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            began = time.perf_counter()
            logits, hidden = self.model(inputs, hidden)
            hidden = detach(hidden)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip)
            loss_value = loss.item()
            if self._diverged(loss_value, grad_norm.item()):
                recoveries += 1
                if recoveries > self.MAX_RECOVERIES:
                    raise FloatingPointError("training diverged repeatedly; try a lower learning rate")
                hidden = None
                why = "loss was not a number" if not math.isfinite(loss_value) else "loss shot far above an untrained network's"
                self._stepping = False
                clock += yield from self._hand_over([self._recover(last_good, fraction, why)])
                continue
            with self._weights_lock:
                self.optimizer.step()
            self.threads.after_step(time.perf_counter() - began)
            st.step += 1
            st.tokens_seen += tokens_per_step
            self._stepping = False
            loss_sum += loss_value
            loss_count += 1
            eval_loss_sum += loss_value
            eval_loss_count += 1
            if st.step % 200 == 0:
                last_good = self._checkpoint()

            news: list[Event] = []
            now = time.perf_counter()
            if now - last_progress >= cfg.progress_every_s:
                st.elapsed_s = start_elapsed + (now - clock)
                news.append(self._progress(loss_sum / loss_count, lr, start_step, start_elapsed, epoch_tokens))
                loss_sum, loss_count, last_progress = 0.0, 0, now
            if now - last_eval >= self._eval_gap_s(eval_cost_s):
                news += self._evaluate(eval_loss_sum / max(1, eval_loss_count), last_good, fraction)
                eval_loss_sum, eval_loss_count, last_eval = 0.0, 0, time.perf_counter()
                eval_cost_s = last_eval - now
                hidden = None if isinstance(news[-1], Recovered) else hidden
            clock += yield from self._hand_over(news)
            if cfg.early_stop is not None and st.evals_since_best >= cfg.early_stop:
                reason = "early-stop"
                break

        self._stepping = False
        st.elapsed_s = start_elapsed + (time.perf_counter() - clock)
        if eval_loss_count:
            yield from self._hand_over(self._evaluate(eval_loss_sum / eval_loss_count, last_good, fraction))
        yield Finished(st.step, "stopped" if self._stopping.is_set() else reason, st.elapsed_s)

    def _eval_gap_s(self, eval_cost_s: float) -> float:
        """Seconds from one evaluation's end to the next: `eval_every_s`, stretched so that
        evaluations, each as long as the last one, take at most `eval_share_max` of the time."""
        share = self.config.eval_share_max
        if not share:
            return self.config.eval_every_s
        return max(self.config.eval_every_s, eval_cost_s * (1 - share) / share)

    def budget_fraction(self) -> float | None:
        """How much of the budget is spent now (None: training until stopped)."""
        st = self.state
        return self._fraction(st.step, st.tokens_seen / max(1, self.streams.numel()), st.elapsed_s)

    # -- pieces ----------------------------------------------------------------------
    @staticmethod
    def _hand_over(events: list[Event]) -> Generator[Event, None, float]:
        """Yield `events`; return how long the consumer kept us away (not training time)."""
        away = 0.0
        for event in events:
            left = time.perf_counter()
            yield event
            away += time.perf_counter() - left
        return away

    def _diverged(self, loss_value: float, grad_norm: float) -> bool:
        if not (math.isfinite(loss_value) and math.isfinite(grad_norm)):
            return True
        return loss_value > self.DIVERGED_STEP_FACTOR * self.untrained_loss

    def _recover(self, last_good: tuple[dict, dict], fraction: float | None, why: str) -> Recovered:
        """Go back to the last good weights with half the learning rate."""
        self._restore(last_good)
        self._lr_scale *= 0.5
        return Recovered(self.state.step, self._learning_rate(self.state.step, fraction), why)

    def _fraction(self, step: int, epochs: float, elapsed_s: float) -> float | None:
        cfg = self.config
        parts = []
        if cfg.max_steps is not None:
            parts.append(step / max(1, cfg.max_steps))
        if cfg.max_minutes is not None:
            parts.append(elapsed_s / max(1e-9, cfg.max_minutes * 60))
        if cfg.max_epochs is not None:
            parts.append(epochs / max(1e-9, cfg.max_epochs))
        return max(parts) if parts else None

    def _learning_rate(self, step: int, fraction: float | None) -> float:
        cfg = self.config
        peak = cfg.lr * self._lr_scale
        if step < cfg.warmup_steps:
            return peak * (step + 1) / cfg.warmup_steps
        if fraction is None:
            return peak
        floor = peak * cfg.min_lr_fraction
        return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, fraction)))

    def _progress(self, train_loss: float, lr: float, start_step: int, start_elapsed: float, epoch_tokens: int) -> Progress:
        st = self.state
        run_elapsed = max(1e-9, st.elapsed_s - start_elapsed)
        tokens_per_s = (st.step - start_step) * self.config.batch_size * self.config.seq_len / run_elapsed
        fraction = self._fraction(st.step, st.tokens_seen / epoch_tokens, st.elapsed_s)
        eta = None
        if fraction is not None and fraction > 0:
            eta = max(0.0, run_elapsed * (1 - fraction) / max(1e-9, fraction - self._start_fraction(start_step, start_elapsed, epoch_tokens)))
        return Progress(st.step, st.tokens_seen, st.tokens_seen / epoch_tokens, train_loss, lr, tokens_per_s, st.elapsed_s, fraction, eta, self.threads.count)

    def _start_fraction(self, start_step: int, start_elapsed: float, epoch_tokens: int) -> float:
        start_tokens = start_step * self.config.batch_size * self.config.seq_len
        return min(0.999, self._fraction(start_step, start_tokens / epoch_tokens, start_elapsed) or 0.0)

    def _evaluate(self, train_loss: float, last_good: tuple[dict, dict], fraction: float | None) -> list[Event]:
        """Measure validation loss; keep the best weights; say when the network memorises."""
        st = self.state
        reading = read_text(self.model, self.val_ids, device=self.device, guesses=self.probe is not None)
        val_loss = reading.loss
        self.model.train()
        if not math.isfinite(val_loss) or val_loss > self.DIVERGED_EVAL_FACTOR * self.untrained_loss:
            return [self._recover(last_good, fraction, "validation loss far above an untrained network's")]
        improved = val_loss < st.best_val_loss
        if improved:
            st.best_val_loss, st.best_step, st.evals_since_best = val_loss, st.step, 0
            self.best_weights = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
        else:
            st.evals_since_best += 1
        probed = self.probe.score(reading) if self.probe is not None else None
        # The best share so far, not the last: a share wobbling around the mark crossed it again at
        # every other evaluation, and "learned at step N" was said five times with five steps.
        before = max((p.probe for p in st.history if p.probe is not None), default=None)
        point = HistoryPoint(st.step, st.tokens_seen, round(st.elapsed_s, 3), train_loss, val_loss)
        if probed is not None:
            point.probe, point.probe_bands = probed.share, probed.shares
        st.history.append(point)
        events: list[Event] = [
            Evaluation(
                st.step, st.tokens_seen, st.elapsed_s, train_loss, val_loss, st.best_val_loss, improved,
                st.best_step, st.evals_since_best, probed,
            )
        ]
        if probed is not None and self.probe is not None and self.probe.learned(before, probed):
            events.append(Learned(st.step, self.probe.milestone(st.step)))
        if self._memorising() and st.best_step is not None:
            self._warned_for_best = st.best_step
            events.append(Memorising(st.step, st.best_step, st.best_val_loss, st.evals_since_best))
        return events

    def _memorising(self) -> bool:
        """Validation worse for several evaluations while the training loss went on falling.

        Both by more than noise: on a plateau (homecoming's, before its LSTM finds the rule)
        validation wobbles by 2% while the training loss stays flat, and that is not memorising."""
        st = self.state
        if st.evals_since_best < self.config.memorising_after or self._warned_for_best == st.best_step:
            return False
        at_best = next((p for p in reversed(st.history) if p.step == st.best_step), None)
        latest = st.history[-1]
        rose = latest.val_loss > st.best_val_loss * (1 + self.MEMORISING_RISE)
        fell = at_best is not None and latest.train_loss < at_best.train_loss * (1 - self.MEMORISING_RISE)
        return rose and fell

    def best_state(self) -> tuple[dict[str, torch.Tensor], int, float | None]:
        """(weights, step, validation loss) of the best weights, or of the current ones before any evaluation."""
        best, st = self.best_weights, self.state
        if best is None or st.best_step is None:
            return self.snapshot(), st.step, None
        return best, st.best_step, st.best_val_loss

    def _checkpoint(self) -> tuple[dict, dict]:
        return copy.deepcopy(self.model.state_dict()), copy.deepcopy(self.optimizer.state_dict())

    def _restore(self, checkpoint: tuple[dict, dict]) -> None:
        with self._weights_lock:
            self.model.load_state_dict(checkpoint[0])
            self.optimizer.load_state_dict(checkpoint[1])


@dataclass(frozen=True)
class Reading:
    """What one read of a text told: the mean loss and, when asked, every likeliest next token.

    `guesses[p]` is the token the network found likeliest at position `p` of the
    text (-1 where it made no guess: the first token of each stream, the tail
    cut off to make streams equal). The text is read as `len(guesses) // stream_length`
    streams side by side, each from a fresh state, so a guess at `p` saw only
    the text from `(p // stream_length) * stream_length` on.
    """

    loss: float  # nats per token
    guesses: torch.Tensor | None
    stream_length: int


@torch.no_grad()
def evaluate(model: CharRNN, ids: torch.Tensor, *, device: torch.device | str = "cpu", streams: int = 16, chunk: int = 256) -> float:
    """Mean loss (nats/token) reading `ids` in order with the state carried.

    The text is read as a few long streams side by side, so the network sees
    each token with all the context before it in its stream, as it would when
    writing, and the cost is a forward pass over the text.
    """
    return read_text(model, ids, device=device, streams=streams, chunk=chunk).loss


@torch.no_grad()
def read_text(
    model: CharRNN, ids: torch.Tensor, *, device: torch.device | str = "cpu", streams: int = 16, chunk: int = 256, guesses: bool = False
) -> Reading:
    """`evaluate`'s forward pass, keeping the likeliest next token at every position when
    `guesses` is set (a probe scores those: one pass serves both, see seussbot.probe)."""
    model.eval()
    streams = max(1, min(streams, (len(ids) - 1) // 64))
    data = _as_streams(ids, streams, 1).to(device)
    guessed = torch.full(data.shape, -1, dtype=torch.long) if guesses else None
    total, count = 0.0, 0
    hidden: State | None = None
    for start in range(0, data.shape[1] - 1, chunk):
        inputs = data[:, start : start + chunk]
        targets = data[:, start + 1 : start + chunk + 1]
        inputs = inputs[:, : targets.shape[1]]
        logits, hidden = model(inputs, hidden)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum").item()
        count += targets.numel()
        if guessed is not None:
            guessed[:, start + 1 : start + 1 + targets.shape[1]] = logits.argmax(-1).cpu()
    flat = guessed.reshape(-1) if guessed is not None else None
    return Reading(total / max(1, count), flat, data.shape[1])


def _as_streams(ids: torch.Tensor, batch_size: int, seq_len: int) -> torch.Tensor:
    """(batch_size, length) contiguous streams; the text must give each one a sequence."""
    length = len(ids) // batch_size
    if length < seq_len + 1:
        raise ValueError(f"{len(ids)} tokens are too few for {batch_size} streams of {seq_len + 1}")
    return ids[: length * batch_size].view(batch_size, length)


def _cpu_copy(state_dict: dict) -> dict:
    return {
        "state": {i: {k: (v.detach().cpu().clone() if hasattr(v, "detach") else v) for k, v in st.items()} for i, st in state_dict["state"].items()},
        "param_groups": [dict(g) for g in state_dict["param_groups"]],
    }


def _make_optimizer(model: CharRNN, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW that decays weight matrices but not biases (decaying a bias only shifts it)."""
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": matrices, "weight_decay": config.weight_decay}, {"params": vectors, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.99))
