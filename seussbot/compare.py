"""Several networks learn one book side by side: the slides' lesson, measured while it happens.

A plain RNN writes "Doug saw Doug." and forgets whom a story was about; an
LSTM's gates let it remember. A `Comparison` shows it on equal terms:

- every network gets about the same number of weights as the LSTM the corpus
  would train on its own (an RNN layer has a quarter of an LSTM's recurrent
  weights at the same width, so the RNN is twice as wide);
- one `Runner` thread steps them in turn, so at any moment each has seen the
  same characters (`turns="steps"`, lockstep), or gives each the same share
  of training time (`same_time`);
- an n-gram of the training split stands beside them: it needs no training and
  remembers nothing beyond its n - 1 tokens, the floor a memory must beat.

`results()` reads each network as it is now: its best validation loss, its
corpus's probe (homecoming's right hero by distance, spot's chain rule), the
mistakes in a few samples by kind; `lesson()` turns those numbers into one
sentence. Nothing here is written in advance: change the numbers and the
sentence changes with them.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from seussbot.errors import SeussbotError
from seussbot.presets import CELLS

if TYPE_CHECKING:
    from seussbot.corpus import Corpus
    from seussbot.ngram import NGramModel
    from seussbot.probe import BandShare, Probe, ProbeResult
    from seussbot.session import TrainingSession

NGRAM = "ngram"
COMPARE_CELLS: tuple[str, ...] = ("rnn", "lstm", "gru", NGRAM)  # the order they are shown in
WIDTH_STEP = 16  # widths are rounded to a multiple of this (vector units like it)
GATES = {"lstm": 4, "gru": 3, "rnn": 1}  # weight blocks per layer: one per gate and the candidate
SAMPLE_SEEDS = 4  # samples per network whose mistakes are counted


def parse_cells(text: str) -> tuple[str, ...]:
    """'rnn,lstm' -> ('rnn', 'lstm'), in display order; unknown or repeated names refused."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in COMPARE_CELLS]
    if unknown:
        raise SeussbotError(f"Unknown cell '{unknown[0]}'; compare takes {', '.join(COMPARE_CELLS)}.")
    if len(set(names)) != len(names):
        raise SeussbotError("Name each cell once.")
    if not any(name in CELLS for name in names):
        raise SeussbotError("A comparison needs at least one network (rnn, lstm or gru).")
    return tuple(name for name in COMPARE_CELLS if name in names)


def weight_count(cell: str, vocab_size: int, hidden: int, layers: int, embed_dim: int) -> int:
    """Weights of embedding -> `layers` recurrent layers -> readout, as `CharRNN` builds them."""
    blocks = GATES[cell]
    recurrent = sum(blocks * (hidden * ((embed_dim if layer == 0 else hidden) + hidden) + 2 * hidden) for layer in range(layers))
    return vocab_size * embed_dim + recurrent + hidden * vocab_size + vocab_size


def equal_weight_width(cell: str, target: int, vocab_size: int, layers: int, embed_dim: int) -> int:
    """The width (a multiple of WIDTH_STEP) whose weight count is nearest `target`."""
    widths = range(WIDTH_STEP, 4096 + 1, WIDTH_STEP)
    return min(widths, key=lambda h: abs(weight_count(cell, vocab_size, h, layers, embed_dim) - target))


@dataclass(frozen=True)
class Contestant:
    """One network of a comparison, as the screen and the table name it."""

    cell: str
    hidden_size: int
    layers: int
    weights: int

    @property
    def label(self) -> str:
        """'RNN 1x512 · 302k weights' ('5-gram · 41k counts' for the baseline, see `ngram_label`)."""
        return f"{self.cell.upper()} {self.layers}x{self.hidden_size} · {_thousands(self.weights)} weights"


def plan(cells: Sequence[str], vocab_size: int, hidden: int, layers: int, embed_dim: int) -> list[Contestant]:
    """Widths that give every cell about the weights of the LSTM of `hidden` units."""
    target = weight_count("lstm", vocab_size, hidden, layers, embed_dim)
    contestants = []
    for cell in cells:
        if cell == NGRAM:
            continue
        width = hidden if cell == "lstm" else equal_weight_width(cell, target, vocab_size, layers, embed_dim)
        contestants.append(Contestant(cell, width, layers, weight_count(cell, vocab_size, width, layers, embed_dim)))
    return contestants


@dataclass(frozen=True)
class ModelResult:
    """One model's numbers at one moment: what the table and the lesson are made of."""

    cell: str
    label: str
    name: str | None  # the saved model's name (None for the n-gram, which is not saved)
    steps: int
    elapsed_s: float
    val_bits: float | None  # best validation bits per token (per character, or per word at word level)
    probe: "ProbeResult | None"
    mistakes_per_100_words: float | None
    mistakes_by_kind: dict[str, float] = field(default_factory=dict)  # per 100 words
    samples: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        probe = None
        if self.probe is not None:
            probe = {
                "title": self.probe.title,
                "chance": self.probe.chance,
                "share": self.probe.share,
                "bands": [{"label": b.label, "right": b.right, "asked": b.asked, "share": b.share} for b in self.probe.bands],
            }
        return {
            "cell": self.cell, "label": self.label, "name": self.name, "steps": self.steps,
            "elapsed_s": round(self.elapsed_s, 2), "val_bits": self.val_bits, "probe": probe,
            "mistakes_per_100_words": self.mistakes_per_100_words, "mistakes_by_kind": self.mistakes_by_kind,
            "samples": self.samples,
        }


class Comparison:
    """Networks of every asked cell (and the n-gram) on one corpus, trained by one runner.

    Create it off the UI thread (it builds networks and n-gram counts), then
    `start()`; `runner` and its feeds give progress as for one session;
    `results()` may be called at any time from any thread.
    """

    def __init__(
        self,
        corpus: "Corpus | str",
        cells: Sequence[str] = COMPARE_CELLS,
        *,
        steps: int | None = None,
        minutes: float | None = None,
        same_time: bool = False,
        seed: int = 0,
        threads: int | None = None,
        eval_every_s: float | None = None,
        overrides: dict[str, object] | None = None,
        background: bool = False,
    ) -> None:
        from seussbot import defaults
        from seussbot.corpus import load_corpus
        from seussbot.presets import PRESETS, preset_for_size
        from seussbot.runner import Runner
        from seussbot.session import TrainingSession
        from seussbot.vocab import Vocab

        if steps is None and minutes is None:
            minutes = defaults.COMPARE_MINUTES
        self.corpus = load_corpus(corpus) if isinstance(corpus, str) else corpus
        self.cells = tuple(c for c in COMPARE_CELLS if c in cells)
        self.same_time = same_time
        self.minutes, self.steps = minutes, steps
        self.vocab: Vocab = Vocab.build(self.corpus.text, self.corpus.manifest.level)
        preset = PRESETS.get(self.corpus.manifest.preset or "") or preset_for_size(len(self.corpus.text))
        extra = dict(overrides or {})  # network sizes of the reference LSTM, and TrainConfig fields
        hidden, layers, embed_dim = (int(extra.pop(k, getattr(preset, k))) for k in ("hidden_size", "layers", "embed_dim"))  # type: ignore[call-overload]
        self.contestants = plan(self.cells, len(self.vocab), hidden, layers, embed_dim)
        networks = len(self.contestants)
        # One torch thread unless told: the networks take turns on one thread, so one thread tuner
        # cannot measure each, and a fixed count above one collapses when another program is busy.
        threads = threads or 1
        options: dict[str, object] = {
            "threads": threads, "early_stop": None, "seed": seed, "eval_share_max": defaults.EVAL_SHARE_MAX,
            "eval_every_s": eval_every_s or defaults.eval_every_s(len(self.corpus.text)), "embed_dim": embed_dim, **extra,
        }
        if steps is not None:
            options["max_steps"] = steps
        elif same_time and minutes is not None:
            options["max_minutes"] = minutes / networks  # each its share of the wall time
        self.sessions: list[TrainingSession] = []
        try:
            for contestant in self.contestants:
                self.sessions.append(
                    TrainingSession.create(
                        self.corpus, cell=contestant.cell, preset=preset.name, hidden_size=contestant.hidden_size,
                        layers=contestant.layers, name_base=f"{self.corpus.name}-compare-{contestant.cell}", **options,
                    )
                )
        except BaseException:
            self.close()
            raise
        # Lockstep on a time budget: the run ends when their training time together reaches it.
        shared_s = None if steps is not None or same_time or minutes is None else minutes * 60
        self.runner: Runner = Runner(
            self.sessions, turns="time" if same_time else "steps", shared_budget_s=shared_s, background=background
        )
        self.ngram: NGramModel | None = self._ngram() if NGRAM in self.cells else None
        self._ngram_results: dict[tuple[int, int, str], ModelResult] = {}
        self._results_lock = threading.Lock()

    def _ngram(self) -> "NGramModel":
        from seussbot.ngram import NGramModel, ngram_counts

        return NGramModel(ngram_counts(self.corpus, self.vocab), self.vocab)

    # -- running --------------------------------------------------------------------------
    def start(self) -> None:
        self.runner.start()

    def stop(self) -> None:
        self.runner.stop()

    def close(self) -> None:
        """Release every model's lock (the runner has saved them)."""
        for session in self.sessions:
            session.close()

    def __enter__(self) -> "Comparison":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def session_of(self, cell: str) -> "TrainingSession | None":
        return next((s for s, c in zip(self.sessions, self.contestants) if c.cell == cell), None)

    @property
    def labels(self) -> dict[str, str]:
        labels = {c.cell: c.label for c in self.contestants}
        if self.ngram is not None:
            labels[NGRAM] = ngram_label(self.ngram)
        return labels

    # -- reading them -----------------------------------------------------------------------
    def results(self, *, samples: int = SAMPLE_SEEDS, length: int | None = None, prompt: str = "") -> list[ModelResult]:
        """Every model's numbers now: best validation loss, probe, mistakes in `samples` samples.

        Reads the best weights of each network (the ones its file holds), on
        this thread with one torch thread, so training goes on meanwhile.
        """
        from seussbot.mistakes import profile_for_corpus
        from seussbot.probe import Probe

        profile = profile_for_corpus(self.corpus, self.vocab.level)
        probe = Probe.for_corpus(self.corpus, self.vocab)  # its questions are found once for every model
        length = length or sample_length(self.corpus)
        results = []
        for contestant, session in zip(self.contestants, self.sessions):
            weights, _, best_loss = session.trainer.best_state()
            model = session.snapshot_model()
            model.load_state_dict(weights)
            state = session.trainer.state
            results.append(
                _judge(
                    contestant.cell, contestant.label, session.name, state.step, state.elapsed_s,
                    None if best_loss is None else best_loss / math.log(2), model, self, profile, probe, samples, length, prompt,
                )
            )
        if self.ngram is not None:
            key = (samples, length, prompt)
            with self._results_lock:  # the n-gram never changes: judge it once per way of asking
                if key not in self._ngram_results:
                    self._ngram_results[key] = _judge(
                        NGRAM, ngram_label(self.ngram), None, 0, 0.0, _finite(self.ngram.val_bits), self.ngram, self,
                        profile, probe, samples, length, prompt,
                    )
            results.append(self._ngram_results[key])
        order = {cell: i for i, cell in enumerate(COMPARE_CELLS)}
        return sorted(results, key=lambda r: order[r.cell])


def ngram_label(model: "NGramModel") -> str:
    return f"{model.n}-gram · {_thousands(model.parameter_count())} counts"


def sample_length(corpus: "Corpus") -> int:
    """Long enough for the corpus's rules to show: three times their reach, at least 300 tokens."""
    return max(300, 3 * (corpus.manifest.context or 0))


def _judge(
    cell: str, label: str, name: str | None, steps: int, elapsed_s: float, val_bits: float | None,
    model: object, comparison: Comparison, profile: object, probe: "Probe | None", samples: int, length: int, prompt: str,
) -> ModelResult:
    from seussbot.writing import WriteSettings, write_all

    probe_result = probe.measure(model) if probe is not None else None  # type: ignore[arg-type]
    words, by_kind, texts = 0, {}, []
    for seed in range(samples):
        steps_written, _, tally = write_all(model, comparison.vocab, prompt, WriteSettings(length=length, seed=seed), profile)  # type: ignore[arg-type]
        texts.append(prompt + "".join(s.text for s in steps_written))
        if tally is not None:
            words += tally.words
            for kind, count in tally.counts.items():
                by_kind[kind] = by_kind.get(kind, 0) + count
    from seussbot.mistakes import NEUTRAL

    # A new word is named but is not a mistake: it is left out of the counts, as the tally's rate does.
    per_100 = {kind: round(100 * count / words, 2) for kind, count in by_kind.items() if count and kind not in NEUTRAL} if words else {}
    total = round(sum(per_100.values()), 2) if words else None
    return ModelResult(cell, label, name, steps, elapsed_s, val_bits, probe_result, total, per_100, texts)


def lesson(results: Sequence[ModelResult], level: str = "char") -> str:
    """One sentence from the numbers: the probe's farthest band if the corpus has one, else bits and mistakes.

    'After 6,000 steps the LSTM is right 92% of the time (right hero at the
    ending, 200-400 characters back); the RNN 9% (chance 10%).'
    """
    networks = [r for r in results if r.cell != NGRAM]
    if not networks:
        return ""
    steps = min(r.steps for r in networks)
    when = f"After {steps:,} steps" if steps else "Before any training"
    probed = [r for r in networks if r.probe is not None and far_share(r.probe) is not None]
    if len(probed) >= 2:
        ranked = sorted(probed, key=lambda r: -far_share(r.probe))  # type: ignore[arg-type, operator]
        best, worst = ranked[0], ranked[-1]
        band = far_band(best.probe)  # type: ignore[arg-type]
        title = best.probe.title  # type: ignore[union-attr]
        unit = "characters" if level == "char" else "words"
        what = f"({title}, {band.label} {unit} back)" if band.label else f"({title})"
        chance = _pct(best.probe.chance)  # type: ignore[union-attr]
        if not above_chance(band, best.probe.chance):  # type: ignore[union-attr]
            shares = "; ".join(f"the {r.cell.upper()} {_pct(far_share(r.probe))}" for r in ranked)
            return f"{when} no network is above chance yet {what}: {shares} (chance {chance}, {band.asked} endings asked)."
        if far_share(best.probe) - far_share(worst.probe) < 0.05:  # type: ignore[operator]
            shares = "; ".join(f"the {r.cell.upper()} {_pct(far_share(r.probe))}" for r in ranked)
            return f"{when} no network is ahead {what}: {shares} (chance {chance})."
        rest = "; ".join(f"the {r.cell.upper()} {_pct(far_share(r.probe))}" for r in ranked[1:])
        return f"{when} the {best.cell.upper()} is right {_pct(far_share(best.probe))} of the time {what}; {rest} (chance {chance})."
    unit = "bits per character" if level == "char" else "bits per word"
    scored = sorted((r for r in results if r.val_bits is not None), key=lambda r: r.val_bits)  # type: ignore[arg-type, return-value]
    if not scored:
        return f"{when} no network has been measured on the held-out text yet."
    reading = ", ".join(f"the {_name(r)} at {r.val_bits:.2f}" for r in scored)
    sentence = f"{when} the held-out text costs {reading} {unit}"
    judged = [r for r in networks if r.mistakes_per_100_words is not None]
    if len(judged) >= 2:
        judged.sort(key=lambda r: r.mistakes_per_100_words)  # type: ignore[arg-type, return-value]
        sentence += f"; the {_name(judged[0])} makes {judged[0].mistakes_per_100_words:.1f} mistakes per 100 words, the {_name(judged[-1])} {judged[-1].mistakes_per_100_words:.1f}"
    return sentence + "."


def above_chance(band: "BandShare", chance: float, sigmas: float = 3.0) -> bool:
    """Right clearly more often than guessing: by `sigmas` binomial standard errors of chance.

    With 89 endings asked and chance at 10%, 17% right is within noise (3 sigma
    is 19.5%); a student must not be told a network is ahead on that.
    """
    if not band.asked or band.share is None:
        return False
    return band.share - chance > sigmas * math.sqrt(chance * (1 - chance) / band.asked)


def far_band(probe: "ProbeResult"):
    """The farthest band that was asked at all: where memory is tested hardest."""
    asked = [band for band in probe.bands if band.asked]
    return asked[-1] if asked else probe.bands[-1]


def far_share(probe: "ProbeResult | None") -> float | None:
    return None if probe is None else far_band(probe).share


def _name(result: ModelResult) -> str:
    return result.label.split(" · ")[0] if result.cell == NGRAM else result.cell.upper()


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f}%"


def _thousands(count: int) -> str:
    return f"{count / 1e6:.1f}M" if count >= 1_000_000 else f"{count / 1000:.0f}k" if count >= 1000 else str(count)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def run_to_end(comparison: Comparison, on_tick: Callable[[Comparison], None] | None = None, tick_s: float = 0.2) -> None:
    """Start and wait for the end, calling `on_tick` a few times a second (the CLI's display)."""
    comparison.start()
    try:
        while not comparison.runner.wait(tick_s):
            if on_tick is not None:
                on_tick(comparison)
    except KeyboardInterrupt:
        comparison.stop()
        comparison.runner.wait()
        raise
    finally:
        if on_tick is not None:
            on_tick(comparison)
    time.sleep(0)  # let the thread's last notices land
