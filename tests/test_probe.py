"""The corpus probe: has the network learned its grammar's rule, measured from predictions."""

from __future__ import annotations

import torch

from seussbot.corpus import load_corpus
from seussbot.grammars import GRAMMARS, HOMECOMING_BANDS, homecoming_stories
from seussbot.probe import Probe, probe_model
from seussbot.session import TrainingSession
from seussbot.train import Evaluation, Learned, Reading
from seussbot.vocab import Vocab


def _oracle(probe: Probe, stream_length: int) -> Reading:
    """A reading whose every guess is the right next token."""
    return Reading(0.0, probe.ids.clone(), stream_length)


def test_every_held_out_homecoming_ending_is_asked_in_its_distance_band() -> None:
    corpus = load_corpus("homecoming")
    _, val = corpus.split()
    questions = GRAMMARS["homecoming"].probe.ask(val)
    stories = [s for s in homecoming_stories(val) if s.ending_name == s.hero]
    assert len(questions) == len(stories) > 300
    for question, story in zip(questions, stories):
        low, high = HOMECOMING_BANDS[question.band]
        assert val[question.offset : question.offset + 3] == story.hero
        assert low <= story.distance <= high or question.band == len(HOMECOMING_BANDS) - 1


def test_a_perfect_reader_scores_everything_and_a_fixed_guess_scores_its_hero_share() -> None:
    corpus = load_corpus("homecoming")
    vocab = Vocab.build(corpus.text)
    probe = Probe.for_corpus(corpus, vocab)
    perfect = probe.score(_oracle(probe, len(probe.ids)))
    assert perfect.share == 1.0 and all(b.asked > 50 for b in perfect.bands)
    always_p = Reading(0.0, torch.full_like(probe.ids, vocab.id_of("P")), len(probe.ids))
    guessed = probe.score(always_p)
    pim = sum(probe.ids[q[0]].item() == vocab.id_of("P") for q in probe.questions)
    assert guessed.share == pim / len(probe.questions)
    assert 0.03 < guessed.share < 0.2  # about one hero in ten


def test_a_question_whose_hero_was_named_before_the_stream_began_is_not_asked() -> None:
    corpus = load_corpus("homecoming")
    probe = Probe.for_corpus(corpus, Vocab.build(corpus.text))
    whole = probe.score(_oracle(probe, len(probe.ids))).bands
    cut = probe.score(_oracle(probe, 500)).bands  # streams of 500 characters: long stories cross a start
    assert sum(b.asked for b in cut) < sum(b.asked for b in whole)
    assert cut[-1].asked < cut[0].asked  # the long band loses the most


def test_the_line_names_every_band_and_chance() -> None:
    corpus = load_corpus("homecoming")
    probe = Probe.for_corpus(corpus, Vocab.build(corpus.text))
    line = probe.score(_oracle(probe, len(probe.ids))).line()
    assert line == "right hero at the ending, by distance: 15-40 100% · 40-100 100% · 100-200 100% · 200-400 100% (chance 10%)"


def test_spot_asks_the_first_name_of_every_chained_sentence_at_word_level() -> None:
    corpus = load_corpus("spot")
    vocab = Vocab.build(corpus.text, "word")
    probe = Probe.for_corpus(corpus, vocab)
    assert len(probe.questions) > 100
    assert {vocab.tokens[probe.ids[q[0]].item()] for q in probe.questions} == {"Doug", "Jane", "Spot"}
    result = probe.score(_oracle(probe, len(probe.ids)))
    assert result.line() == "next sentence starts with the last name: 100% (chance 33%)"


def test_a_corpus_without_a_grammar_has_no_probe(story_file) -> None:
    corpus = load_corpus(str(story_file))
    assert Probe.for_corpus(corpus, Vocab.build(corpus.text)) is None


def test_training_spot_measures_the_chain_at_every_evaluation_and_says_when_it_is_learned() -> None:
    session = TrainingSession.create("spot", max_steps=150, threads=1, eval_every_s=0.3)
    try:
        events = list(session.events())
    finally:
        session.close()
    evaluations = [e for e in events if isinstance(e, Evaluation)]
    assert evaluations and all(e.probe is not None for e in evaluations)
    learned = [e for e in events if isinstance(e, Learned)]
    assert len(learned) == 1 and learned[0].message == f"learned to follow the chain at step {learned[0].step:,}"
    assert evaluations[-1].probe.share > 0.9
    history = session.state.history
    assert history[-1].probe == evaluations[-1].probe.share and history[-1].probe_bands == evaluations[-1].probe.shares
    # The one call a comparing screen makes gives the same answer from the same weights.
    again = probe_model(session.model, session.vocab, session.corpus)
    assert again is not None and again.share is not None


def test_a_reopened_model_keeps_its_probe_history_and_does_not_announce_again() -> None:
    session = TrainingSession.create("spot", max_steps=100, threads=1, eval_every_s=0.3)
    try:
        list(session.events())
        session.save()
    finally:
        session.close()
    resumed = TrainingSession.resume(session.name, max_steps=40, threads=1, eval_every_s=0.3)
    try:
        assert resumed.state.history[-1].probe is not None
        events = list(resumed.events())
    finally:
        resumed.close()
    assert not [e for e in events if isinstance(e, Learned)]


def test_a_share_wobbling_around_the_mark_is_announced_once(monkeypatch) -> None:
    """Homecoming's LSTM went 45%, 55%, 48%, 60%... near its jump, and was told it learned at every other step."""
    from seussbot.probe import BandShare, ProbeResult

    wobble = iter([20, 55, 45, 60, 48, 70, 49, 80] + [90] * 1000)

    def scripted(self, reading):
        return ProbeResult("rule", "", (BandShare("", next(wobble), 100),), 0.1)

    monkeypatch.setattr(Probe, "score", scripted)
    session = TrainingSession.create("spot", max_steps=120, threads=1, eval_every_s=0.05)
    try:
        events = list(session.events())
    finally:
        session.close()
    shares = [e.probe.share for e in events if isinstance(e, Evaluation)]
    assert shares[:4] == [0.2, 0.55, 0.45, 0.6]  # enough evaluations to wobble
    learned = [e for e in events if isinstance(e, Learned)]
    first_reached = next(e.step for e in events if isinstance(e, Evaluation) and e.probe.share >= 0.5)
    assert [e.step for e in learned] == [first_reached]
