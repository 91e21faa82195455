from pathlib import Path

import pytest

from seussbot.errors import PromptError
from seussbot.sample import SampleConfig, generate, write
from seussbot.session import TrainingSession


def test_same_seed_same_text(session: TrainingSession) -> None:
    config = SampleConfig(length=80, temperature=1.0, seed=7)
    a = write(session.model, session.vocab, "Ann ", config)
    b = write(session.model, session.vocab, "Ann ", config)
    c = write(session.model, session.vocab, "Ann ", SampleConfig(length=80, temperature=1.0, seed=8))
    assert a == b and a != c and a.startswith("Ann ")


def test_greedy_top_k_one_and_tiny_top_p_agree(session: TrainingSession) -> None:
    greedy = write(session.model, session.vocab, "Bob ", SampleConfig(length=40, temperature=0))
    top_k = write(session.model, session.vocab, "Bob ", SampleConfig(length=40, temperature=1.5, top_k=1, seed=3))
    top_p = write(session.model, session.vocab, "Bob ", SampleConfig(length=40, temperature=1.5, top_p=1e-6, seed=4))
    assert greedy == top_k == top_p


def test_each_step_reports_probability_entropy_and_candidates(session: TrainingSession) -> None:
    steps = list(generate(session.model, session.vocab, "Cat ", SampleConfig(length=30, seed=1, with_gates=True)))
    assert len(steps) == 30
    for step in steps:
        assert 0 < step.prob <= 1 and step.entropy_bits >= 0
        probs = [c.prob for c in step.candidates]
        assert probs == sorted(probs, reverse=True) and sum(probs) <= 1 + 1e-6
        assert step.gates and step.gates[0].forget is not None and step.gates[0].forget.shape == (128,)


def test_prompt_with_unseen_characters_is_a_clear_error(session: TrainingSession) -> None:
    with pytest.raises(PromptError, match="never saw"):
        write(session.model, session.vocab, "Zebra {}", SampleConfig(length=5))


def test_bad_settings_are_refused(session: TrainingSession) -> None:
    for config in (SampleConfig(temperature=-1), SampleConfig(top_k=0), SampleConfig(top_p=1.5), SampleConfig(length=-3)):
        with pytest.raises(PromptError):
            write(session.model, session.vocab, "", config)


def test_word_level_writes_spaced_words(tmp_path: Path) -> None:
    from conftest import little_story

    path = tmp_path / "words.txt"
    path.write_text(little_story())
    s = TrainingSession.create(str(path), level="word", preset="tiny", max_steps=100, threads=1, eval_every_s=999)
    list(s.events())
    text = write(s.model, s.vocab, "Ann saw", SampleConfig(length=30, temperature=0.5, seed=2))
    assert text.startswith("Ann saw ") and "  " not in text and " ." not in text
