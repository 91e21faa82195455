"""Bundled grammar corpora: seeded generators and exact checkers.

Why this module exists: a network's writing mistakes are only worth showing
if we can say *exactly* what is wrong and where.  The ``spot`` and
``homecoming`` corpora are generated from tiny grammars, so a checker can
point at the precise characters that break a rule.  ``rhymes`` is generated
too (so it can be regenerated and stays original), but has no checker.

Everything here is pure standard-library Python: no printing (except the
``__main__`` corpus writer), no Textual, no torch.

Checkers accept ANY text (half-trained gibberish included).  A sample may
begin or end anywhere, so a sentence or story cut off at the very start or
end of the text is judged leniently: only what is provably wrong is flagged.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = [
    "Violation",
    "HomecomingReport",
    "Story",
    "REASONS",
    "SPOT_NAMES",
    "SPOT_VOCAB",
    "HEROES",
    "check_spot",
    "check_homecoming",
    "homecoming_stories",
    "CHECKERS",
    "GENERATORS",
    "generate_spot",
    "generate_homecoming",
    "generate_rhymes",
]


# --------------------------------------------------------------------------
# Shared types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken rule, located exactly so the UI can highlight it."""

    start: int  # character offset into the checked text
    end: int  # exclusive
    reason: str  # a short fixed identifier (a key of REASONS)
    message: str  # one plain sentence a child could follow


#: Every reason identifier a checker can return, with a short description.
#: Exported so a consumer can enumerate (and label) reasons without guessing.
REASONS: dict[str, str] = {
    "self-reference": "a name saw itself",
    "run-on": "more than one 'saw' before the full stop",
    "missing-verb": "a sentence with no 'saw'",
    "broken-chain": "did not start with the name the last sentence ended on",
    "unknown-word": "a word that is not in the book",
    "bad-shape": "not 'name saw name' (a name is missing or extra)",
    "forgot-hero": "the story switched to the wrong hero, or sent the wrong one home",
    "no-ending": "a story that never ended, or an ending with no story",
}


def _wrap(text: str, width: int) -> str:
    """Greedy word wrap that only turns single spaces into newlines.

    Why: the length and every character offset of the text are preserved,
    so distances measured before wrapping stay true after it.
    """
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------
# spot: "Doug saw Jane. Jane saw Spot. Spot saw Doug. ..."
# --------------------------------------------------------------------------

SPOT_NAMES: tuple[str, ...] = ("Doug", "Jane", "Spot")
SPOT_VERB = "saw"
SPOT_VOCAB: frozenset[str] = frozenset(SPOT_NAMES + (SPOT_VERB,))

# A word is a run of anything but whitespace and full stops; "." is its own
# token, so "Jane saw Spot ." (word-level detokenised) reads like "Spot.".
_SPOT_TOKEN = re.compile(r"[^\s.]+|\.")


def generate_spot(sentences: int = 1200, seed: int = 0) -> str:
    """The spot corpus: a chain of "A saw B." sentences, A != B.

    Each sentence starts with the name the previous one ended on, so the
    whole corpus is one unbroken chain (it continues across line breaks).
    """
    rng = random.Random(seed)
    current = rng.choice(SPOT_NAMES)
    parts: list[str] = []
    for _ in range(sentences):
        other = rng.choice([n for n in SPOT_NAMES if n != current])
        parts.append(f"{current} {SPOT_VERB} {other}.")
        current = other
    return _wrap(" ".join(parts), 66) + "\n"


def _spot_violation(
    start: int, end: int, reason: str, words: Sequence[str], prev: str | None
) -> Violation:
    """Build a spot Violation with a child-friendly message."""
    if reason == "unknown-word":
        msg = f'"{words[0]}" is not one of the words in this book.'
    elif reason == "self-reference":
        msg = f"{words[0]} cannot see {words[0]}; the second name must be someone else."
    elif reason == "run-on":
        msg = "This sentence has more than one \"saw\"; stop after the second name."
    elif reason == "missing-verb":
        msg = 'This sentence has no "saw" in it.'
    elif reason == "broken-chain":
        msg = f"This sentence should start with {prev}, the name the last one ended on."
    else:  # bad-shape
        msg = 'A sentence should be a name, then "saw", then one other name.'
    return Violation(start, end, reason, msg)


def check_spot(text: str, *, whole: bool = False) -> list[Violation]:
    """Find every provable break of the spot grammar in ``text``.

    Rules: every sentence is exactly "A saw B." with A != B, and starts with
    the name the previous sentence ended on.  The first sentence may have
    been cut at its start and the last at its end (a sample may begin and end
    anywhere); they are flagged only for what is wrong whatever was cut off.
    Pass ``whole=True`` when the text is known to start at a sentence start
    and to end at a sentence end, so those two are judged strictly too.

    Spans cover the offending sentence (full stop included), or the word for
    ``unknown-word``.  Results are sorted by position.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _SPOT_TOKEN.finditer(text)]
    sentences: list[tuple[list[tuple[int, int, str]], tuple[int, int, str] | None]] = []
    current: list[tuple[int, int, str]] = []
    for tok in tokens:
        if tok[2] == ".":
            sentences.append((current, tok))
            current = []
        else:
            current.append(tok)
    if current:
        sentences.append((current, None))

    out: list[Violation] = []
    prev: str | None = None  # name the previous sentence ended on, if known
    last_index = len(sentences) - 1
    for i, (words, stop) in enumerate(sentences):
        open_start = i == 0 and not whole
        open_end = stop is None and not whole
        if words:
            span_start = words[0][0]
            span_end = stop[1] if stop is not None else words[-1][1]
        elif stop is not None:
            span_start, span_end = stop[0], stop[1]
        else:  # pragma: no cover - an empty sentence always has a stop
            continue

        kept = list(words)
        # A word cut by the very start/end of the sample is not "unknown".
        if (
            open_start
            and kept
            and kept[0][0] == 0
            and kept[0][2] not in SPOT_VOCAB
            and any(v.endswith(kept[0][2]) for v in SPOT_VOCAB)
        ):
            kept.pop(0)
        if (
            open_end
            and i == last_index
            and kept
            and kept[-1][1] == len(text)
            and kept[-1][2] not in SPOT_VOCAB
            and any(v.startswith(kept[-1][2]) for v in SPOT_VOCAB)
        ):
            kept.pop()

        w = [t[2] for t in kept]
        unknown = [t for t in kept if t[2] not in SPOT_VOCAB]
        for s, e, word in unknown:
            out.append(_spot_violation(s, e, "unknown-word", [word], prev))

        saws = w.count(SPOT_VERB)
        if not unknown:
            reasons: list[str] = []
            if saws >= 2:
                reasons.append("run-on")
            elif saws == 0:
                if not w:
                    if stop is not None and not open_start and not words:
                        reasons.append("missing-verb")  # a stray full stop
                elif not open_start and not open_end:
                    reasons.append("missing-verb")
            else:
                k = w.index(SPOT_VERB)
                before, after = w[:k], w[k + 1 :]
                if len(before) == 1 and len(after) == 1:
                    if before[0] == after[0]:
                        reasons.append("self-reference")
                elif (
                    len(before) >= 2
                    or len(after) >= 2
                    or (not before and not open_start)
                    or (not after and not open_end)
                ):
                    reasons.append("bad-shape")
            if (
                saws >= 1
                and not open_start
                and prev is not None
                and w[0] in SPOT_NAMES
                and w[0] != prev
            ):
                reasons.append("broken-chain")
            for reason in reasons:
                out.append(_spot_violation(span_start, span_end, reason, w, prev))

        prev = w[-1] if (w and saws >= 1 and w[-1] in SPOT_NAMES) else None

    out.sort(key=lambda v: (v.start, v.end, v.reason))
    return out


# --------------------------------------------------------------------------
# homecoming: "Pim set off ... And so Pim went home."
# --------------------------------------------------------------------------

#: All heroes have three-letter names, so line wrapping (and so where the
#: newlines fall in the middle of a story) gives no hint of who the hero is.
HEROES: tuple[str, ...] = ("Pim", "Tob", "Bix", "Nel", "Mog", "Jib", "Olo", "Kip", "Fen", "Lux")

# How far apart a story's last two hero names are falls in one of four bands,
# equally often; benchmarks report accuracy per band. The short bands let a
# network discover that the name matters at all: with only gaps of 100-400
# characters, an LSTM never did in minutes on a laptop. The long bands then
# test whether it can keep the name, which a vanilla RNN's fading memory cannot.
HOMECOMING_BANDS: tuple[tuple[int, int], ...] = ((15, 40), (40, 100), (100, 200), (200, 400))
# The middle wanders through a fixed pool of sentences rather than the templates'
# millions: a richer middle buried the hero signal (one name per ~250 characters)
# under text the network had still to learn.
_WANDER_POOL_SIZE = 16
# Up to this many asides ("Pim waved.") early in a story. Each is one more place
# where remembering the hero pays, a few dozen characters after the last one, so
# the habit of keeping the name forms in every story, long ones included. Without
# them an LSTM stayed at chance for 9,000 steps (5 minutes); with three it named
# the hero across 200-400 characters in about half the endings by then.
_MAX_ASIDES = 3
# Every story is told many times over in a short corpus, and a network that has
# memorised the stories can tell the hero from the sentences just before the
# ending, without remembering anything: a 150 kB corpus was learned by heart in
# four minutes. A megabyte keeps the rule the only way to the right name.
HOMECOMING_BYTES = 1_000_000

_OPENINGS = (
    "set off",
    "went out",
    "ran outside",
    "set off down the lane",
    "stepped out into the morning",
    "left the house early",
    "put on a hat and set out",
    "took a walk one day",
    "climbed over the gate",
    "opened the door and looked out",
    "walked out past the garden",
    "started along the road",
    "skipped out of the yard",
    "buttoned up a coat and set off",
    "wandered out to see the world",
)

# Asides name the hero mid-story ("Pim waved."): see _MAX_ASIDES.
_ASIDES = (
    "stopped to look",
    "walked on",
    "hummed a little tune",
    "kept going",
    "sat down for a rest",
    "waved",
)

_END_CLAUSES = (
    "The sun sank low",
    "The air grew cold",
    "The first stars came out",
    "It began to get dark",
    "The wind turned chilly",
    "The lamps were lit in the town",
    "Supper time was near",
    "The day was nearly done",
    "The moon rose over the trees",
    "The birds grew quiet",
)

# Wandering sentences: nature, weather, small events.  None of them mentions
# a hero, uses "went home", or depends on which hero the story is about.
_ADJS = ("small", "brown", "little", "sleepy", "spotted", "grey", "young", "busy", "shy", "plump")
_CREATURES = (
    "frog", "beetle", "hen", "goat", "mole", "snail", "duck", "fox", "hare",
    "crow", "lamb", "toad", "mouse", "badger", "squirrel", "pony", "sparrow", "rabbit",
)
_MOVES = ("crept", "hurried", "wandered", "ambled", "scurried", "strolled", "darted")
_PLACES = (
    "across the lane", "under the gate", "past the old mill", "along the stream",
    "over the stone wall", "through the tall grass", "around the pond", "into the barn",
    "down the hill", "behind the hedge", "past the well", "beside the river",
    "between the cabbages", "under the bridge",
)
_TIMES = (
    "Just then", "After a while", "Around noon", "Later on", "For a time",
    "Soon", "Before long", "All at once",
)
_WEATHER = (
    "the wind blew", "a soft rain fell", "the sun came out", "grey clouds rolled in",
    "a thin fog drifted", "a few snowflakes fell", "thunder rumbled", "the sky cleared",
    "a warm breeze blew", "big drops of rain fell", "a cold wind whistled", "the mist lifted",
)
_WIDE_PLACES = (
    "over the hills", "across the fields", "above the woods", "over the rooftops",
    "along the valley", "over the marsh", "above the orchard", "across the moor",
)
_AGENTS = (
    "A farmer", "An old woman", "The baker", "A boy with a kite", "The miller",
    "A girl in a red coat", "The postman", "A fisherman", "The old shepherd", "A tinker",
)
_ACTIONS = (
    "mended a fence", "hung out the washing", "hummed a little tune", "swept the front step",
    "carried a basket of eggs", "counted the sheep", "picked a bag of plums", "fed the ducks",
    "painted a gate blue", "lost a button", "waved from a window", "tied up a boat",
    "stacked some wood", "whistled for a dog",
)
_WHENS = ("", " that morning", " before lunch", " at noon", " in the afternoon", " by the road", " near the church")
_FOUND = (
    "a blue feather", "a lost mitten", "a round grey stone", "an old boot", "a shiny button",
    "an empty nest", "a broken cart wheel", "a basket with no handle", "a red leaf",
    "a wooden spoon", "a ball of string", "a little bell",
)
_SPOTS = (
    "in the ditch", "by the path", "on a fence post", "in the long grass", "under a bush",
    "at the edge of the wood", "beside a puddle", "on a flat rock",
)
_SOUND_WHERE = ("Somewhere", "Far away", "Across the water", "Down in the valley", "Somewhere nearby", "Up on the ridge")
_SOUNDS = (
    ("a dog", "barked"), ("a cow", "mooed"), ("an owl", "hooted"), ("a bell", "rang"),
    ("a frog", "croaked"), ("a kettle", "whistled"), ("a goose", "honked"),
    ("a cricket", "chirped"), ("a donkey", "brayed"), ("a sheep", "bleated"),
    ("a rooster", "crowed"), ("a door", "creaked"),
)
_HOWS = ("", " twice", " three times", " softly", " loudly", " and then stopped", " once more")
_PLANTS = (
    "The daisies", "Tall reeds", "The willows", "Red poppies", "The ferns", "The bluebells",
    "Long grasses", "The young birches", "Wild roses", "The barley",
)
_SWAYS = (
    "swayed in the breeze", "nodded in the wind", "bent low in the rain", "shone in the sun",
    "rustled softly", "dripped with dew", "leaned toward the light", "shivered in the cold",
)
_PLANT_PLACES = ("", " by the road", " on the bank", " in the meadow", " at the edge of the wood", " along the ditch", " behind the cottage")
_SIGHTS = (
    "A cloud shaped like a teapot floated by.",
    "The church clock struck three.",
    "Two butterflies chased each other over the wall.",
    "A leaf spun down from an oak.",
    "The river gurgled over the pebbles.",
    "Smoke curled up from a chimney.",
    "A cart rattled along the road.",
    "Apples hung heavy on the branches.",
    "A kite tugged at its string high above.",
    "The bees were busy in the clover.",
    "A puddle shone like a mirror.",
    "A line of ants marched past a pebble.",
    "The windmill turned slowly.",
    "A ladybird climbed to the top of a stalk.",
    "Somebody was baking bread, and the street smelled warm.",
    "A heron stood on one leg in the shallows.",
    "The washing flapped on a line like flags.",
    "Two old dogs dozed in a patch of sun.",
    "A boat with a patched sail drifted by.",
    "The stepping stones were slippery with moss.",
)


def _wander(rng: random.Random) -> str:
    """One wandering sentence from a large combinatorial pool."""
    kind = rng.randrange(7)
    if kind == 0:
        return f"A {rng.choice(_ADJS)} {rng.choice(_CREATURES)} {rng.choice(_MOVES)} {rng.choice(_PLACES)}."
    if kind == 1:
        return f"{rng.choice(_TIMES)}, {rng.choice(_WEATHER)} {rng.choice(_WIDE_PLACES)}."
    if kind == 2:
        return f"{rng.choice(_AGENTS)} {rng.choice(_ACTIONS)}{rng.choice(_WHENS)}."
    if kind == 3:
        thing, spot = rng.choice(_FOUND), rng.choice(_SPOTS)
        form = rng.randrange(3)
        if form == 0:
            return f"There was {thing} {spot}."
        if form == 1:
            return f"Someone had left {thing} {spot}."
        return f"{thing[0].upper()}{thing[1:]} lay {spot}."
    if kind == 4:
        who, sound = rng.choice(_SOUNDS)
        return f"{rng.choice(_SOUND_WHERE)} {who} {sound}{rng.choice(_HOWS)}."
    if kind == 5:
        return f"{rng.choice(_PLANTS)} {rng.choice(_SWAYS)}{rng.choice(_PLANT_PLACES)}."
    return rng.choice(_SIGHTS)


def _wander_pool() -> tuple[str, ...]:
    """The fixed pool of wandering sentences, drawn once from the templates."""
    rng = random.Random(1234)
    pool: list[str] = []
    while len(pool) < _WANDER_POOL_SIZE:
        sentence = _wander(rng)
        if sentence not in pool:
            pool.append(sentence)
    return tuple(pool)


def _homecoming_story(rng: random.Random, pool: tuple[str, ...]) -> str:
    """One story; the gap between the last two hero names lies in one of HOMECOMING_BANDS."""
    hero = rng.choice(HEROES)
    parts = [f"{hero} {rng.choice(_OPENINGS)}."]
    for _ in range(rng.randint(0, _MAX_ASIDES)):
        if rng.random() < 0.5:
            parts.append(rng.choice(pool))
        parts.append(f"{hero} {rng.choice(_ASIDES)}.")
    low, high = rng.choice(HOMECOMING_BANDS)
    if high <= 100 or rng.random() < 0.5:
        lead = "And so "
    else:
        lead = f"{rng.choice(_END_CLAUSES)}, and so "
    target = rng.randint(low, high)
    middle: list[str] = []
    last = parts[-1]  # the sentence with the last hero name so far

    def gap() -> int:
        # characters strictly between the last hero name and the ending name
        return (len(last) - len(hero)) + sum(1 + len(s) for s in middle) + 1 + len(lead)

    while gap() < target:
        fitting = [s for s in pool if s not in middle and gap() + 1 + len(s) <= high]
        if not fitting:
            break
        middle.append(rng.choice(fitting))
    body = " ".join([*parts, *middle, f"{lead}{hero} went home."])
    return _wrap(body, 68)


def generate_homecoming(target_bytes: int = HOMECOMING_BYTES, seed: int = 0) -> str:
    """The homecoming corpus: little stories separated by blank lines.

    Each story opens with a hero's name, may name the hero again in a few
    asides, then wanders 15..400 characters through sentences that never
    mention or hint at the hero, and ends with that same hero going home, so
    only memory of the hero's name predicts the ending.
    """
    rng = random.Random(seed)
    pool = _wander_pool()
    stories: list[str] = []
    size = 0
    while size < target_bytes:
        story = _homecoming_story(rng, pool)
        stories.append(story)
        size += len(story) + 2
    return "\n\n".join(stories) + "\n"


@dataclass(frozen=True)
class HomecomingReport:
    """Summary of a homecoming check.

    ``endings`` counts the endings that could be judged: an ending before any
    opening, story break or earlier ending may belong to a story that began
    before the sample did, so it is neither counted nor flagged.
    """

    stories: int  # complete stories found (an opening and its ending)
    endings: int  # story endings found (that could be judged)
    correct_endings: int  # endings that name the story's own hero
    violations: list[Violation]


@dataclass(frozen=True)
class Story:
    """A complete story found in a text: where its hero is named."""

    hero: str  # the name in the opening
    opening_start: int
    opening_end: int
    ending_name: str  # the name in "<name> went home"
    ending_start: int
    ending_end: int
    last_mention_end: int  # end of the last right name before the ending (an aside or the opening)

    @property
    def distance(self) -> int:
        """Characters the hero's name must be remembered: from its last mention to the ending."""
        return self.ending_start - self.last_mention_end


# A story ending: any capitalised word, then "went home" (across line breaks).
_ENDING = re.compile(r"(?<![A-Za-z])([A-Z][a-z]*)\s+went\s+home(?![A-Za-z])")
_HERO = re.compile(r"(?<![A-Za-z])(" + "|".join(HEROES) + r")(?![A-Za-z])")
_BREAK = re.compile(r"\n(?:[ \t\r]*\n)+")


def _sentence_initial(text: str, pos: int) -> bool:
    """True when only whitespace separates ``pos`` from a sentence end or the text start."""
    i = pos - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in ".!?"


def _scan_homecoming(text: str) -> tuple[HomecomingReport, list[Story]]:
    """Walk openings, endings and story breaks in order; see check_homecoming."""
    events: list[tuple[int, int, int, str]] = []  # (start, end, kind, name)
    ending_starts: set[int] = set()
    for m in _ENDING.finditer(text):
        events.append((m.start(1), m.end(1), 2, m.group(1)))
        ending_starts.add(m.start(1))
    for m in _HERO.finditer(text):
        if m.start() not in ending_starts and _sentence_initial(text, m.start()):
            events.append((m.start(), m.end(), 1, m.group(1)))
    for m in _BREAK.finditer(text):
        events.append((m.start(), m.end(), 0, ""))
    events.sort()

    stories: list[Story] = []
    violations: list[Violation] = []
    endings = correct = 0
    open_story: tuple[str, int, int] | None = None  # hero, opening span
    last_mention = 0  # end of the last right name in the open story
    known = False  # have we seen where a story starts or stops yet?

    def unclosed(hero: str, s: int, e: int) -> Violation:
        return Violation(s, e, "no-ending", f"The story about {hero} stopped before {hero} went home.")

    for start, end, kind, name in events:
        if kind == 0:  # blank line: a story must be over by now
            if open_story is not None:
                violations.append(unclosed(*open_story))
                open_story = None
            known = True
        elif kind == 1:  # a hero's name starting a sentence: an opening or an aside
            if open_story is None:
                open_story, last_mention = (name, start, end), end
            elif open_story[0] == name:
                last_mention = end  # the hero again: remember from here
            else:
                hero = open_story[0]
                violations.append(Violation(start, end, "forgot-hero", f"This story is about {hero}, not {name}."))
            known = True
        else:  # "<name> went home"
            if open_story is not None:
                hero, o_start, o_end = open_story
                stories.append(Story(hero, o_start, o_end, name, start, end, last_mention))
                endings += 1
                if name == hero:
                    correct += 1
                else:
                    message = f"This story was about {hero}, so {hero} should go home, not {name}."
                    violations.append(Violation(start, end, "forgot-hero", message))
                open_story = None
            elif known:
                endings += 1
                violations.append(
                    Violation(
                        start,
                        end,
                        "no-ending",
                        f"{name} went home, but no story about {name} began here.",
                    )
                )
            known = True

    violations.sort(key=lambda v: (v.start, v.end, v.reason))
    report = HomecomingReport(len(stories), endings, correct, violations)
    return report, stories


def check_homecoming(text: str) -> HomecomingReport:
    """Check the one long-distance rule: a story ends with its own hero.

    An opening is a hero's name (one of HEROES) starting a sentence; later
    such names in the same story are asides; an ending is "<Name> went
    home".  A wrong name in an aside or an ending is ``forgot-hero`` (span:
    that name).  ``no-ending`` marks an ending with no opening before it
    (span: its name), or an opening whose story was cut short by a blank
    line (span: the opening name).  A story cut off by the start or end of
    the text is not flagged.
    """
    return _scan_homecoming(text)[0]


def homecoming_stories(text: str) -> list[Story]:
    """Every complete story (opening plus ending) in ``text``, in order."""
    return _scan_homecoming(text)[1]


# --------------------------------------------------------------------------
# rhymes: phonics-reader verses in rhyme families (no checker)
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Registries and the corpus writer
# --------------------------------------------------------------------------

CHECKERS: dict[str, Callable[[str], list[Violation]]] = {
    "spot": check_spot,
    "homecoming": lambda t: check_homecoming(t).violations,
}

#: Generators for the bundled corpora, by corpus name (default arguments
#: reproduce the files in corpora/).
GENERATORS: dict[str, Callable[..., str]] = {
    "spot": generate_spot,
    "homecoming": generate_homecoming,
    "rhymes": generate_rhymes,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generated corpus to stdout: ``python -m seussbot.grammars spot``."""
    parser = argparse.ArgumentParser(prog="python -m seussbot.grammars", description=main.__doc__)
    parser.add_argument("corpus", choices=sorted(GENERATORS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text = GENERATORS[args.corpus](seed=args.seed)
    sys.stdout.buffer.write(text.encode("ascii"))  # bytes: LF endings on every OS
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
