"""`seussbot read`: a saved model reads a text; its surprise, rank bands, error breakdown and hardest places.

A thin client of `seussbot.reading`. `--against MODEL2` reads the same text with
a second model and prints the change per error kind; `--json` prints one
object for scripts, with every character's surprise, rank and category
(the fields are listed in the README).
"""

from __future__ import annotations

import argparse
import json
import math

from seussbot.errors import SeussbotError

HARDEST = 5
JSON_CANDIDATES = 3


def run_read(args: argparse.Namespace) -> int:
    from seussbot.cli.commands import read_user_text
    from seussbot.reading import held_out_text
    from seussbot.session import load_model

    loaded = load_model(args.model, device=args.device)
    if args.held_out:
        text, source = held_out_text(loaded), "its corpus's held-out text"
    elif args.file is not None:
        text, source = read_user_text(args.file), f"'{args.file}'"
    else:
        text, source = args.text, "the text"
    first = _read(loaded, text)
    second = _read(load_model(args.against, device=args.device), text) if args.against else None
    if args.json:
        out = _summary_json(loaded.name, first) | {"source": source, "chars": _per_token_json(first[0])}
        if second is not None:
            out["against"] = _summary_json(second[1], second)
        print(json.dumps(out))
        return 0
    _print(loaded.name, source, first, second)
    return 0


def _read(loaded, text: str):
    """(reading, model name, note): the oracles come from the model's own corpus; without it, a note says so."""
    from seussbot.reading import oracles_for, read_text

    try:
        oracles, note = oracles_for(loaded), None
    except SeussbotError as error:
        oracles, note = None, f"{error} Errors are sorted only by word start, punctuation and the rest."
    return read_text(loaded.model, loaded.vocab, text, oracles), loaded.name, note


def _summary_json(name: str, read) -> dict:
    reading, _, note = read
    return {
        "model": name,
        "tokens": len(reading.tokens),
        "read": reading.read_count,
        "unknown": reading.unknown_count,
        "bits_per_char": _number(reading.bits_per_token),
        "rank_bands": {band: round(share, 6) for band, share in reading.rank_bands.items()},
        "errors": reading.errors,
        "breakdown": reading.breakdown,
        "breakdown_steps": {kind: dict(steps) for kind, steps in reading.breakdown_steps.items()},
        "hardest": [
            {"start": s.start, "end": s.end, "text": s.text, "expected": s.expected, "bits": round(s.bits, 3)}
            for s in reading.hardest(HARDEST)
        ],
        "note": note,
    }


def _per_token_json(reading) -> list[dict]:
    rows = []
    for i, token in enumerate(reading.tokens):
        known = bool(reading.known[i])
        rows.append({
            "char": token,
            "bits": round(float(reading.bits[i]), 4) if known else None,
            "prob": round(float(reading.prob[i]), 6) if known else None,
            "rank": int(reading.rank[i]) if known else None,
            "category": reading.category[i],
            "detail": int(reading.detail[i]),
            "top": [[t, round(p, 6)] for t, p in reading.candidates(i)[:JSON_CANDIDATES]] if known else [],
        })
    return rows


def _number(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def _print(name: str, source: str, first, second) -> None:
    from rich.console import Console
    from rich.table import Table

    from seussbot.reading import CATEGORIES, EXPLANATIONS

    reading, _, note = first
    console = Console(highlight=False)
    unit = "char" if reading.vocab.level == "char" else "token"
    unknown = f", {reading.unknown_count:,} it never saw (left out)" if reading.unknown_count else ""
    console.print(f"[bold]{name}[/] read {source}: {len(reading.tokens):,} {unit}s{unknown}")
    if not reading.read_count:
        console.print("It knows none of these characters, so there was nothing it could read.")
        return
    console.print(f"[bold]{reading.bits_per_token:.3f}[/] bits per {unit}" + (f"; {second[1]}: {second[0].bits_per_token:.3f}" if second else ""))
    console.print("rank of the true character: " + "  ".join(f"{band} {share:.1%}" for band, share in reading.rank_bands.items()))
    if note:
        console.print(note, style="yellow")
    share = reading.errors / reading.read_count
    table = Table(title=f"{reading.errors:,} errors (p(true) < 0.5): {share:.1%} of what it read", title_justify="left")
    table.add_column("kind", no_wrap=True, style="bold")
    table.add_column("errors", justify="right")
    table.add_column("share", justify="right")
    if second:
        table.add_column(second[1], justify="right")
        table.add_column("change", justify="right")
    table.add_column("finer oracles (errors each removes)", ratio=1)
    for kind in CATEGORIES:
        count = reading.breakdown[kind]
        row = [kind, f"{count:,}", f"{count / max(reading.errors, 1):.1%}"]
        if second:
            other = second[0].breakdown[kind]
            row += [f"{other:,}", f"{other - count:+,}"]
        steps = reading.breakdown_steps.get(kind, [])
        row.append("  ".join(f"{label} {n:,}" for label, n in steps if n))
        table.add_row(*row)
    if second:
        table.add_row("all", f"{reading.errors:,}", "100%", f"{second[0].errors:,}", f"{second[0].errors - reading.errors:+,}", "")
    console.print(table)
    for kind in CATEGORIES:
        console.print(f"  [bold]{kind}[/]: {EXPLANATIONS[kind]}", style="dim")
    console.print("[bold]The hardest places[/] (the text, then what the model expected):")
    for stretch in reading.hardest(HARDEST):
        console.print(f"  {stretch.bits:6.1f} bits  {stretch.text!r}", markup=False)
        console.print(f"             {stretch.expected!r}", markup=False, style="dim")
