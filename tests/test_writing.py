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
    whole = find_mistakes(text, profile, protected_prefix=len(prompt), cut=True)  # 400 of 400 written: the length cut it
    assert mistakes, "a tiny network at temperature 1.5 should make mistakes"
    assert [(m.kind, m.start, m.end) for m in mistakes] == [(m.kind, m.start, m.end) for m in whole]
    assert tally is not None and sum(tally.counts.values()) == len(whole)


def test_a_word_the_length_cut_off_is_not_called_made_up(story_file: Path) -> None:
    """Seeds whose text stops inside an invented-looking word: judged whole it would be `made-up`."""
    with trained(story_file) as session:
        profile, model = profile_for_corpus(session.corpus, "char"), session.snapshot_model()
        hanging = 0
        for seed in range(12):
            batches = list(write_and_judge(model, session.vocab, "Ann ", WriteSettings(1.5, 30, seed=seed), profile))
            text = "Ann " + "".join(s.text for b in batches for s in b.steps)
            streamed = {(m.kind, m.start, m.end) for b in batches for m in b.mistakes}
            assert batches[-1].cut
            assert streamed == {(m.kind, m.start, m.end) for m in find_mistakes(text, profile, protected_prefix=4, cut=True)}
            assert not any(end == len(text) and kind == "made-up" for kind, _, end in streamed)
            hanging += any(m.end == len(text) and m.kind == "made-up" for m in find_mistakes(text, profile, protected_prefix=4))
    assert hanging, "no seed ended inside a made-up-looking word: the test would prove nothing"


def test_a_text_that_stops_where_asked_is_not_cut(story_file: Path) -> None:
    from seussbot.until import Until

    with trained(story_file) as session:
        settings = WriteSettings(0.8, 2000, seed=0, until=Until("sentence"))
        batches = list(write_and_judge(session.snapshot_model(), session.vocab, "Ann ", settings, profile_for_corpus(session.corpus, "char")))
    assert len([s for b in batches for s in b.steps]) < 2000 and not batches[-1].cut


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


def test_a_stream_started_on_one_thread_and_carried_on_by_another_leaves_the_first_as_it_was(story_file: Path) -> None:
    """The studio writes the first letter on the screen's thread and a worker writes the rest."""
    import threading

    import torch

    with trained(story_file) as session:
        model = session.snapshot_model()
        threads = torch.get_num_threads()
        batches = write_and_judge(model, session.vocab, "Ann ", WriteSettings(0.8, 80, seed=2), batch_s=0.0)
        first = next(batches)
        assert len(first.steps) == 1
        assert not torch.is_inference_mode_enabled() and torch.get_num_threads() == threads
        rest: list = []
        worker = threading.Thread(target=lambda: rest.extend(batches))
        worker.start()
        worker.join()
        assert not torch.is_inference_mode_enabled() and torch.get_num_threads() == threads
        assert torch.ones(1, requires_grad=True).mul(2).requires_grad  # autograd still records here
        again = [s for b in write_and_judge(model, session.vocab, "Ann ", WriteSettings(0.8, 80, seed=2)) for s in b.steps]
    assert [s.token for b in [first, *rest] for s in b.steps] == [s.token for s in again]
