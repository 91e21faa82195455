"""rhymes: phonics-reader verses in rhyme families (generated so it stays original; no checker)."""

from __future__ import annotations

import random

from seussbot.grammars.base import Grammar


# family -> (subjects, past-tense predicates ending on a word of the family)
_RHYMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "at": (
        ("the cat", "a fat rat", "the bat", "Pat", "Nat", "a gnat"),
        ("sat on the mat", "chased a rat", "sat on a hat", "fell down flat",
         "gave the cat a pat", "napped on the mat", "had a chat with a gnat",
         "ran off with a hat", "hid in a hat", "sat on a bat"),
    ),
    "ay": (
        ("Kay", "Ray", "May", "a jay", "Fay"),
        ("ran off to play", "slept in the hay", "played all day", "sailed on the bay",
         "had a lot to say", "made a pot from clay", "hid in the hay", "came out to play",
         "dug in the clay", "carried a tray"),
    ),
    "ake": (
        ("Jake", "Blake", "a snake", "the drake"),
        ("swam in the lake", "ate some cake", "baked a cake", "sat by the lake",
         "picked up a rake", "gave a big shake", "stayed wide awake", "fell in the lake",
         "ate a slice of cake", "woke up by the lake"),
    ),
    "un": (
        ("Gus", "the pup", "a hen", "Tess"),
        ("sat in the sun", "ate a bun", "had lots of fun", "liked to run",
         "spun and spun", "napped in the sun", "ate a hot bun", "ran in the sun",
         "had a bun in the sun", "had fun in the sun"),
    ),
    "ig": (
        ("the pig", "a big pig", "the goat", "Meg"),
        ("danced a jig", "sat on a twig", "wore a wig", "ate a fig", "began to dig",
         "grew very big", "found a fig", "sat on a big twig", "did a little jig",
         "had a wig"),
    ),
    "op": (
        ("the frog", "a bunny", "Tom", "Rob"),
        ("hopped to the top", "went hop, hop, hop", "ran to the shop", "could not stop",
         "got a mop", "spun like a top", "fell with a flop", "sat on the top",
         "did a big hop", "got a red top"),
    ),
    "ed": (
        ("Ned", "Ted", "Fred", "a hen"),
        ("went to bed", "hid in the shed", "had a sled", "got fed", "ate some bread",
         "made the bed", "painted the shed red", "wore a hat of red", "slept in a bed",
         "sped on a sled"),
    ),
    "ill": (
        ("Bill", "Lil", "a mole", "the goat"),
        ("ran up the hill", "sat very still", "stood on the sill", "had a pail to fill",
         "stood still on the hill", "slid down the hill", "walked to the mill",
         "sat on the window sill", "did not spill", "rolled down the hill"),
    ),
    "ot": (
        ("Dot", "a tot", "the fox", "Scott"),
        ("got a pot", "sat in a cot", "tied a knot", "ran at a trot", "got very hot",
         "ate a lot", "found a spot", "slept in a cot", "liked it a lot", "had a big pot"),
    ),
    "ug": (
        ("the bug", "a pug", "the slug", "Doug"),
        ("sat on the rug", "gave a hug", "hid in a mug", "sat on the jug", "dug and dug",
         "gave the rope a tug", "slept on a rug", "fell in the jug", "gave the pup a hug",
         "sat by a mug"),
    ),
    "en": (
        ("Ben", "Jen", "the hen", "Ken"),
        ("sat in a pen", "counted to ten", "ran to the den", "fed the hen",
         "wrote with a pen", "got up at ten", "had eggs from the hen", "hid in the den",
         "went into the glen", "ate at ten"),
    ),
    "ing": (
        ("the king", "a bird", "Lin", "the queen"),
        ("liked to sing", "sat on a swing", "found a ring", "held a string",
         "flapped a wing", "played in the spring", "had a ring", "tied a string",
         "sang in the spring", "heard a bell go ding"),
    ),
    "an": (
        ("Dan", "Nan", "the man", "Jan"),
        ("ran and ran", "had a fan", "sat in a van", "cooked in a pan", "had a plan",
         "ate from a pan", "drove a van", "held a can", "fed the man", "ran to the van"),
    ),
}

_LEADS = ("", "", "", "", "", "Look! ", "Then ", "One day ", "Oh! ", "And then ", "Soon ", "See? ")
_GLUE = frozenset({"a", "an", "the", "in", "on", "of", "to", "with", "and", "at", "by", "from", "up", "down", "off"})
_MAX_LINE = 70


def _content(phrase: str) -> set[str]:
    """Content words of a phrase, to keep "the cat gave the cat a pat" out."""
    return {w.strip(",").lower() for w in phrase.split()} - _GLUE


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _rhyme_line(rng: random.Random, family: str) -> str:
    """One or two short sentences, every line ending on the family's rhyme."""
    subjects, preds = _RHYMES[family]

    def pair(exclude: set[str]) -> tuple[str, str]:
        while True:
            s, p = rng.choice(subjects), rng.choice(preds)
            if not (_content(s) & _content(p)) and not (_content(s) & exclude) and p not in exclude:
                return s, p

    form = rng.randrange(4)
    s1, p1 = pair(set())
    if form == 0:
        lead = rng.choice(_LEADS)
        first = _cap(s1) if lead in ("", "Look! ", "Oh! ", "See? ") else s1
        return f"{lead}{first} {p1}."
    if form == 1:
        s2, p2 = pair(_content(s1) | {p1})
        return f"{_cap(s1)} {p1}. {_cap(s2)} {p2}."
    if form == 2:
        others = [s for s in subjects if not (_content(s) & (_content(s1) | _content(p1)))]
        if others:
            return f"{_cap(s1)} and {rng.choice(others)} {p1}."
        return f"{_cap(s1)} {p1}."
    s2, p2 = pair(_content(s1) | {p1})
    return f"{_cap(s1)} {p1}, and {s2} {p2}."


def generate_rhymes(target_bytes: int = 24_000, seed: int = 0) -> str:
    """The rhymes corpus: short verses, each from one rhyme family.

    Lines are drawn from templates and word lists and re-drawn when already
    used, so duplicated lines stay rare.
    """
    rng = random.Random(seed)
    families = sorted(_RHYMES)
    seen: set[str] = set()
    verses: list[str] = []
    size = 0
    while size < target_bytes:
        family = rng.choice(families)
        lines: list[str] = []
        for _ in range(rng.choice((2, 3, 4, 4))):
            for _ in range(50):
                line = _rhyme_line(rng, family)
                if line not in seen and len(line) <= _MAX_LINE:
                    seen.add(line)
                    lines.append(line)
                    break
        if lines:
            verse = "\n".join(lines)
            verses.append(verse)
            size += len(verse) + 2
    return "\n\n".join(verses) + "\n"




GRAMMAR = Grammar("rhymes", generate=generate_rhymes)
