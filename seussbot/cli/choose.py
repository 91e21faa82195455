"""`seussbot sample MODEL --choose`: choose your own next token in a plain terminal.

Before each token the model's likeliest candidates are shown with their
probabilities; the person answers with one line:

    1-9          take that candidate
    any text     write it yourself (each character, or word at word level, is one token);
                 \\n is a line break, \\ before a digit or > or = writes it as text
    >  >w  >s    let the model write (sampled) one token, to the end of the word, of the sentence
    =  =w  =s    the same, always taking the likeliest token (greedy)
    empty line or Ctrl+D   stop

Everything here is terminal talk; the writing and judging is `seussbot.choosing`.
"""

from __future__ import annotations

import sys

from seussbot.errors import SeussbotError

HELP = (
    "1-9 takes a candidate · type text to write it yourself (\\n: line break) · "
    "> one model token, >w to the end of the word, >s of the sentence (= instead of > for greedy) · "
    "an empty line or Ctrl+D stops"
)
LET_MODEL = {"": "token", "w": "word", "s": "sentence"}


def run_choose(loaded, prompt: str, settings, profile, *, stdin=None) -> int:
    """The choosing loop; `stdin` is a stream to read answers from (None: the terminal, with line editing)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    from seussbot.choosing import Choosing, visible
    from seussbot.cli.commands import print_mistakes

    console = Console(highlight=False)
    if stdin is None and not sys.stdin.isatty():
        stdin = sys.stdin
    choosing = Choosing(loaded.model, loaded.vocab, prompt, settings, profile)
    unit = "character" if loaded.vocab.level == "char" else "word or mark"
    console.print(f"Choose your own: the model stops before each token (here a token is one {unit}).", style="bold")
    console.print(HELP, style="dim")
    while True:
        console.print(_shown_text(choosing, Text))
        offer = choosing.offer()
        console.print(
            "  ".join(f"[bold]{i}[/] {escape(visible(c.token))} {c.prob:.0%}" for i, c in enumerate(offer.candidates, 1)),
            markup=True,
        )
        answer = _read(console, stdin)
        if not answer:
            break
        try:
            _answer(choosing, answer)
        except SeussbotError as error:
            console.print(str(error), style="red", markup=False)
    choosing.finish()
    console.print()
    sys.stdout.write(choosing.written + "\n")
    if profile is not None:
        print_mistakes(choosing.written, choosing.judge.mistakes if choosing.judge else [], _tally(choosing))
    return 0


def _read(console, stdin) -> str | None:
    """One answer (a Rich prompt: spaces kept, unlike `Prompt.ask`), or None at an empty line or Ctrl+D."""
    try:
        line = console.input("[bold]next?[/] ", stream=stdin)
    except EOFError:
        return None
    if stdin is not None and not line:
        return None
    return line.rstrip("\r\n") or None


def _answer(choosing, answer: str) -> None:
    """Do what one line of the person's input asks."""
    head, rest = answer[:1], answer[1:]
    if head in (">", "=") and rest in LET_MODEL:
        choosing.let_model(LET_MODEL[rest], greedy=head == "=")  # type: ignore[arg-type]
        return
    if answer.isdigit() and len(answer) == 1 and answer != "0":
        candidates = choosing.offer().candidates
        index = int(answer) - 1
        if index >= len(candidates):
            raise SeussbotError(f"There are only {len(candidates)} candidates.")
        choosing.pick(candidates[index].token)
        return
    text = answer.replace("\\n", "\n")
    if text.startswith("\\"):
        text = text[1:]
    tokens = choosing.vocab.tokenize(text)
    unknown = [t for t in tokens if not choosing.known(t)]
    if unknown:
        raise SeussbotError(f"The model never saw {unknown[0]!r}; nothing was written.")
    for token in tokens:
        choosing.pick(token)


def _shown_text(choosing, Text):
    """The text so far: the prompt plain, the model's tokens in green, the person's in bold magenta."""
    shown = Text(choosing.prompt, style="dim")
    for step in choosing.steps:
        shown.append(step.text, style="bold magenta" if step.by == "person" else "green")
    return shown


def _tally(choosing):
    from seussbot.writing import Tally

    return Tally.of(choosing.judge) if choosing.judge else None
