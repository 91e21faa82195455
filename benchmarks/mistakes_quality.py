"""How well the mistake detectors separate good text from broken text, per corpus.

For each bundled corpus (and tiny-shakespeare when it is present), the profile
is built from the training split only, then flags per 100 words are counted:

- held-out: the corpus's own validation split, block by block (where two
  blocks meet a sentence is cut, which is the split's doing). It should be
  nearly clean, except `made-up` and `unseen-pair`, which measure the real
  novelty of new text.
- shuffled: the validation text with the words of each sentence shuffled.
- char-bigram: characters sampled from a character bigram model of the training
  text (like a network's first minutes).
- char-5gram: characters from a 5-gram model (like a half-trained network:
  real words, odd order, loops and copies).
- memorised: long stretches of the training text itself (like an overfit
  network reciting the book).

ALL counts mistakes only: `new-word` (a real word the book never uses) is
neutral. Then the case of issue #9: the first 50,000 characters of
tiny-shakespeare imported as a corpus, and the next 3,000 (the real ending
the corpus never saw) judged as `seussbot mistakes` judges them; and the
invented words of tests/invented_words.txt planted in that ending, with the
share of them flagged `made-up`.

Run: python benchmarks/mistakes_quality.py [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import SHARED_DATA  # noqa: E402
from seussbot.mistakes import KINDS, NEUTRAL, CorpusProfile, find_mistakes  # noqa: E402

SHAKESPEARE = SHARED_DATA / "tinyshakespeare.txt"
INVENTED = ROOT / "tests" / "invented_words.txt"
BOOK_CHARS, ENDING_CHARS = 50_000, 3_000  # issue #9: the corpus, then the real text that follows it
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_SENTENCE = re.compile(r"[^.!?]*[.!?]+|[^.!?]+$")


def split_blocks(text: str) -> tuple[str, list[tuple[str, int]]]:
    """Corpus.split's training text, and its validation blocks as (block, prompt length).

    Validation blocks are judged one by one: where two blocks meet, a sentence
    or a story is cut in two, and that seam is the split's doing, not a
    mistake. For the same reason a block that starts mid-sentence has its
    first piece of a sentence treated like a prompt (read, never flagged).
    """
    from seussbot import corpus

    train, val = corpus.split_text(text)
    blocks_of = getattr(corpus, "_blocks_at_line_breaks", None)
    if blocks_of is not None:
        every = 10
        blocks = blocks_of(text, count=max(every, min(20 * every, len(text) // 2_000)))
        for chosen in range(every):
            held = [i for i in range(len(blocks)) if i % every == chosen]
            if "".join(blocks[i] for i in held) == val:
                return train, [(blocks[i], _cut_sentence(blocks[i - 1] if i else "", blocks[i])) for i in held]
    return train, [(val, 0)]


def _cut_sentence(before: str, block: str) -> int:
    """How much of `block` finishes a sentence that `before` began (0 if none)."""
    tail = before.rstrip()
    if not tail or tail[-1] in ".!?\"')" or before.endswith("\n\n"):
        return 0
    stop = re.search(r"[.!?]+[\"')]*", block)
    return stop.end() if stop else 0


def corpora() -> list[tuple[str, str, list[str], str | None, str]]:
    """(name, train, validation blocks, grammar, level) for every corpus we can find."""
    from seussbot.corpus import bundled_names, load_corpus

    found = []
    for name in bundled_names():
        corpus = load_corpus(name)
        train, val = split_blocks(corpus.text)
        found.append((name, train, val, corpus.manifest.grammar, corpus.manifest.level))
    if SHAKESPEARE.exists():
        train, val = split_blocks(SHAKESPEARE.read_text(encoding="utf-8"))
        found.append(("tinyshakespeare", train, val, None, "char"))
    return found


def shuffled(text: str, rng: random.Random) -> str:
    """The same text with the words of each sentence in a random order."""
    out = []
    for sentence in _SENTENCE.findall(text):
        spans = [m.span() for m in _WORD.finditer(sentence)]
        words = [sentence[a:b] for a, b in spans]
        rng.shuffle(words)
        pieces, last = [], 0
        for (a, b), word in zip(spans, words):
            pieces.append(sentence[last:a])
            pieces.append(word)
            last = b
        pieces.append(sentence[last:])
        out.append("".join(pieces))
    return "".join(out)


def char_ngram_sample(train: str, order: int, length: int, rng: random.Random) -> str:
    """Characters from an order-`order` Markov model of the training text."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for i in range(len(train) - order):
        table[train[i : i + order]][train[i + order]] += 1
    dist = {k: (list(c), list(c.values())) for k, c in table.items()}
    start = rng.randrange(len(train) - order)
    context = train[start : start + order]
    out = []
    for _ in range(length):
        choices = dist.get(context)
        if choices is None:
            context = train[rng.randrange(len(train) - order) :][:order]
            continue
        ch = rng.choices(choices[0], choices[1])[0]
        out.append(ch)
        context = (context + ch)[-order:] if order else ""
    return "".join(out)


def recited(train: str, length: int, rng: random.Random, pieces: int = 4) -> str:
    """A few long stretches of the training text, starting at line starts."""
    out = []
    for _ in range(pieces):
        start = train.find("\n", rng.randrange(max(1, len(train) - length // pieces))) + 1
        out.append(train[start : start + length // pieces])
    return "\n\n".join(out)


def rates(pieces: list[tuple[str, int]], profile: CorpusProfile) -> tuple[int, dict[str, float]]:
    """Flags per 100 words over texts judged one by one, each after its protected start."""
    words = sum(len(_WORD.findall(text[cut:])) for text, cut in pieces)
    found = [m for text, cut in pieces for m in find_mistakes(text, profile, protected_prefix=cut)]
    counts = Counter(m.kind for m in found)
    per100 = {kind: 100.0 * counts[kind] / max(1, words) for kind in profile.kinds}
    per100["all"] = 100.0 * sum(m.kind not in NEUTRAL for m in found) / max(1, words)
    return words, per100


def invented_words() -> list[str]:
    """The planted words of tests/invented_words.txt (lines starting with # are comments)."""
    lines = INVENTED.read_text(encoding="utf-8").splitlines()
    return [word for line in lines if not line.startswith("#") for word in line.split()]


def plant(text: str, words: list[str]) -> tuple[str, list[int]]:
    """`text` with evenly spaced words replaced by `words`; the new text and where each planted word starts."""
    spans = [m.span() for m in _WORD.finditer(text)]
    chosen = [spans[i * len(spans) // len(words)] for i in range(len(words))]
    out, starts, last, length = [], [], 0, 0
    for (a, b), word in zip(chosen, words):
        out += [text[last:a], word]
        starts.append(length + a - last)
        length += a - last + len(word)
        last = b
    return "".join(out) + text[last:], starts


def book_ending(text: str) -> dict:
    """Issue #9's case: the book's first BOOK_CHARS imported as a corpus, its next ENDING_CHARS judged."""
    from seussbot.corpus import split_text

    book, ending = text[:BOOK_CHARS], text[BOOK_CHARS : BOOK_CHARS + ENDING_CHARS]
    train, val = split_text(book)  # as `seussbot mistakes` builds the profile: statistics from the
    profile = CorpusProfile.from_text(train, held_out_text=val)  # training split, words from all of it
    first = _WORD.match(ending)
    cut = first.end() if first and book[-1:].isalpha() else 0  # a word the slice cut in two ("o|f") is read, not judged
    words, per100 = rates([(ending, cut)], profile)
    invented = invented_words()
    planted, starts = plant(ending[cut:], invented)
    caught = {m.start for m in find_mistakes(planted, profile) if m.kind == "made-up"}
    recall = sum(start in caught for start in starts) / len(starts)
    return {
        "corpus": "tinyshakespeare",
        "text": "book-ending",
        "words": words,
        "per_100_words": per100,
        "planted": len(starts),
        "planted_recall": recall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    results = []
    for name, train, val, grammar, level in corpora():
        rng = random.Random(args.seed)
        t0 = time.perf_counter()
        profile = CorpusProfile.from_text(train, grammar=grammar, level=level)
        build = time.perf_counter() - t0
        length = min(sum(len(block) for block, _ in val), 20_000)
        texts = {
            "held-out": val,
            "shuffled": [(shuffled(block, rng), cut) for block, cut in val],
            "char-bigram": [(char_ngram_sample(train, 1, length, rng), 0)],
            "char-5gram": [(char_ngram_sample(train, 5, length, rng), 0)],
            "memorised": [(recited(train, length, rng), 0)],
        }
        for variant, text in texts.items():
            words, per100 = rates(text, profile)
            results.append({"corpus": name, "text": variant, "words": words, "per_100_words": per100})
        results[-1]["profile_seconds"] = round(build, 3)
    ending = book_ending(SHAKESPEARE.read_text(encoding="utf-8")) if SHAKESPEARE.exists() else None
    if ending is not None:
        results.append(ending)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    kinds = [k for k in KINDS if any(k in r["per_100_words"] for r in results)]
    header = f"{'corpus':<16}{'text':<12}{'words':>7}" + "".join(f"{k[:11]:>12}" for k in kinds) + f"{'ALL':>8}"
    print("flags per 100 words (profile from the training split only; ALL leaves out neutral new-word)")
    print(header)
    for r in results:
        cells = "".join(
            f"{r['per_100_words'][k]:>12.2f}" if k in r["per_100_words"] else f"{'-':>12}" for k in kinds
        )
        print(f"{r['corpus']:<16}{r['text']:<12}{r['words']:>7}{cells}{r['per_100_words']['all']:>8.2f}")
    if ending is not None:
        print(
            f"book-ending: tiny-shakespeare's first {BOOK_CHARS:,} chars imported as the corpus, the next"
            f" {ENDING_CHARS:,} judged (targets: ALL <= 2, made-up <= 1); of {ending['planted']} invented"
            f" words planted in it, {ending['planted_recall']:.1%} are flagged made-up (target >= 95%)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
