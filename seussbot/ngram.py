"""Token n-gram models of a corpus's training split, n = 1..9: the reading oracle and a writing baseline.

Two clients want the same counts. Reading (`seussbot.reading`) asks, for every
character of a text, what probability each n-gram model (n = 1..9) gives the
true character: the first oracle of Karpathy, Johnson & Fei-Fei (2015). The
compare screen wants an n-gram *writer* beside the RNN, LSTM and GRU. So the
counts are built once per corpus and cached on disk, and `NGramModel` has the
surface of `CharRNN` that sampling uses, so `seussbot.sample.generate` and
`seussbot.writing.write_and_judge` write from it unchanged.

Smoothing: interpolated Witten-Bell (Witten & Bell 1991, "The zero-frequency
problem"; in the interpolated form of Chen & Goodman 1998, "An empirical study
of smoothing techniques for language modeling", section 2.4). With h a context
of k tokens, h' the same context less its oldest token, c(h, w) the count of
w after h in the training split, c(h) = sum_w c(h, w) and T(h) the number of
distinct tokens seen after h:

    P_wb(w | h) = (c(h, w) + T(h) * P_wb(w | h')) / (c(h) + T(h))

ending in the uniform distribution 1/V below the unigram. A context never seen
in training falls back to h' (its weight would be 0/0). Order n means a
context of n - 1 tokens: n = 1 is the unigram.

API
- `ngram_counts(corpus, vocab, split_mode)` -> `NGramCounts`, read from the
  cache (`paths.cache_dir()/ngram/`, safetensors of plain integer arrays plus
  JSON, never pickle; keyed by the corpus's sha256, the split and the
  vocabulary) or built and cached there (about a second per million tokens).
- `NGramCounts.true_probs(ids, first)` -> (len(ids) - first, 9) array:
  P_n(ids[t] | the tokens before t) for t >= first and n = 1..9, all at once.
- `NGramCounts.distribution(history, n)` -> (V,) probabilities of the next token.
- `NGramCounts.val_bits` -> validation bits per token of each n, measured when built;
  `best_order` is the n with the fewest (it grows with the corpus: more text
  supports longer contexts before their counts run thin).
- `NGramModel(counts, vocab, n=None)`: `initial_state(batch)`, `step(ids, state,
  with_gates=False) -> (logits, state, None)`, `forward(ids, state)`, `eval()`,
  `parameters()` and `parameter_count()` like `CharRNN`; its state is its last
  n - 1 tokens, as a (batch, n - 1) long tensor (-1: no token yet).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import torch

from seussbot import paths
from seussbot.corpus import Corpus, SplitMode
from seussbot.vocab import Vocab

MAX_N = 9  # the paper's n-grams: n = 1 .. 9
MAX_TRAIN_TOKENS = 4_000_000  # a longer training split is counted on its first this-many tokens
CACHE_VERSION = 1
_BITS_PER_NAT = 1 / np.log(2)


@dataclass(frozen=True)
class OrderTable:
    """The counts after every context of one length k (order n = k + 1), sorted for binary search.

    Context ids are positions in `context_keys`; a context of length k is its
    parent (the context of its k - 1 newest tokens) extended by one older token:
    key = parent_id * V + older_token. Rows of the (context, next) table are
    sorted by key = context_id * V + next_token.
    """

    context_keys: np.ndarray  # int64, sorted
    pair_keys: np.ndarray  # int64, sorted
    pair_counts: np.ndarray  # int64: c(h, w)
    context_totals: np.ndarray  # int64 per context: c(h)
    context_types: np.ndarray  # int64 per context: T(h)


@dataclass
class NGramCounts:
    """Witten-Bell n-gram models, n = 1..9, of one token sequence."""

    vocab_size: int
    tables: list[OrderTable]  # tables[k]: contexts of k tokens
    train_tokens: int
    val_bits: list[float]  # validation bits per token for n = 1..9 (nan: no validation text)

    @property
    def best_order(self) -> int:
        finite = [(b, n) for n, b in enumerate(self.val_bits, start=1) if np.isfinite(b)]
        return min(finite)[1] if finite else 3

    def stored_counts(self) -> int:
        """How many numbers the model keeps: the n-gram's equivalent of a weight count."""
        return int(sum(t.pair_counts.size + t.context_keys.size for t in self.tables))

    # -- the oracle: every position, every n, at once --------------------------------
    def true_probs(self, ids: np.ndarray, first: int = 0) -> np.ndarray:
        """P_n(ids[t] | ids[:t]) for t in [first, len(ids)) and n = 1..9: shape (len - first, 9)."""
        ids = np.asarray(ids, dtype=np.int64)
        V = self.vocab_size
        positions = np.arange(first, ids.size)
        true = ids[positions]
        out = np.empty((positions.size, MAX_N))
        context = np.zeros(positions.size, dtype=np.int64)  # the empty context has id 0
        prob = np.full(positions.size, 1.0 / V)
        for k, table in enumerate(self.tables):
            if k > 0:
                back = positions - k
                has = (back >= 0) & (context >= 0)
                key = np.where(has, context * V + ids[np.maximum(back, 0)], -1)
                context = _find(table.context_keys, key)
            seen = context >= 0
            safe = np.maximum(context, 0)
            pair = _find(table.pair_keys, np.where(seen, safe * V + true, -1))
            c_hw = np.where(pair >= 0, table.pair_counts[np.maximum(pair, 0)], 0)
            c_h = table.context_totals[safe]
            t_h = table.context_types[safe]
            prob = np.where(seen, (c_hw + t_h * prob) / np.maximum(c_h + t_h, 1), prob)
            out[:, k] = prob
        return out

    # -- the writer: one full distribution --------------------------------------------
    def distribution(self, history: Sequence[int], n: int) -> np.ndarray:
        """P_n(. | history): the next token's probabilities given the newest n - 1 tokens of `history`."""
        V = self.vocab_size
        prob = np.full(V, 1.0 / V)
        context = 0
        recent = [int(t) for t in history if t >= 0][::-1]  # newest first
        for k in range(min(n, MAX_N)):
            table = self.tables[k]
            if k > 0:
                if k > len(recent):
                    break
                found = _find(table.context_keys, np.array([context * V + recent[k - 1]]))[0]
                if found < 0:
                    break
                context = int(found)
            lo, hi = np.searchsorted(table.pair_keys, [context * V, (context + 1) * V])
            counts = np.zeros(V)
            counts[table.pair_keys[lo:hi] - context * V] = table.pair_counts[lo:hi]
            t_h = table.context_types[context]
            prob = (counts + t_h * prob) / (table.context_totals[context] + t_h)
        return prob


def _table(context_keys: np.ndarray, pair_keys: np.ndarray, pair_counts: np.ndarray, V: int) -> OrderTable:
    """A table with each context's total c(h) and types T(h) summed from its rows (they are not stored)."""
    owner = pair_keys // V
    totals = np.bincount(owner, weights=pair_counts, minlength=context_keys.size).astype(np.int64)
    types = np.bincount(owner, minlength=context_keys.size).astype(np.int64)
    return OrderTable(context_keys, pair_keys, pair_counts.astype(np.int64), totals, types)


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key in `sorted_keys`, or -1 where it is absent (keys < 0 are always absent)."""
    at = np.searchsorted(sorted_keys, keys)
    inside = at < sorted_keys.size
    hit = inside & (sorted_keys[np.minimum(at, sorted_keys.size - 1)] == keys) & (keys >= 0)
    return np.where(hit, at, -1)


# -- building ----------------------------------------------------------------------------
def count_ngrams(train_ids: np.ndarray, vocab_size: int, val_ids: np.ndarray | None = None) -> NGramCounts:
    """Count every context of 0..8 tokens and what followed it; measure validation bits per n."""
    ids = np.asarray(train_ids, dtype=np.int64)[:MAX_TRAIN_TOKENS]
    V = vocab_size
    tables = []
    context = np.zeros(ids.size, dtype=np.int64)  # context id of each position; -1 where too early
    context_keys = np.zeros(1, dtype=np.int64)
    for k in range(MAX_N):
        if k > 0:
            valid = np.arange(ids.size) >= k
            key = np.where(valid, context * V + np.roll(ids, k), -1)
            context_keys, inverse = np.unique(key[valid], return_inverse=True)
            context = np.full(ids.size, -1, dtype=np.int64)
            context[valid] = inverse
        rows = context >= 0
        pair_keys, pair_counts = np.unique(context[rows] * V + ids[rows], return_counts=True)
        tables.append(_table(context_keys, pair_keys, pair_counts, V))
    counts = NGramCounts(V, tables, int(ids.size), [float("nan")] * MAX_N)
    if val_ids is not None and len(val_ids) > 1:
        probs = counts.true_probs(np.asarray(val_ids, dtype=np.int64))
        counts.val_bits = [float(b) for b in -np.log2(probs).mean(axis=0)]
    return counts


def ngram_counts(corpus: Corpus, vocab: Vocab, split_mode: SplitMode = "interleaved") -> NGramCounts:
    """The n-gram tables of `corpus`'s training split in `vocab`'s tokens: from the cache, or built and cached."""
    path = cache_path(corpus, vocab, split_mode)
    cached = _read_cache(path)
    if cached is not None:
        return cached
    train, val = corpus.split(mode=split_mode)
    counts = count_ngrams(encode_known(vocab, train)[0], len(vocab), encode_known(vocab, val)[0])
    _write_cache(path, counts)
    return counts


def cache_path(corpus: Corpus, vocab: Vocab, split_mode: SplitMode) -> Path:
    """One file per corpus text (sha256), split and vocabulary."""
    detail = hashlib.sha256(json.dumps([CACHE_VERSION, split_mode, vocab.to_json()]).encode()).hexdigest()[:16]
    return paths.cache_dir() / "ngram" / f"{corpus.sha256}-{detail}.safetensors"


def encode_known(vocab: Vocab, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(ids of the tokens `vocab` knows, mask over all tokens of `text`: known or not).

    Unknown tokens are left out of the ids, not refused: a text to read may hold
    characters the model never saw. Characters are looked up as code points in
    one vectorised step (a million in milliseconds, where a dict lookup each takes seconds).
    """
    if vocab.level == "char" and all(len(t) == 1 for t in vocab.tokens):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        known_codes = np.array([ord(t) for t in vocab.tokens], dtype=np.int64)
        order = np.argsort(known_codes)
        at = np.minimum(np.searchsorted(known_codes[order], codes), len(order) - 1)
        known = known_codes[order][at] == codes
        return order[at][known].astype(np.int64), known
    found = [vocab.id_of(t) for t in vocab.tokenize(text)]
    known = np.array([i is not None for i in found], dtype=bool)
    return np.array([i for i in found if i is not None], dtype=np.int64), known




def _write_cache(path: Path, counts: NGramCounts) -> None:
    from safetensors.numpy import save

    from seussbot.errors import StorageError
    from seussbot.store import atomic_write_bytes

    arrays = {}
    for k, t in enumerate(counts.tables):  # totals and types are summed again on reading: a third of the bytes
        arrays |= {f"{k}.context_keys": t.context_keys, f"{k}.pair_keys": t.pair_keys, f"{k}.pair_counts": t.pair_counts.astype(np.uint32)}
    meta = {"version": CACHE_VERSION, "vocab_size": counts.vocab_size, "train_tokens": counts.train_tokens, "val_bits": counts.val_bits}
    try:
        atomic_write_bytes(path, save(arrays, metadata={"seussbot-ngram": json.dumps(meta)}))
    except StorageError:
        pass  # a cache that cannot be written is rebuilt next time; reading goes on


def _read_cache(path: Path) -> NGramCounts | None:
    """The cached tables, or None when absent or unreadable (then they are rebuilt)."""
    if not path.is_file():
        return None
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="np") as handle:
            meta = json.loads(handle.metadata()["seussbot-ngram"])
            arrays = {key: handle.get_tensor(key) for key in handle.keys()}
        if meta.get("version") != CACHE_VERSION:
            return None
        V = int(meta["vocab_size"])
        tables = [_table(arrays[f"{k}.context_keys"], arrays[f"{k}.pair_keys"], arrays[f"{k}.pair_counts"], V) for k in range(MAX_N)]
        return NGramCounts(V, tables, int(meta["train_tokens"]), [float(b) for b in meta["val_bits"]])
    except (SafetensorError, OSError, KeyError, TypeError, ValueError):
        return None


# -- the model-like surface -------------------------------------------------------------
class NGramModel:
    """An n-gram writer with `CharRNN`'s sampling surface; its state is its last n - 1 tokens."""

    def __init__(self, counts: NGramCounts, vocab: Vocab, n: int | None = None) -> None:
        self.counts, self.vocab = counts, vocab
        self.n = n if n is not None else counts.best_order
        if not 1 <= self.n <= MAX_N:
            raise ValueError(f"n must be from 1 to {MAX_N}")
        self._device_anchor = torch.empty(0)

    @property
    def val_bits(self) -> float:
        """Validation bits per token of this n (nan when there was no validation text)."""
        return self.counts.val_bits[self.n - 1]

    def parameters(self) -> Iterator[torch.Tensor]:
        """One empty tensor, so callers that ask a model for its device (`next(model.parameters())`) get the CPU."""
        yield self._device_anchor

    def parameter_count(self) -> int:
        return self.counts.stored_counts()

    def eval(self) -> "NGramModel":
        return self

    def initial_state(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.full((batch, self.n - 1), -1, dtype=torch.long, device=device)

    def step(self, ids: torch.Tensor, state: torch.Tensor | None = None, *, with_gates: bool = False) -> tuple[torch.Tensor, torch.Tensor, None]:
        """ids (batch,) -> log-probabilities (batch, V) of the token after them, next state, no gates."""
        logits, state = self.forward(ids.reshape(-1, 1), state)
        return logits[:, 0], state, None

    def forward(self, ids: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (batch, time) -> log-probabilities (batch, time, V) after each token, final state."""
        batch, time = ids.shape
        if state is None:
            state = self.initial_state(batch)
        history = torch.cat([state.cpu(), ids.cpu().long()], dim=1).numpy()
        out = np.empty((batch, time, self.counts.vocab_size), dtype=np.float32)
        keep = self.n - 1
        for b in range(batch):
            for t in range(time):
                end = keep + t + 1
                out[b, t] = self.counts.distribution(history[b, max(0, end - keep) : end], self.n)
        new_state = torch.from_numpy(history[:, history.shape[1] - keep :].copy()) if keep else self.initial_state(batch)
        return torch.from_numpy(np.log(out)), new_state

    __call__ = forward
