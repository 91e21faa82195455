"""Reading a text: surprise and rank per character, the streams' faithfulness, and the error kinds of Karpathy et al."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch

from seussbot import reading
from seussbot.errors import PromptError
from seussbot.ngram import MAX_N, count_ngrams
from seussbot.vocab import Vocab


@pytest.fixture
def loaded(trained):
    from seussbot.session import load_model

    return load_model(trained.path)


def test_a_short_text_is_read_exactly_as_one_forward_pass(loaded) -> None:
    text = "Ann saw a hat. Bob hid the cup.\nCat had a pig."
    result = reading.read_text(loaded.model, loaded.vocab, text, None)
    ids = torch.tensor([[loaded.vocab.id_of("\n"), *loaded.vocab.encode(text)]])
    with torch.no_grad():
        probs = torch.softmax(loaded.model(ids[:, :-1])[0][0], dim=-1)
    expected = probs[torch.arange(len(text)), ids[0, 1:]].numpy()
    assert np.allclose(result.prob, expected, atol=1e-5)
    assert np.allclose(result.bits, -np.log2(expected), atol=1e-4)
    ranks = (probs > probs[torch.arange(len(text)), ids[0, 1:]].unsqueeze(1)).sum(1) + 1
    assert result.rank.tolist() == ranks.tolist()
    assert result.candidates(0)[0][1] == pytest.approx(float(probs[0].max()), abs=1e-6)


def test_a_long_text_read_as_streams_matches_one_stream_carried_throughout(loaded) -> None:
    from tests.conftest import little_story

    text = little_story(sentences=800, seed=5)[:12_000]
    result = reading.read_text(loaded.model, loaded.vocab, text, None)
    ids = loaded.vocab.encode(text)
    one = reading.forward_stats(loaded.model, np.array(ids), loaded.vocab.id_of("\n"))
    with torch.no_grad():  # the reference: one stream, the state carried from start to end
        logits, _ = loaded.model(torch.tensor([[loaded.vocab.id_of("\n"), *ids[:-1]]]))
    exact = torch.softmax(logits[0], -1)[torch.arange(len(ids)), torch.tensor(ids)].numpy()
    assert len(text) // reading.STREAM_MIN > 1  # this text really is cut into streams
    assert np.abs(np.log2(one.prob) - np.log2(exact)).mean() < 0.01
    assert abs(result.bits_per_token - float(-np.log2(exact).mean())) < 0.01


def _oracles(train: str, vocab: Vocab) -> reading.Oracles:
    ids = np.array(vocab.encode(train))
    return reading.Oracles(count_ngrams(ids, len(vocab)), Counter(reading.WORD.findall(train)))


def test_each_error_goes_to_the_first_oracle_that_removes_it() -> None:
    text = "the zebra ran. a zebra ran!"
    vocab = Vocab.build(text + " cms")
    tokens = list(text)
    known = np.ones(len(text), dtype=bool)
    prob = np.full(len(text), 0.9)
    ngram_probs = np.zeros((len(text), MAX_N))
    second = text.index("zebra", 5)  # the second zebra
    wrong = {
        1: ("n-gram", 3),  # 'h' of "the": a 3-gram would have known it
        second + 1: ("dynamic-memory", 100),  # 'e' of the second "zebra", 11 characters after the first
        second: ("rare-word", 0),  # the first letter is not memory; zebra is not in the training text
        text.index(" a ") + 1: ("word-start", 0),  # 'a' after a space, a common word
        text.index("."): ("punctuation", 0),
        text.index("ran") + 1: ("boost", 3),  # p 0.25 needs +0.3 to reach 0.5
    }
    for at in wrong:
        prob[at] = 0.25
    ngram_probs[1, 2] = 0.7
    oracles = _oracles("the cat ran. a cat ran. the man sat. " * 6, vocab)
    category, detail = reading.classify(tokens, vocab, known, prob, ngram_probs, oracles)
    for at, (kind, d) in wrong.items():
        assert (category[at], int(detail[at])) == (kind, d), (at, text[at])
    assert Counter(category)["correct"] == len(text) - len(wrong)


def test_a_word_seen_far_back_is_memory_of_the_smallest_window_holding_it() -> None:
    text = "zebra " + "la " * 200 + "zebra"
    vocab = Vocab.build(text)
    prob = np.full(len(text), 0.9)
    prob[-3] = 0.1  # the 'b' of the last zebra, 600 characters after the first
    category, detail = reading.classify(list(text), vocab, np.ones(len(text), bool), prob, None, _oracles("la la la", vocab))
    assert (category[-3], int(detail[-3])) == ("dynamic-memory", 1_000)


def test_characters_the_model_never_saw_are_marked_unknown_and_counted_apart(loaded) -> None:
    text = "Ann saw a hat\u20ac. Bob \u00e9 hid."
    result = reading.read_text(loaded.model, loaded.vocab, text, None)
    assert result.unknown_count == 2 and result.read_count == len(text) - 2
    assert result.category[text.index("\u20ac")] == "unknown" and np.isnan(result.bits[text.index("\u20ac")])
    assert "never saw" in result.explain(text.index("\u20ac"))
    assert sum(result.breakdown.values()) == result.errors <= result.read_count
    assert sum(result.rank_bands.values()) == pytest.approx(1.0)


def test_an_empty_text_is_refused_in_one_sentence(loaded) -> None:
    with pytest.raises(PromptError, match="empty"):
        reading.read_text(loaded.model, loaded.vocab, "", None)


def test_the_hardest_stretch_is_where_the_surprise_is(loaded) -> None:
    text = "Ann saw a hat. " * 20 + "ppp.,,AAAB" + " Ann saw a hat." * 20
    result = reading.read_text(loaded.model, loaded.vocab, text, None)
    hardest = result.hardest(3, width=8)
    assert len(hardest) == 3 and hardest[0].bits >= hardest[1].bits >= hardest[2].bits
    starts = [h.start for h in hardest]
    assert all(abs(a - b) >= 8 for a in starts for b in starts if a != b)
    assert len(hardest[0].expected) == len(hardest[0].text) == 8


def test_held_out_text_is_the_validation_split_of_the_models_corpus(loaded) -> None:
    from seussbot.corpus import load_corpus

    held = reading.held_out_text(loaded)
    train, val = load_corpus(loaded.meta["corpus"]["path"]).split()
    assert held == val and held not in train


def test_a_word_level_model_reads_words_with_unknown_words_apart() -> None:
    from seussbot.model import CharRNN, ModelConfig

    vocab = Vocab.build("Doug saw Jane. Jane saw Spot. Spot saw Doug.\n", level="word")
    torch.manual_seed(0)
    model = CharRNN(ModelConfig("lstm", len(vocab), hidden_size=16))
    train = "Doug saw Jane. Jane saw Spot. Spot saw Doug.\n" * 10
    oracles = reading.Oracles(count_ngrams(np.array(vocab.encode(train)), len(vocab)), Counter(reading.WORD.findall(train)))
    result = reading.read_text(model, vocab, "Doug saw Zed. Jane saw Doug.", oracles)
    assert result.tokens == ["Doug", "saw", "Zed", ".", "Jane", "saw", "Doug", "."]
    assert result.category[2] == "unknown" and result.unknown_count == 1
    assert all(c in (*reading.CATEGORIES, "correct", "unknown") for c in result.category)
    assert "word-start" not in result.category  # every word token starts a word: that oracle is for characters
