"""`seussbot inspect` and `seussbot cells`: look inside a saved network from the command line.

Thin clients of `seussbot.inside`: `inspect` reads a text and prints, per
character, what the model expected (and with `--gates` what its gates did,
with `--reach POS` how far back the prediction at POS looked); `cells` lists
the units that follow a nameable feature of the corpus's validation text.
JSON for scripts (fields in the README), a readable table otherwise.
"""

from __future__ import annotations

import argparse
import json

GATE_DIGITS = 4


def cmd_inspect(args: argparse.Namespace) -> int:
    from seussbot.cli.commands import read_user_text
    from seussbot.inside.reach import reach
    from seussbot.inside.reading import read_text
    from seussbot.session import load_model

    text = args.text if args.text is not None else read_user_text(args.file)
    loaded = load_model(args.model)
    reading = read_text(loaded.model, loaded.vocab, text, gates=args.gates)
    found = reach(loaded.model, loaded.vocab, text, args.reach) if args.reach is not None else None
    if args.json:
        print(json.dumps(inspect_json(loaded, text, reading, found)))
    else:
        _print_inspection(loaded, reading, found)
    return 0


def inspect_json(loaded, text: str, reading, found) -> dict:
    from seussbot.inside.weights import weight_breakdown

    config = loaded.model.config
    tokens = []
    for t, token in enumerate(reading.tokens):
        entry = {
            "index": t,
            "token": token,
            "prob": round(float(reading.prob[t]), 6),
            "entropy_bits": round(float(reading.entropy_bits[t]), 4),
            "candidates": [[c, round(p, 6)] for c, p in reading.candidates(t, loaded.vocab)],
        }
        if reading.tracks[0]:
            entry["gates"] = [
                {"layer": layer + 1, **{key: [round(v, GATE_DIGITS) for v in series[t].tolist()] for key, series in tracks.items()}}
                for layer, tracks in enumerate(reading.tracks)
            ]
        tokens.append(entry)
    return {
        "model": loaded.name,
        "cell": config.cell,
        "layers": config.layers,
        "hidden_size": config.hidden_size,
        "level": loaded.vocab.level,
        "text": text,
        "tokens": tokens,
        "reach": None if found is None else reach_json(found, reading.tokens),
        "parameters": loaded.model.parameter_count(),
        "weights": [
            {"name": m.name, "layer": m.layer, "gate": m.gate, "rows": m.rows, "cols": m.cols, "count": m.count}
            for m in weight_breakdown(config)
        ],
    }


def reach_json(found, tokens: list[str]) -> dict:
    return {
        "position": found.position,
        "token": found.token,
        "prob": round(found.prob, 6),
        "within_90": found.within_90,
        "begin": found.begin,
        "influence": [
            {"index": index, "token": tokens[index], "back": found.position - index, "influence": round(value, 8)}
            for index, value in enumerate(found.influence, start=found.begin)
        ],
    }


def _print_inspection(loaded, reading, found) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    unit = "word" if loaded.vocab.level == "word" else "character"
    table = _table(f"{loaded.name}: what it expected at each {unit}", ("prob", "entropy bits", "candidates"))
    for t, token in enumerate(reading.tokens):
        candidates = "  ".join(f"{shown(c)} {p:.0%}" for c, p in reading.candidates(t, loaded.vocab)[:4])
        table.add_row(str(t), shown(token), f"{float(reading.prob[t]):.1%}", f"{float(reading.entropy_bits[t]):.2f}", candidates)
    console.print(table)
    for layer, tracks in enumerate(reading.tracks if reading.tracks[0] else []):
        console.print(_gates_table(reading, layer, tracks))
    if found is not None:
        console.print(_reach_text(reading, found, unit))


def _table(title: str, columns: tuple[str, ...]):
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("token", no_wrap=True, min_width=5)
    for column in columns:
        table.add_column(column, justify="left" if column in ("candidates", "strongest units") else "right", no_wrap=column != "candidates")
    return table


def _gates_table(reading, layer: int, tracks: dict):
    """Per character: each gate's mean over the layer, and the three units furthest from 0."""
    from seussbot.inside.tracks import TRACKS

    gates = [k for k in TRACKS[reading.cell] if k.key not in ("cell", "hidden")]
    state = "cell" if "cell" in tracks else "hidden"
    named = ", ".join(f"{g.textbook} {g.symbol}" for g in gates)
    title = f"layer {layer + 1}: mean over units of {named}" if gates else f"layer {layer + 1}"
    table = _table(f"{title}; the strongest units of {state} {state[0]}", (*(g.symbol for g in gates), "strongest units"))
    for t, token in enumerate(reading.tokens):
        values = tracks[state][t]
        strongest = values.abs().argsort(descending=True)[:3].tolist()
        means = [f"{float(tracks[g.key][t].mean()):.2f}" for g in gates]
        table.add_row(str(t), shown(token), *means, "  ".join(f"{u}: {float(values[u]):+.2f}" for u in strongest))
    return table


def _reach_text(reading, found, unit: str):
    """The sentence with the number, then the text lit by how much each character moved the prediction."""
    from rich.console import Group
    from rich.text import Text

    head = Text(
        f"Reach at {found.position} ({shown(found.token)}, p = {found.prob:.1%}): "
        f"90% of the influence lies within {found.within_90:,} {unit}s."
    )
    peak = max(found.influence, default=0.0) or 1.0
    lit = Text()
    for index in range(found.begin, found.position):
        strength = found.of(index) / peak
        lit.append(reading.tokens[index], style=f"on {_shade(strength)}" if strength > 0.02 else "")
    lit.append(reading.tokens[found.position], style="bold reverse")
    return Group(head, lit)


def _shade(strength: float) -> str:
    """Dark to bright amber as the influence grows (a 24-bit colour Rich can show or reduce)."""
    level = min(1.0, max(0.0, strength)) ** 0.5
    red, green, blue = int(60 + 195 * level), int(40 + 140 * level), 20
    return f"rgb({red},{green},{blue})"


def shown(token: str) -> str:
    """A token as a table can show it: spaces and line breaks made visible."""
    return token.replace("\n", "⏎").replace(" ", "␣")


def cmd_cells(args: argparse.Namespace) -> int:
    from seussbot.corpus import load_corpus
    from seussbot.errors import CorpusError, PromptError
    from seussbot.inside.cells import find_cells
    from seussbot.session import load_model, recorded_corpus

    loaded = load_model(args.model)
    corpus = load_corpus(args.corpus or recorded_corpus(loaded))
    split = loaded.meta.get("training", {}).get("split_mode", "interleaved") if not args.corpus else "interleaved"
    _, validation = corpus.split(mode=split)
    try:
        report = find_cells(loaded.model, loaded.vocab, validation, max_tokens=args.max_chars)
    except PromptError as error:
        raise CorpusError(f"The corpus '{corpus.name}' holds text this model cannot read: {error}") from None
    if args.json:
        print(json.dumps({
            "model": loaded.name,
            "corpus": corpus.name,
            "tokens": report.tokens,
            "cells": [
                {"feature": f.feature, "feature_name": f.feature_name, "layer": f.layer + 1, "track": f.track, "unit": f.unit, "r": round(f.r, 4)}
                for f in report.findings
            ],
        }))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{loaded.name}: units that follow a feature of '{corpus.name}' ({report.tokens:,} validation tokens)", title_justify="left")
    for column in ("feature", "layer", "state", "unit", "r"):
        table.add_column(column, justify="left" if column in ("feature", "state") else "right")
    for f in report.findings:
        table.add_row(f.feature_name, str(f.layer + 1), f.track, str(f.unit), f"{f.r:+.2f}")
    Console(highlight=False).print(table)
    best = report.best(1)
    if best:
        f = best[0]
        print(f"Strongest: unit {f.unit} of layer {f.layer + 1} ({f.track}) tracks '{f.feature_name}', r = {f.r:+.2f}.")
    return 0
