"""The studio's writing modes as command-palette entries, each naming its key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from seussbot.tui.screens.studio import StudioScreen


def write_commands(studio: "StudioScreen") -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) triples, as the palette provider (seussbot.tui.commands) takes them."""
    yield (
        "Choose the next token yourself (c)",
        "The model stops before each token (a character, or a word at word level) and shows its candidates",
        studio.action_choose,
    )
    yield ("Decoding: sample, greedy or beam (d)", "How the model picks each token when it writes alone", studio.action_decoding)
    yield ("Stop at the end of a sentence, line or story (u)", "Or write the whole length", studio.action_until)
    yield ("Sampled and beam side by side (v)", "One prompt written both ways, with their mistake tallies", studio.action_versus)
