"""Writing and judging as the text grows: the stream every screen and `seussbot sample` share."""

from __future__ import annotations

from pathlib import Path

from seussbot.mistakes import find_mistakes, profile_for_corpus
from seussbot.session import TrainingSession
from seussbot.writing import WriteSettings, write_all, write_and_judge


def trained(story_file: Path) -> TrainingSession:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=60, threads=1, eval_every_s=999)
    list(session.events())
    return session


def test_same_seed_same_steps(story_file: Path) -> None:
    with trained(story_file) as session:
        model, settings = session.snapshot_model(), WriteSettings(0.8, 120, seed=3)
        first = [s for b in write_and_judge(model, session.vocab, "Ann ", settings) for s in b.steps]
        again = [s for b in write_and_judge(model, session.vocab, "Ann ", settings, batch_s=0.0) for s in b.steps]
    assert [s.token for s in first] == [s.token for s in again] and len(first) == 120
    assert [s.prob for s in first] == [s.prob for s in again]


def test_mistakes_found_as_it_writes_equal_those_in_the_whole_text(story_file: Path) -> None:
    with trained(story_file) as session:
        profile = profile_for_corpus(session.corpus, "char")
        prompt = "Ann saw "
        steps, mistakes, tally = write_all(session.snapshot_model(), session.vocab, prompt, WriteSettings(1.5, 400, seed=1), profile)
    text = prompt + "".join(s.text for s in steps)
    whole = find_mistakes(text, profile, protected_prefix=len(prompt))
    assert mistakes, "a tiny network at temperature 1.5 should make mistakes"
    assert [(m.kind, m.start, m.end) for m in mistakes] == [(m.kind, m.start, m.end) for m in whole]
    assert tally is not None and sum(tally.counts.values()) == len(whole)


def test_batches_carry_gates_when_asked(story_file: Path) -> None:
    with trained(story_file) as session:
        batches = list(write_and_judge(session.snapshot_model(), session.vocab, "", WriteSettings(length=5, seed=0), with_gates=True))
    steps = [s for b in batches for s in b.steps]
    assert batches[-1].done and batches[-1].tally is None
    assert all(s.gates and s.gates[0].forget is not None for s in steps)


def test_cancelling_stops_the_stream(story_file: Path) -> None:
    with trained(story_file) as session:
        seen = []
        for batch in write_and_judge(session.snapshot_model(), session.vocab, "", WriteSettings(length=2000, seed=0),
                                     cancelled=lambda: len(seen) >= 1, batch_s=0.0):
            seen.append(batch)
    assert len(seen) == 1 and not seen[0].done
