"""Has the network learned its corpus's rule? A probe measures it from predictions.

A corpus with a grammar may say where, in a held-out text, its rule alone
decides the next token (homecoming: the hero's name at every story ending;
spot: the first name of every sentence). The probe reads that text once, takes
the network's likeliest next token at those places, and counts how often it is
the right one, in bands (homecoming: by how far back the hero was last named),
beside what guessing would score. The questions come from the grammar
(`seussbot.grammars`, pure text); this module is the part that runs a network.

    probe = Probe.for_corpus(corpus, vocab)          # None: the corpus has no rule to probe
    result = probe.measure(model)                    # or probe_model(model, vocab, corpus)
    result.line()  # "right hero at the ending, by distance: 15-40 99% · 40-100 96% · ... (chance 10%)"
    [(band.label, band.share) for band in result.bands], result.chance

The trainer scores the same questions from its evaluation's own forward pass
(`Probe.score(reading)`), so a probe at every evaluation costs an argmax, not
a second read of the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seussbot.corpus import Corpus, SplitMode
from seussbot.grammars import GRAMMARS, ProbeSpec
from seussbot.model import CharRNN
from seussbot.train import Reading, read_text
from seussbot.vocab import Vocab


@dataclass(frozen=True)
class BandShare:
    """Right answers among the questions of one band."""

    label: str  # "15-40" (characters back), "" for a probe with one band
    right: int
    asked: int

    @property
    def share(self) -> float | None:
        """Share right, None when no question of this band could be asked."""
        return self.right / self.asked if self.asked else None


@dataclass(frozen=True)
class ProbeResult:
    """A probe's answer for one network at one moment."""

    title: str  # "right hero at the ending"
    heading: str  # "by distance"
    bands: tuple[BandShare, ...]
    chance: float  # share right by guessing among the possible answers

    @property
    def share(self) -> float | None:
        """Share right over every band together."""
        asked = sum(b.asked for b in self.bands)
        return sum(b.right for b in self.bands) / asked if asked else None

    @property
    def shares(self) -> list[float | None]:
        return [b.share for b in self.bands]

    def line(self) -> str:
        """One line for a person: "title, heading: band share · band share (chance c%)"."""
        parts = [f"{b.label} {_percent(b.share)}".strip() for b in self.bands]
        heading = f", {self.heading}" if self.heading and len(self.bands) > 1 else ""
        return f"{self.title}{heading}: {' · '.join(parts)} (chance {_percent(self.chance)})"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f}%"


class Probe:
    """A grammar's questions, located as token positions in one held-out text."""

    def __init__(self, spec: ProbeSpec, ids: torch.Tensor, questions: list[tuple[int, int, int]]) -> None:
        self.spec = spec
        self.ids = ids  # the held-out text's token ids
        self.questions = questions  # (token to predict, first token of the context it needs, band)

    @classmethod
    def prepare(cls, spec: ProbeSpec, vocab: Vocab, text: str) -> "Probe":
        """Find the grammar's questions in `text` and turn character offsets into token positions."""
        token_at = {offset: i for i, offset in enumerate(vocab.token_starts(text))}
        questions = [
            (token_at[q.offset], _token_at_or_before(token_at, q.since), q.band)
            for q in spec.ask(text)
            if q.offset in token_at and token_at[q.offset] > 0
        ]
        return cls(spec, torch.tensor(vocab.encode(text), dtype=torch.long), questions)

    @classmethod
    def for_corpus(cls, corpus: Corpus, vocab: Vocab, text: str | None = None, split_mode: SplitMode = "interleaved") -> "Probe | None":
        """The probe of `corpus`'s grammar over `text` (default: its held-out split), or None."""
        grammar = GRAMMARS.get(corpus.manifest.grammar or "")
        if grammar is None or grammar.probe is None:
            return None
        return cls.prepare(grammar.probe, vocab, corpus.split(mode=split_mode)[1] if text is None else text)

    def score(self, reading: Reading) -> ProbeResult:
        """Count right guesses per band; a question whose context began before its
        stream did (the network never saw the hero) is not asked."""
        if reading.guesses is None:
            raise ValueError("the reading kept no guesses (read_text(..., guesses=True))")
        guesses, length = reading.guesses.tolist(), reading.stream_length
        answers = self.ids.tolist()
        right = [0] * len(self.spec.bands)
        asked = [0] * len(self.spec.bands)
        for position, since, band in self.questions:
            if position >= len(guesses) or since < (position // length) * length or guesses[position] < 0:
                continue
            asked[band] += 1
            right[band] += int(guesses[position] == answers[position])
        bands = tuple(BandShare(label, r, n) for label, r, n in zip(self.spec.bands, right, asked))
        return ProbeResult(self.spec.title, self.spec.band_heading, bands, self.spec.chance)

    def measure(self, model: CharRNN, device: torch.device | str = "cpu") -> ProbeResult:
        """Read the text with `model` and score it (what the trainer does at each evaluation)."""
        was_training = getattr(model, "training", False)  # an n-gram baseline has no training mode
        reading = read_text(model, self.ids, device=device, guesses=True)
        if was_training:
            model.train()
        return self.score(reading)

    def learned(self, before: float | None, now: ProbeResult) -> bool:
        """True when the overall share has just reached the grammar's mark; `before` is the best share until now."""
        share = now.share
        mark = self.spec.learned_at
        return share is not None and share >= mark and (before is None or before < mark)

    def milestone(self, step: int) -> str:
        return f"learned to {self.spec.milestone} at step {step:,}"


def _token_at_or_before(token_at: dict[int, int], offset: int) -> int:
    """The token that holds character `offset` (offsets between word tokens belong to the next one)."""
    while offset > 0 and offset not in token_at:
        offset -= 1
    return token_at.get(offset, 0)


def probe_model(model: CharRNN, vocab: Vocab, corpus: Corpus, split_mode: SplitMode = "interleaved") -> ProbeResult | None:
    """How well `model` keeps `corpus`'s rule on its held-out text, by band; None if the corpus has none.

    The one call a screen comparing networks needs: each `BandShare` gives
    `label`, `share` (0..1, None if no question fell in the band) and the
    counts; `ProbeResult.chance` is what guessing scores; `line()` says it all.
    """
    probe = Probe.for_corpus(corpus, vocab, split_mode=split_mode)
    return None if probe is None else probe.measure(model)
