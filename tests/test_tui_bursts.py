"""Keys a person presses act as bindings at once; text arriving in a burst of keys is text (seussbot.tui.bursts)."""

from __future__ import annotations

from dataclasses import dataclass

from seussbot.tui.bursts import GAP_S, Bursts


@dataclass
class Key:
    character: str | None
    time: float

    @property
    def is_printable(self) -> bool:
        return self.character is not None


def run(keys: list[Key], queued: bool = True) -> tuple[list[tuple[str, bool]], list[str]]:
    """Sort `keys` in order; `queued`: each key's follower is already waiting when it is sorted (one read)."""
    bursts, out, absorbed = Bursts(), [], []
    for i, key in enumerate(keys):
        following = keys[i + 1] if queued and i + 1 < len(keys) else None
        done = bursts.sort(key, following, depth=1)
        absorbed += [k.character for k in done.absorbed]
        out += [(k.character, as_text) for k, as_text in done.deliver]
    return out, absorbed


def typed(text: str, gap: float, start: float = 100.0) -> list[Key]:
    return [Key(ch, start + i * gap) for i, ch in enumerate(text)]


def test_a_key_pressed_alone_acts_at_once() -> None:
    bursts = Bursts()
    done = bursts.sort(Key("b", 1.0), None, depth=1)
    assert [(k.character, as_text) for k, as_text in done.deliver] == [("b", False)]


def test_keys_a_person_presses_one_at_a_time_stay_keys() -> None:
    out, absorbed = run(typed("bsq", 0.035))  # 35 ms apart: quick, but a person
    assert out == [("b", False), ("s", False), ("q", False)] and absorbed == []


def test_two_keys_struck_together_are_still_two_keys() -> None:
    out, _ = run(typed("sp", 0.002))
    assert out == [("s", False), ("p", False)]


def test_a_paste_in_one_read_is_text_from_its_first_key() -> None:
    out, absorbed = run(typed("/home/me/tuitest.txt", 0.0001))
    assert out == [(ch, True) for ch in "/home/me/tuitest.txt"] and absorbed == []


def test_a_burst_seen_only_by_its_times_takes_back_the_keys_that_acted() -> None:
    """The reader thread was interrupted: no key was queued yet when the first ones were sorted."""
    out, absorbed = run(typed("pmi", GAP_S / 4), queued=False)
    assert out == [("p", False), ("m", False), ("i", True)]
    assert absorbed == ["p", "m"]


def test_a_line_break_inside_a_burst_is_a_key_and_the_burst_goes_on() -> None:
    keys = typed("abc", 0.0001) + [Key(None, 100.0004)] + typed("de", 0.0001, start=100.0005)
    out, _ = run(keys)
    assert out == [("a", True), ("b", True), ("c", True), (None, False), ("d", True), ("e", True)]


def test_a_pause_ends_the_burst() -> None:
    keys = typed("abc", 0.0001) + typed("x", 0, start=101.0)
    out, _ = run(keys)
    assert out[-1] == ("x", False)
