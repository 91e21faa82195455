"""Reading: a model reads a text; every token gets its surprise, its rank and, if an error, its kind.

Writing shows what a network produces; reading shows what it understands. The
model reads the text once, without gradients, as a batch of streams (see
`forward_stats`), and for each token we keep the surprise -log2 p(true) in
bits, the rank of the true token among the model's candidates (1 = its first
choice) and its top candidates. Totals follow GLTR (Gehrmann, Strobelt & Rush
2019): the share of tokens in the rank bands top 1, top 10, top 100, beyond.

Errors are sorted as in Karpathy, Johnson & Fei-Fei (2015), "Visualizing and
Understanding Recurrent Networks" (its error analysis): a token is an error when the
model gave the true token p < 0.5, and "oracles" then remove errors in a fixed
order, each category counting the errors it removes ("peeling the onion"):

1. `n-gram`: some n-gram model of the training split (n = 1..9, Witten-Bell,
   `seussbot.ngram`) gives the true token p >= 0.5;
2. `dynamic-memory`: the error lies in a word, from its second character on,
   that occurs as a substring in the 100 / 500 / 1,000 / 5,000 characters
   before the word;
3. `rare-word`: the error lies in a word seen at most 5 times in the training split;
4. `word-start`: the error is the first character after a space, a quote or a
   line break (or the first of the text);
5. `punctuation`: the true character is punctuation (Unicode category P*);
6. `boost`: the rest; the paper removes these by boosting p(true) by a fixed
   amount, and the detail here is the boost needed (0.1 .. 0.5).

Each error also keeps a detail: the smallest n, the smallest window, the word's
training count, or the boost. Tokens the model never saw are marked `unknown`
and counted apart; the model reads the text with them left out.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable

import numpy as np
import torch

from seussbot.errors import PromptError
from seussbot.ngram import MAX_N, NGramCounts, encode_known, ngram_counts
from seussbot.vocab import WORD, Vocab

if TYPE_CHECKING:
    from seussbot.corpus import Corpus, SplitMode
    from seussbot.model import CharRNN
    from seussbot.session import LoadedModel

CATEGORIES = ("n-gram", "dynamic-memory", "rare-word", "word-start", "punctuation", "boost")
CORRECT, UNKNOWN = "correct", "unknown"
MEMORY_WINDOWS = (100, 500, 1_000, 5_000)
RARE_AT_MOST = 5
BOOSTS = (0.1, 0.2, 0.3, 0.4, 0.5)
RANK_BANDS = (("top 1", 1), ("top 10", 10), ("top 100", 100), ("beyond", math.inf))
ERROR_BELOW = 0.5  # the paper's error: p(true) < 0.5
TOP_K = 5  # candidates kept per token
WORD_START_AFTER = frozenset(" \t\n\"'\u2018\u2019\u201c\u201d")

EXPLANATIONS = {
    "n-gram": "a simple n-gram count of the training text would have got it: short-range patterns",
    "dynamic-memory": "the word was in the text a little earlier: the model did not reuse what it just read",
    "rare-word": "the word is rare (or absent) in the training text: more data would help",
    "word-start": "the first letter of a word: choosing the next word is the hard part",
    "punctuation": "a punctuation mark",
    "boost": "none of the above: a small boost of the right character's probability would fix it",
}

# How the text is cut into streams read side by side (see `forward_stats`).
STREAM_MIN = 2_048  # tokens per stream at least: fewer tokens are read as one exact stream
STREAMS_MAX = 64
WARMUP = 256  # tokens each later stream reads before its own part, to settle its state
CHUNK = 512  # time steps per forward call; the state is carried between calls
TRIAL_CHUNK = 32  # time steps of each thread-count trial


# -- the forward pass -------------------------------------------------------------------
@dataclass(frozen=True)
class TokenStats:
    """What the model thought of each token it read, as arrays over the known tokens."""

    prob: np.ndarray  # p(true)
    rank: np.ndarray  # 1 = the model's first choice
    top_ids: np.ndarray  # (tokens, TOP_K) candidate ids, best first
    top_probs: np.ndarray  # (tokens, TOP_K)


@torch.no_grad()
def forward_stats(model: "CharRNN", ids: np.ndarray, start_id: int, k: int = TOP_K, threads: int | None = None) -> TokenStats:
    """Read `ids` after `start_id`, one no-grad pass: p, rank and candidates of every token.

    A long text is cut into up to 64 streams of at least 2,048 tokens, read
    side by side as one batch (a batch of one would leave the CPU idle between
    tiny matrix-vector products). Every stream but the first reads the
    256 tokens before its part, so its state has settled when its part begins
    (the difference from one stream with the state carried throughout is
    measured in tests); within a stream the state is carried from chunk to chunk.
    `threads=None` measures the thread counts on the first chunks (see `_ThreadChoice`).
    """
    model.eval()
    device = next(model.parameters()).device
    inputs = np.concatenate([[start_id], ids[:-1]]).astype(np.int64)
    n = ids.size
    streams = max(1, min(STREAMS_MAX, n // STREAM_MIN))
    bounds = np.linspace(0, n, streams + 1).astype(int)
    begins = [max(0, a - WARMUP) for a in bounds[:-1]]
    width = max(b - s for s, b in zip(begins, bounds[1:]))
    x = np.zeros((streams, width), dtype=np.int64)
    y = np.zeros((streams, width), dtype=np.int64)
    for row, (s, e) in enumerate(zip(begins, bounds[1:])):
        x[row, : e - s], y[row, : e - s] = inputs[s:e], ids[s:e]
    prob = np.empty((streams, width), dtype=np.float64)
    rank = np.empty((streams, width), dtype=np.int64)
    top_ids = np.empty((streams, width, k), dtype=np.int64)
    top_probs = np.empty((streams, width, k), dtype=np.float32)
    state = None
    chooser = _ThreadChoice(threads)
    for c, end in _chunks(width, len(chooser.trials)):
        chooser.before_chunk()
        xs = torch.from_numpy(x[:, c:end]).to(device)
        ys = torch.from_numpy(y[:, c:end]).to(device)
        logits, state = model(xs, state)
        logp = torch.log_softmax(logits.float(), dim=-1)
        true = logp.gather(-1, ys.unsqueeze(-1))
        prob[:, c:end] = true.squeeze(-1).exp().double().cpu().numpy()
        rank[:, c:end] = (logp > true).sum(-1).cpu().numpy() + 1
        best = torch.topk(logp, k, dim=-1)
        top_ids[:, c:end] = best.indices.cpu().numpy()
        top_probs[:, c:end] = best.values.exp().cpu().numpy()
        chooser.after_chunk()
    chooser.restore()
    keep = [(row, a - s, e - s) for row, (s, a, e) in enumerate(zip(begins, bounds[:-1], bounds[1:]))]
    gather = lambda arr: np.concatenate([arr[row, lo:hi] for row, lo, hi in keep])  # noqa: E731
    return TokenStats(gather(prob), gather(rank), gather(top_ids), gather(top_probs))


def _chunks(width: int, trials: int) -> list[tuple[int, int]]:
    """Time-step ranges: a short one per thread trial (a slow count must cost little), then CHUNK each."""
    bounds = [min(width, TRIAL_CHUNK * i) for i in range(trials + 1)]
    bounds += list(range(bounds[-1] + CHUNK, width, CHUNK)) + [width]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


class _ThreadChoice:
    """Torch's thread count for one reading: given, or the fastest of the first chunks, one count each.

    On a busy machine OpenMP's spinning threads make all cores far slower than
    one (`seussbot.threads`); a reading is too short for the trainer's tuner, so
    each candidate count reads one chunk and the fastest reads the rest. The
    caller's count is put back afterwards.
    """

    def __init__(self, threads: int | None) -> None:
        from seussbot.threads import candidates

        self.original = torch.get_num_threads()
        # The first chunk is not measured: it pays for the kernels' set-up (on one
        # thread, which is never the disaster that all cores of a busy machine can be).
        self.trials = [threads] if threads else [1, *candidates()]
        self.times: list[float] = []

    def before_chunk(self) -> None:
        done = len(self.times)
        if done < len(self.trials):
            torch.set_num_threads(self.trials[done])
        elif done == len(self.trials):
            best = int(np.argmin(self.times[1:])) + 1 if len(self.trials) > 1 else 0
            torch.set_num_threads(self.trials[best])
        self.started = time.perf_counter()

    def after_chunk(self) -> None:
        self.times.append(time.perf_counter() - self.started if len(self.times) < len(self.trials) else math.inf)

    def restore(self) -> None:
        torch.set_num_threads(self.original)


# -- the oracles' knowledge of the training split ---------------------------------------
@dataclass(frozen=True)
class Oracles:
    """What the oracles know of the training split: its n-gram counts and its word counts."""

    ngrams: NGramCounts
    train_words: Counter

    @classmethod
    def of_corpus(cls, corpus: "Corpus", vocab: Vocab, split_mode: "SplitMode" = "interleaved") -> "Oracles":
        train, _ = corpus.split(mode=split_mode)
        return cls(ngram_counts(corpus, vocab, split_mode), Counter(WORD.findall(train)))


def split_mode_of(loaded: "LoadedModel") -> "SplitMode":
    mode = (loaded.meta.get("training") or {}).get("split_mode")
    return mode if mode in ("interleaved", "tail") else "interleaved"


def model_corpus(loaded: "LoadedModel") -> "Corpus":
    """The corpus a saved model learned; one sentence if it is gone."""
    from seussbot.corpus import load_corpus
    from seussbot.errors import CorpusError
    from seussbot.session import recorded_corpus

    try:
        return load_corpus(recorded_corpus(loaded))
    except CorpusError as error:
        raise CorpusError(f"The error breakdown needs the corpus the model learned, and it cannot be loaded: {error}") from None


def oracles_for(loaded: "LoadedModel") -> Oracles:
    return Oracles.of_corpus(model_corpus(loaded), loaded.vocab, split_mode_of(loaded))


def held_out_text(loaded: "LoadedModel") -> str:
    """The validation split of the model's own corpus: text it never trained on."""
    return model_corpus(loaded).split(mode=split_mode_of(loaded))[1]


# -- the reading --------------------------------------------------------------------------
@dataclass(frozen=True)
class Stretch:
    """One of the hardest places: the text there and what the model expected, token by token."""

    start: int  # token index in the text
    end: int
    text: str
    expected: str  # the model's first choice at each token of the stretch
    bits: float  # total surprise of the stretch


@dataclass(frozen=True)
class Reading:
    """A text as one model read it. Arrays run over every token of the text; unknown ones hold nan / 0."""

    tokens: list[str]
    vocab: Vocab
    known: np.ndarray  # bool
    prob: np.ndarray
    bits: np.ndarray
    rank: np.ndarray  # 0 for unknown tokens
    top_ids: np.ndarray  # (tokens, k), -1 for unknown
    top_probs: np.ndarray
    category: list[str]  # CORRECT, UNKNOWN, or one of CATEGORIES
    detail: np.ndarray  # n, window, training count or boost x 10 (see `explain`); 0 where none

    @property
    def read_count(self) -> int:
        return int(self.known.sum())

    @property
    def unknown_count(self) -> int:
        return int((~self.known).sum())

    @property
    def bits_per_token(self) -> float:
        return float(np.nanmean(self.bits)) if self.read_count else math.nan

    @cached_property
    def rank_bands(self) -> dict[str, float]:
        """Share of the read tokens in each GLTR band."""
        ranks = self.rank[self.known]
        out, low = {}, 0
        for name, high in RANK_BANDS:
            out[name] = float(((ranks > low) & (ranks <= high)).mean()) if ranks.size else 0.0
            low = high
        return out

    @cached_property
    def errors(self) -> int:
        return sum(c not in (CORRECT, UNKNOWN) for c in self.category)

    @cached_property
    def breakdown(self) -> dict[str, int]:
        """Errors removed by each oracle, in the paper's order."""
        counts = Counter(self.category)
        return {name: counts.get(name, 0) for name in CATEGORIES}

    @cached_property
    def breakdown_steps(self) -> dict[str, list[tuple[str, int]]]:
        """Inside each category, the errors its finer oracles remove: by n, window, count or boost."""
        steps: dict[str, list[tuple[str, int]]] = {}
        details = {c: Counter() for c in CATEGORIES}
        for c, d in zip(self.category, self.detail):
            if c in details:
                details[c][int(d)] += 1
        steps["n-gram"] = [(f"{n}-gram", details["n-gram"][n]) for n in range(1, MAX_N + 1)]
        steps["dynamic-memory"] = [(f"{w:,} chars", details["dynamic-memory"][w]) for w in MEMORY_WINDOWS]
        steps["rare-word"] = [(f"seen {k}x", details["rare-word"][k]) for k in range(RARE_AT_MOST + 1)]
        steps["boost"] = [(f"+{b:.1f}", details["boost"][round(b * 10)]) for b in BOOSTS]
        return steps

    def explain(self, i: int) -> str:
        """One line about token i: its surprise, rank and, for an error, why it is in its category."""
        token = _shown(self.tokens[i])
        if not self.known[i]:
            return f"{token}: the model never saw this {'character' if self.vocab.level == 'char' else 'word'}; left out of its reading"
        head = f"{token}: {self.bits[i]:.1f} bits, p {self.prob[i]:.2f}, rank {self.rank[i]}"
        kind, d = self.category[i], int(self.detail[i])
        if kind == CORRECT:
            return f"{head}; not an error"
        why = {
            "n-gram": f"a {d}-gram would give it p >= 0.5",
            "dynamic-memory": f"its word was in the last {d:,} characters",
            "rare-word": f"its word is in the training text {d} time{'s' if d != 1 else ''}",
            "word-start": "the first letter of a word",
            "punctuation": "punctuation",
            "boost": f"a boost of {d / 10:.1f} would fix it",
        }.get(kind, "")
        return f"{head}; error: {kind} ({why})"

    def candidates(self, i: int) -> list[tuple[str, float]]:
        return [(self.vocab.tokens[t], float(p)) for t, p in zip(self.top_ids[i], self.top_probs[i]) if t >= 0]

    def hardest(self, count: int = 5, width: int = 12) -> list[Stretch]:
        """The `count` most surprising stretches of `width` tokens, not overlapping, most surprising first."""
        surprise = np.nan_to_num(self.bits, nan=0.0)
        if surprise.size == 0:
            return []
        width = min(width, surprise.size)
        sums = np.convolve(surprise, np.ones(width), mode="valid")
        chosen: list[int] = []
        for start in np.argsort(-sums, kind="stable"):
            if all(abs(int(start) - c) >= width for c in chosen):
                chosen.append(int(start))
                if len(chosen) == count:
                    break
        return [self._stretch(s, s + width, float(sums[s])) for s in chosen]

    def _stretch(self, start: int, end: int, bits: float) -> Stretch:
        expected = [self.vocab.tokens[self.top_ids[i, 0]] if self.known[i] else self.tokens[i] for i in range(start, end)]
        join = "" if self.vocab.level == "char" else " "
        return Stretch(start, end, join.join(self.tokens[start:end]), join.join(expected), bits)


def read_text(model: "CharRNN", vocab: Vocab, text: str, oracles: Oracles | None) -> Reading:
    """Read `text` with `model` and sort its errors with `oracles`.

    Without oracles (the model's corpus is gone) only the oracles that need no
    training text apply: word start, punctuation, and the rest as `boost`.
    """
    if not text:
        raise PromptError("The text is empty: there is nothing to read.")
    tokens = vocab.tokenize(text)
    ids, known = encode_known(vocab, text)
    n = len(tokens)
    prob = np.full(n, np.nan)
    rank = np.zeros(n, dtype=np.int64)
    k = min(TOP_K, len(vocab))
    top_ids = np.full((n, k), -1, dtype=np.int64)
    top_probs = np.zeros((n, k), dtype=np.float32)
    start = vocab.id_of("\n")
    start_id = start if start is not None else 0
    if ids.size:
        stats = forward_stats(model, ids, start_id, k)
        prob[known], rank[known] = stats.prob, stats.rank
        top_ids[known], top_probs[known] = stats.top_ids, stats.top_probs
    bits = -np.log2(np.clip(prob, 1e-300, 1.0))
    ngram_probs = None
    if oracles is not None and ids.size:
        ngram_probs = np.full((n, MAX_N), np.nan)
        ngram_probs[known] = oracles.ngrams.true_probs(np.concatenate([[start_id], ids]), first=1)
    category, detail = classify(tokens, vocab, known, prob, ngram_probs, oracles)
    return Reading(tokens, vocab, known, prob, bits, rank, top_ids, top_probs, category, detail)


def classify(
    tokens: list[str], vocab: Vocab, known: np.ndarray, prob: np.ndarray, ngram_probs: np.ndarray | None, oracles: Oracles | None
) -> tuple[list[str], np.ndarray]:
    """Each token's category (the first oracle that removes its error) and that oracle's detail."""
    n = len(tokens)
    category = [UNKNOWN if not k else CORRECT for k in known]
    detail = np.zeros(n, dtype=np.int64)
    char_level = vocab.level == "char"
    text, offsets = _text_with_offsets(tokens, char_level)
    words = _word_spans(text)
    memory_cache: dict[tuple[str, int], int] = {}
    smallest_n = np.zeros(n, dtype=np.int64)  # the smallest n whose n-gram gives p >= 0.5; 0: none
    if ngram_probs is not None:
        sure = np.nan_to_num(ngram_probs, nan=0.0) >= ERROR_BELOW
        smallest_n = np.where(sure.any(axis=1), sure.argmax(axis=1) + 1, 0)
    for i in np.flatnonzero(known & (np.nan_to_num(prob, nan=1.0) < ERROR_BELOW)):
        i = int(i)
        token, at = tokens[i], offsets[i]
        span = words.get(at)
        word = text[span[0] : span[1]] if span else None
        if smallest_n[i]:
            category[i], detail[i] = "n-gram", smallest_n[i]
            continue
        if oracles is not None and word is not None and (span[0] < at or not char_level):
            window = memory_cache.get((word, span[0]))
            if window is None:
                window = memory_cache[(word, span[0])] = _memory_window(text, word, span[0])
            if window:
                category[i], detail[i] = "dynamic-memory", window
                continue
        if oracles is not None and word is not None and oracles.train_words.get(word, 0) <= RARE_AT_MOST:
            category[i], detail[i] = "rare-word", oracles.train_words.get(word, 0)
            continue
        if char_level and (i == 0 or tokens[i - 1] in WORD_START_AFTER):
            category[i] = "word-start"
            continue
        if all(unicodedata.category(ch).startswith("P") for ch in token):
            category[i] = "punctuation"
            continue
        category[i] = "boost"
        detail[i] = next(round(b * 10) for b in BOOSTS if prob[i] + b >= ERROR_BELOW - 1e-12)
    return category, detail


def _text_with_offsets(tokens: list[str], char_level: bool) -> tuple[str, list[int]]:
    """The text the tokens spell and where each begins (word tokens are joined by single spaces)."""
    if char_level:
        return "".join(tokens), list(range(len(tokens)))
    offsets, at = [], 0
    for token in tokens:
        offsets.append(at)
        at += len(token) + 1
    return " ".join(tokens), offsets


def _word_spans(text: str) -> dict[int, tuple[int, int]]:
    """For every character inside a word, the word's (start, end)."""
    spans: dict[int, tuple[int, int]] = {}
    for match in WORD.finditer(text):
        span = match.span()
        for at in range(*span):
            spans[at] = span
    return spans


def _memory_window(text: str, word: str, start: int) -> int:
    """The smallest window (of MEMORY_WINDOWS) of characters before `start` holding `word`, or 0."""
    last = text.rfind(word, max(0, start - MEMORY_WINDOWS[-1]), start)
    if last < 0:
        return 0
    return next(w for w in MEMORY_WINDOWS if start - last <= w)


def _shown(token: str) -> str:
    return {"\n": "'\\n'", " ": "' '", "\t": "'\\t'"}.get(token, repr(token))


# -- what a screen reads with -------------------------------------------------------------
@dataclass(frozen=True)
class ReadSubject:
    """A model to read with, wherever it comes from: a saved file, or a session training now.

    `snapshot` is called in a worker thread (a training session hands out a copy
    of its weights); the corpus gives the oracles and the held-out text.
    """

    name: str
    vocab: Vocab
    snapshot: Callable[[], "CharRNN"]
    corpus: "Corpus | None"
    split_mode: "SplitMode" = "interleaved"
    corpus_problem: str | None = None  # why the corpus is missing, in one sentence

    @classmethod
    def of_saved(cls, name: str) -> "ReadSubject":
        from seussbot.errors import SeussbotError
        from seussbot.session import load_model

        loaded = load_model(name)
        try:
            corpus, problem = model_corpus(loaded), None
        except SeussbotError as error:
            corpus, problem = None, str(error)
        return cls(loaded.name, loaded.vocab, lambda: loaded.model, corpus, split_mode_of(loaded), problem)

    @classmethod
    def of_session(cls, session) -> "ReadSubject":
        return cls(session.name, session.vocab, session.snapshot_model, session.corpus, session.split_mode)

    def oracles(self) -> Oracles | None:
        return Oracles.of_corpus(self.corpus, self.vocab, self.split_mode) if self.corpus is not None else None

    def held_out(self) -> str:
        if self.corpus is None:
            from seussbot.errors import CorpusError

            raise CorpusError(self.corpus_problem or "The model's corpus cannot be loaded, so it has no held-out text.")
        return self.corpus.split(mode=self.split_mode)[1]
