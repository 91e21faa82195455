"""Is this a real English word? A word list, read the first time a detector asks.

A character-level network that writes a word its book never uses has not
necessarily made it up: "verdict" is English whether or not this book says it.
Only a word that is neither in the book nor in English is `made-up`; a real
word the book never uses is `new-word`, which is no mistake.

The list is pyspellchecker's English dictionary (about 160,000 words with their
inflections, Shakespeare's "hath" and "o'er" among them), which ships inside
its wheel: nothing is downloaded. Reading it takes a few tenths of a second and
20 MB, so it is read only when the first word outside a book needs judging,
never at start-up.
It spells American, so British and old spellings are tried as their American
and modern forms (`SPELLINGS`).
"""

from __future__ import annotations

import re
import threading

# The list's entries of one or two letters are mostly abbreviations ("th", "nd",
# "st"), and they are what a network's early gibberish is made of, while every book
# uses the real ones ("a", "of", "he"). So a word of one or two letters is English
# only if the book uses it; a piece of a hyphenated word ("re-quicken'd") may be that short.
MIN_LETTERS = 3

# Spellings the list does not hold but English writes, each tried alone and together:
# British "colour", "realise", "centre", "defence", "travelled"; Shakespeare's
# "o'erwhelm'd", "moveth". A changed invented word ("pabbour") is still no word.
SPELLINGS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile("our"), ("or",)),
    (re.compile("(?<=[^aeiou])is(e|es|ed|ing|ation|ations)$"), (r"iz\1",)),
    (re.compile("ys(e|es|ed|ing)$"), (r"yz\1",)),
    (re.compile("(?<=[bt])re(s?)$"), (r"er\1",)),
    (re.compile("(?<=[bt])red$"), ("ered",)),
    (re.compile("ence(s)?$"), (r"ense\1",)),
    (re.compile("(?<=[aeiou])ll(ed|ing|er|ers)$"), (r"l\1",)),
    (re.compile("^o'er"), ("over",)),
    (re.compile("eth$"), ("s", "es")),
)

# Endings after an apostrophe: "call'd" is "called", "stopp'd" "stopped", "monster'd"
# the noun made a verb, "attend'st" and "horror's" the word with an ending. An
# ending on an invented stem ("pabbit'd") stays invented.
ELISIONS = (("'d", ("ed", "d", "")), ("'st", ("",)), ("'s", ("",)))

_LIST = ("spellchecker", "resources/en.json.gz")  # {"word": count, ...}, lower case
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')
_words: frozenset[str] | None = None
_lock = threading.Lock()


def english_words() -> frozenset[str]:
    """Every word of the list, in lower case (read once per process, on first use)."""
    global _words
    if _words is None:
        with _lock:
            if _words is None:
                _words = _read_list()
    return _words


def _read_list() -> frozenset[str]:
    """The list's words, read a key at a time.

    It is usually read on a writer's thread while the UI runs: `json.loads`
    (and so pyspellchecker's own loader) would hold the interpreter for 150 ms
    in one piece and stall the screen; a Python loop over the keys lets the UI
    thread in between them (the longest pause is about 20 ms, unzipping).
    """
    import gzip
    import json
    import pkgutil

    try:
        packed = pkgutil.get_data(*_LIST)
    except OSError:
        packed = None
    if packed is None:  # laid out otherwise: ask pyspellchecker itself
        from spellchecker import SpellChecker

        return frozenset(SpellChecker(language="en", distance=1).word_frequency.keys())
    text = gzip.decompress(packed).decode("utf-8")
    keys = (m.group(1) for m in _KEY.finditer(text))
    return frozenset(json.loads(f'"{key}"') if "\\" in key else key for key in keys)


def spellings(norm: str) -> set[str]:
    """`norm` and the forms `SPELLINGS` turn it into."""
    forms = {norm}
    for pattern, replacements in SPELLINGS:
        forms |= {pattern.sub(r, form) for form in forms for r in replacements}
    return forms


def is_english(norm: str, *, piece: bool = False) -> bool:
    """Is `norm` (a lower-case word without hyphens) an English word, in any of its spellings?

    `piece`: it is one piece of a hyphenated word, so it may be shorter than MIN_LETTERS.
    """
    if len(norm) < MIN_LETTERS and not piece:
        return False
    words = english_words()
    for form in spellings(norm):
        if form in words:
            return True
        for ending, spelled in ELISIONS:
            if form.endswith(ending) and len(form) > len(ending):
                stem = form[: -len(ending)]
                if any(stem + letters in words for letters in spelled):
                    return True
    return False
