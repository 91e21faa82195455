"""Decoding modes of the writing stream: the fast stepper, beam search, stopping where a writer would."""

from __future__ import annotations

import math

import pytest
import torch

from seussbot.beam import BeamConfig, beam_search
from seussbot.errors import PromptError
from seussbot.model import CharRNN, ModelConfig
from seussbot.sample import SampleConfig, generate, write
from seussbot.session import TrainingSession
from seussbot.stepper import Stepper
from seussbot.until import Until
from seussbot.vocab import Vocab


def bigram_model(vocab: Vocab, next_probs: dict[str, dict[str, float]]) -> CharRNN:
    """A hand-built RNN whose next token depends only on the last one: P(next | last) = next_probs[last][next].

    The embedding is one-hot, the input weights copy it into the hidden state
    (tanh of 20 is 1 to float precision), nothing recurs, and the readout holds
    the log-probabilities. Unlisted pairs get a tiny probability.
    """
    size = len(vocab)
    model = CharRNN(ModelConfig("rnn", size, hidden_size=max(8, size), layers=1, embed_dim=size))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embed.weight.copy_(torch.eye(size))
        model.rnn.weight_ih_l0[:size, :size].copy_(20 * torch.eye(size))
        for last, row in next_probs.items():
            for token in vocab.tokens:
                model.head.weight[vocab.id_of(token), vocab.id_of(last)] = math.log(row.get(token, 1e-6))
    return model.eval()


TRAP = Vocab("char", ["\n", "a", "b", "c", "d"])
# From the start, 'a' (0.6) beats 'b' (0.4); but after 'a' the odds are split (0.5 'c', 0.5 'd'),
# while after 'b' a 'c' is nearly sure (0.95). Greedy writes "ac" (0.30); the best pair is "bc" (0.38).
TRAP_ODDS = {
    "\n": {"a": 0.6, "b": 0.4},
    "a": {"c": 0.5, "d": 0.5},
    "b": {"c": 0.95, "d": 0.05},
    "c": {"\n": 1.0},
    "d": {"\n": 1.0},
}


@pytest.mark.parametrize("numpy", [True, False], ids=["numpy (the CPU path)", "torch (the GPU path)"])
@pytest.mark.parametrize("layers", [1, 3])
def test_the_stepper_computes_what_the_network_computes(numpy: bool, layers: int) -> None:
    torch.manual_seed(0)
    for cell in ("lstm", "gru", "rnn"):
        model = CharRNN(ModelConfig(cell, 30, hidden_size=48, layers=layers, embed_dim=12)).eval()
        ids = torch.randint(0, 30, (3, 25))
        start = model.initial_state(3)
        start = tuple(torch.randn_like(s) for s in start) if cell == "lstm" else torch.randn_like(start)  # type: ignore[union-attr]
        expected, _ = model(ids, start)
        stepper = Stepper(model, numpy=numpy)
        state = stepper.from_model_state(start)
        got = []
        for t in range(ids.shape[1]):
            logits, state = stepper.step(ids[:, t], state)
            got.append(logits)
            if t == 10:  # a beam reorders its sequences: the state follows its rows
                order = torch.tensor([2, 0, 1])
                state, ids, expected = state.select(order), ids[order], expected[order]
                got = [g[order] for g in got]
        assert torch.allclose(torch.stack(got, dim=1), expected, atol=1e-5), cell
        assert not logits.requires_grad  # no graph is recorded, though no no_grad is entered


def test_beam_width_one_writes_what_greedy_writes(session: TrainingSession) -> None:
    for prompt in ("Ann ", "", "Bob saw a"):
        greedy = list(generate(session.model, session.vocab, prompt, SampleConfig(length=60, temperature=0)))
        beam = beam_search(session.model, session.vocab, prompt, BeamConfig(width=1, length=60))
        assert [s.token for s in beam] == [s.token for s in greedy]
        assert [round(s.prob, 5) for s in beam] == [round(s.prob, 5) for s in greedy]


def test_the_beam_finds_the_best_sequence_that_greedy_misses() -> None:
    model = bigram_model(TRAP, TRAP_ODDS)
    greedy = write(model, TRAP, "", SampleConfig(length=2, temperature=0))
    beam = beam_search(model, TRAP, "", BeamConfig(width=2, length=2))
    assert greedy == "ac"
    assert "".join(s.token for s in beam) == "bc"
    assert [round(s.prob, 3) for s in beam] == [0.4, 0.95]


def test_a_stopped_text_is_judged_by_its_mean_log_probability() -> None:
    # Greedy-ish "ac\n" ends a line at 0.6*0.5; "bc\n" at 0.4*0.95: normalised per token, "bc" still wins,
    # and the line break that ends the line is not written.
    model = bigram_model(TRAP, TRAP_ODDS)
    beam = beam_search(model, TRAP, "", BeamConfig(width=3, length=50, until=Until.parse("line")))
    assert "".join(s.token for s in beam) == "bc"


def test_no_repeat_keeps_a_looping_beam_from_repeating_itself() -> None:
    vocab = Vocab("char", ["\n", "a", "b", "c"])
    loop = {"\n": {"a": 0.9, "b": 0.05, "c": 0.05}, "a": {"b": 0.9, "c": 0.1}, "b": {"a": 0.9, "c": 0.1}, "c": {"a": 0.5, "b": 0.5}}
    model = bigram_model(vocab, loop)
    looping = "".join(s.token for s in beam_search(model, vocab, "", BeamConfig(width=3, length=12)))
    assert looping == "abababababab"
    free = "".join(s.token for s in beam_search(model, vocab, "", BeamConfig(width=3, length=12, no_repeat=3)))
    grams = [free[i : i + 3] for i in range(len(free) - 2)]
    assert len(grams) == len(set(grams)) and len(free) == 12


@pytest.mark.parametrize(
    ("until", "prompt", "written", "expected"),
    [
        ("sentence", "Ann saw", " a hat. Bob", " a hat."),
        ("sentence", "Ann saw a hat.", " Bob hid. Cat", " Bob hid."),
        ("sentence", "Ann said", ' "Go!" Bob', ' "Go!"'),
        ("line", "Ann saw", " a hat\nBob", " a hat"),
        ("line", "", "\nAnn hid\nBob", "\nAnn hid"),
        ("story", "", "Ann hid.\nBob hid.\n\nCat", "Ann hid.\nBob hid.\n"),
        ("3", "", "Ann hid", "Ann"),
    ],
)
def test_until_stops_where_a_writer_would(until: str, prompt: str, written: str, expected: str) -> None:
    rule = Until.parse(until)
    watch = rule.watch(prompt)
    out = ""
    for char in written[: rule.length(len(written))]:
        verdict = watch.verdict(char)
        if verdict == "stop":
            break
        out += char
        watch.after(char)
    assert out == expected


def test_until_is_checked_and_the_default_length_stays(session: TrainingSession) -> None:
    with pytest.raises(PromptError, match="sentence, line, story"):
        Until.parse("paragraph")
    assert len(list(generate(session.model, session.vocab, "Ann ", SampleConfig(seed=1)))) == 300
    stopped = write(session.model, session.vocab, "Ann ", SampleConfig(length=300, seed=1, until=Until.parse("sentence")))
    assert stopped.endswith(".") and stopped.count(".") == 1 and len(stopped) < 300
    line = write(session.model, session.vocab, "Ann ", SampleConfig(length=300, seed=1, until=Until.parse("line")))
    assert "\n" not in line and len(line) > 4


def test_beam_settings_are_checked(session: TrainingSession) -> None:
    for config in (BeamConfig(width=0), BeamConfig(no_repeat=0), BeamConfig(length=-1)):
        with pytest.raises(PromptError):
            beam_search(session.model, session.vocab, "Ann", config)


def test_choosing_takes_the_persons_token_and_lets_the_model_finish_the_word(session: TrainingSession) -> None:
    from seussbot.choosing import Choosing
    from seussbot.mistakes import profile_for_corpus
    from seussbot.writing import WriteSettings

    profile = profile_for_corpus(session.corpus, "char")
    choosing = Choosing(session.model, session.vocab, "Ann saw a ", WriteSettings(seed=2), profile)
    offer = choosing.offer()
    assert len(offer.candidates) == 9 and offer.candidates[0].prob >= offer.candidates[-1].prob
    unlikely = offer.candidates[-1].token
    picked = choosing.pick(unlikely).steps[0]
    assert picked.by == "person" and picked.token == unlikely and picked.prob == pytest.approx(offer.candidates[-1].prob)
    word = choosing.let_model("word", greedy=True).steps
    assert word and all(s.by == "model" for s in word) and all(s.token.isalpha() for s in word[1:])
    assert not session.vocab.tokens[int(choosing.text.logits.argmax())].isalpha()  # it stopped where the word ends
    inside = Choosing(session.model, session.vocab, "Ann saw a pi", WriteSettings(seed=2))
    assert "".join(s.token for s in inside.let_model("word", greedy=True).steps) == "g"  # the rest of "pig", no more
    sentence = choosing.let_model("sentence", greedy=True)
    assert choosing.written.endswith(".") and sentence.tally is not None
    with pytest.raises(PromptError, match="never saw"):
        choosing.pick("{")
    assert choosing.finish().done


def test_a_prompt_read_ahead_or_grown_gives_what_reading_it_whole_gives() -> None:
    torch.manual_seed(1)
    model = CharRNN(ModelConfig("lstm", 20, hidden_size=32, layers=2, embed_dim=8)).eval()
    ids = torch.randint(0, 20, (40,)).tolist()
    whole, _ = Stepper(model).read(ids)  # long: through the fused layers
    stepper = Stepper(model)
    for n in (3, 9, 20, 31, 40):  # grown a few tokens at a time, as typed
        logits, _ = stepper.read(ids[:n])
    assert torch.allclose(logits, whole, atol=1e-5)
    assert stepper.read(ids)[0] is logits  # the same prompt again is remembered
    short, _ = Stepper(model).read(ids[:5])
    assert torch.allclose(short, model(torch.tensor([ids[:5]]))[0][0, -1], atol=1e-5)
