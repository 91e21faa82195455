"""homecoming: "Pim set off ... And so Pim went home." (the rule a vanilla RNN cannot keep).

Each story must end with the hero it began with, up to 400 characters later:
the long-range dependency that shows the vanishing gradient. A story is under
600 characters, so a checker sees twice that much text before a new sentence.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from seussbot.grammars.base import Grammar, ProbeQuestion, ProbeSpec, Violation, wrap


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
    return wrap(body, 68)


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


def _distance_band(distance: int) -> int:
    """The first band the distance fits under (longer ones fall in the last band)."""
    return next((i for i, (_, high) in enumerate(HOMECOMING_BANDS) if distance < high), len(HOMECOMING_BANDS) - 1)


def hero_questions(text: str) -> list[ProbeQuestion]:
    """Every ending of a held-out text: does the network start the right hero's name?

    Every hero starts with a different letter, so the first letter after
    "and so " decides. Only stories whose ending names their own hero are
    asked: a held-out text is cut into blocks, and the tail of one story
    joined to the head of another is no story at all.
    """
    return [
        ProbeQuestion(story.ending_start, story.opening_start, _distance_band(story.distance))
        for story in homecoming_stories(text)
        if story.ending_name == story.hero
    ]


HERO_PROBE = ProbeSpec(
    title="right hero at the ending",
    bands=tuple(f"{low}-{high}" for low, high in HOMECOMING_BANDS),
    band_heading="by distance",
    chance=1 / len(HEROES),
    milestone="remember the hero",
    ask=hero_questions,
)


def _homecoming_violations(text: str) -> list[Violation]:
    return check_homecoming(text).violations


GRAMMAR = Grammar("homecoming", generate=generate_homecoming, check=_homecoming_violations, context_chars=1200, probe=HERO_PROBE, key_mistakes=("forgot-hero",))
