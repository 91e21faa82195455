"""The n-gram oracle and baseline: Witten-Bell numbers by hand, a cache without pickle, writing like a model."""

from __future__ import annotations

import numpy as np
import pytest

from seussbot import ngram
from seussbot.corpus import Corpus, Manifest
from seussbot.sample import SampleConfig, generate, write
from seussbot.vocab import Vocab
from seussbot.writing import WriteSettings, write_all
from tests.conftest import little_story


def test_witten_bell_matches_the_numbers_worked_by_hand() -> None:
    counts = ngram.count_ngrams(np.array([0, 0, 1]), vocab_size=2)  # "aab"
    # unigram: c(a)=2 of 3, two types seen: (2 + 2 * 1/2) / (3 + 2)
    assert counts.distribution([], 1)[0] == pytest.approx(0.6)
    # after "a": a once, b once, two types: (1 + 2 * P1(b)) / (2 + 2)
    assert counts.distribution([0], 2)[1] == pytest.approx((1 + 2 * 0.4) / 4)
    # a context never seen ("b") falls back to the unigram
    assert counts.distribution([1], 2)[1] == pytest.approx(0.4)


def test_true_probs_agree_with_the_full_distributions_and_sum_to_one() -> None:
    rng = np.random.default_rng(0)
    train = rng.integers(0, 5, size=3000)
    train[::7] = 4  # some structure for the longer contexts to find
    counts = ngram.count_ngrams(train, vocab_size=5)
    text = rng.integers(0, 5, size=40)
    probs = counts.true_probs(text)
    for t in (0, 1, 5, 39):
        for n in (1, 3, 9):
            dist = counts.distribution(text[:t], n)
            assert dist.sum() == pytest.approx(1.0)
            assert probs[t, n - 1] == pytest.approx(dist[text[t]])


def test_a_periodic_text_is_learned_by_a_long_enough_context() -> None:
    train = np.array([0, 1, 2, 0, 1, 3] * 200)  # after "0 1" comes 2 or 3, decided two tokens further back
    val = np.array([0, 1, 2, 0, 1, 3] * 20)
    counts = ngram.count_ngrams(train, vocab_size=4, val_ids=val)
    assert counts.val_bits[0] > counts.val_bits[3] + 1  # a unigram is lost, a 4-gram is nearly sure
    assert counts.best_order >= 4
    assert counts.distribution([3, 0, 1], 4)[2] > 0.95


def _corpus(text: str) -> Corpus:
    return Corpus("story", text, "file", None, Manifest(name="story", title="story", description=""))


def test_counts_are_cached_once_per_corpus_as_safetensors(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(little_story())
    vocab = Vocab.build(corpus.text)
    first = ngram.ngram_counts(corpus, vocab)
    path = ngram.cache_path(corpus, vocab, "interleaved")
    assert path.is_file() and corpus.sha256 in path.name
    assert b"pickle" not in path.read_bytes()[:4096] and path.read_bytes()[8:9] == b"{"  # a safetensors JSON header

    def no_rebuilding(*args, **kwargs):
        raise AssertionError("the cached tables should have been read")

    monkeypatch.setattr(ngram, "count_ngrams", no_rebuilding)
    again = ngram.ngram_counts(corpus, vocab)
    assert again.val_bits == first.val_bits
    assert all(np.array_equal(a.pair_keys, b.pair_keys) for a, b in zip(again.tables, first.tables))
    other = _corpus(little_story(seed=2))
    assert ngram.cache_path(other, Vocab.build(other.text), "interleaved") != path


def test_a_damaged_cache_is_rebuilt_not_trusted() -> None:
    corpus = _corpus(little_story())
    vocab = Vocab.build(corpus.text)
    ngram.ngram_counts(corpus, vocab)
    path = ngram.cache_path(corpus, vocab, "interleaved")
    path.write_bytes(b"not a cache")
    assert np.isfinite(ngram.ngram_counts(corpus, vocab).val_bits).all()


def test_the_ngram_writes_through_the_models_sampling_stream() -> None:
    corpus = _corpus(little_story())
    vocab = Vocab.build(corpus.text)
    model = ngram.NGramModel(ngram.ngram_counts(corpus, vocab), vocab)
    assert model.n == model.counts.best_order and model.val_bits < 2.5
    same = [write(model, vocab, "Ann ", SampleConfig(length=60, seed=3)) for _ in range(2)]
    assert same[0] == same[1] and len(same[0]) == 64
    steps = list(generate(model, vocab, "Bob saw", SampleConfig(length=5, temperature=0)))
    assert steps[0].text == " " and all(0 < s.prob <= 1 for s in steps)  # after "saw" the story always has a space
    assert all(s.candidates[0].prob >= s.candidates[-1].prob for s in steps)
    written, _, tally = write_all(model, vocab, "Cat ", WriteSettings(length=40, seed=1))
    assert len(written) == 40 and tally is None


def test_the_ngram_state_is_its_last_tokens() -> None:
    counts = ngram.count_ngrams(np.array([0, 1, 2, 0, 1, 3] * 50), vocab_size=4)
    model = ngram.NGramModel(counts, Vocab("char", list("abcd")), n=4)
    logits, state = model(torch_ids([[3, 0, 1]]))
    assert state.tolist() == [[3, 0, 1]]
    step_logits, state, gates = model.step(torch_ids([2]), state)
    assert gates is None and state.tolist() == [[0, 1, 2]]
    assert logits.shape == (1, 3, 4) and int(logits[0, -1].argmax()) == 2  # "d a b" is followed by "c"


def torch_ids(rows):
    import torch

    return torch.tensor(rows)
