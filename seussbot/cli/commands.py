"""The headless commands other than `train`: each a thin client of the engine.

Torch and the engine are imported inside each command, so `seussbot --help`
stays instant; a mistake the user can fix is a `SeussbotError`, which `main`
prints as one sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from seussbot import limits
from seussbot.corpus import DEFAULT_MAX_BYTES, read_text_file
from seussbot.errors import SeussbotError
from seussbot.units import bits


def open_app(args: argparse.Namespace) -> int:
    try:
        from seussbot.tui.app import run_app
    except ImportError:
        from seussbot.cli import build_parser

        build_parser().print_help()
        return 0
    return run_app()


def cmd_train(args: argparse.Namespace) -> int:
    from seussbot.cli.train import run_training

    return run_training(args)


def cmd_compare(args: argparse.Namespace) -> int:
    from seussbot.cli.compare import run_compare

    return run_compare(args)


def cmd_read(args: argparse.Namespace) -> int:
    from seussbot.cli.read import run_read

    return run_read(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from seussbot.cli.serve import run_serve

    return run_serve(args)


def cmd_sample(args: argparse.Namespace) -> int:
    from seussbot.session import load_model, mistake_profile_of
    from seussbot.writing import WriteSettings, write_and_judge

    if args.no_repeat is not None and args.beam is None:
        raise SeussbotError("--no-repeat works with --beam K: sampled text does not loop the way a beam does.")
    if args.choose and args.json:
        raise SeussbotError("--choose talks with you in the terminal; leave out --json.")
    prompt = args.prompt if args.prompt_file is None else read_user_text(args.prompt_file, limits.MAX_PROMPT_BYTES)
    loaded = load_model(args.model, device=args.device)
    loaded.vocab.encode(prompt)  # a prompt the model cannot read is refused before anything is written
    profile = mistake_profile_of(loaded) if args.mistakes or args.json or args.choose else None
    settings = WriteSettings(
        args.temperature, args.length, args.seed, args.top_k, args.top_p, decoding="beam" if args.beam else "sample",
        beam=args.beam or 5, no_repeat=args.no_repeat, until=args.until,
    )
    if args.choose:
        from seussbot.cli.choose import run_choose

        return run_choose(loaded, prompt, settings, profile)
    out, steps, found, tally = sys.stdout, [], {}, None
    if not args.json:
        out.write(prompt)
    for batch in write_and_judge(loaded.model, loaded.vocab, prompt, settings, profile, batch_s=0.05):
        steps += batch.steps
        found.update({(m.kind, m.start): m for m in batch.mistakes})
        tally = batch.tally
        if not args.json:
            out.write("".join(step.text for step in batch.steps))
            if out.isatty():
                out.flush()
    mistakes = sorted(found.values(), key=lambda m: (m.start, m.end))
    if args.json:
        print(json.dumps(_sample_json(prompt, steps, mistakes, tally)))
        return 0
    if out.isatty() or args.mistakes:
        out.write("\n")
    out.flush()
    if args.mistakes:
        print_mistakes(prompt + "".join(s.text for s in steps), mistakes, tally)
    return 0


def _sample_json(prompt: str, steps: list, mistakes: list, tally) -> dict:
    from seussbot.mistakes import to_json

    return {
        "prompt": prompt,
        "text": prompt + "".join(s.text for s in steps),
        "steps": [
            {
                "token": s.token, "text": s.text, "prob": round(s.prob, 6), "entropy_bits": round(s.entropy_bits, 4),
                "candidates": [[c.token, round(c.prob, 6)] for c in s.candidates],
            }
            for s in steps
        ],
        "mistakes": to_json(mistakes),
        "tally": None if tally is None else {"words": tally.words, "per_100_words": round(tally.per_100_words, 2), "by_kind": tally.counts},
    }


def print_mistakes(text: str, mistakes: list, tally) -> None:
    """The marks on stderr, so that stdout keeps only the text; neutral finds (new words) are said not to be mistakes."""
    from rich.console import Console

    from seussbot.mistakes import NEUTRAL

    console = Console(stderr=True, highlight=False)
    if tally is None:
        return
    count = sum(m.kind not in NEUTRAL for m in mistakes)
    noun = "mistake" if count == 1 else "mistakes"
    console.print(f"{count} {noun}, {tally.per_100_words:.1f} per 100 words ({tally.words} words written)")
    for m in mistakes:
        note = " (not a mistake)" if m.kind in NEUTRAL else ""
        console.print(f"  {m.kind:<12} {text[m.start:m.end]!r:<30} {m.detail}{note}", markup=False)


def cmd_corpora(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from seussbot.corpus import list_corpora, load_corpus

    table = Table(title="Corpora", title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("about", ratio=1)
    table.add_column("level", no_wrap=True)
    table.add_column("chars", justify="right", no_wrap=True)
    table.add_column("words", justify="right", no_wrap=True)
    for name, source, path, manifest in list_corpora():
        about = Text(manifest.title, style="bold")
        about.append(f" ({source})" if source != "bundled" else "", style="italic")
        about.append("\n" + manifest.description, style="dim")
        try:
            stats = load_corpus(name).stats
            chars, words = f"{stats.chars:,}", f"{stats.words:,}"
        except SeussbotError as error:
            chars, words = "-", "-"
            about.append(f"\nunusable: {error}", style="red")
        table.add_row(name, about, manifest.level, chars, words)
    Console().print(table)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from seussbot import store

    max_bytes = int(args.max_mb * 2**20) if args.max_mb else None
    target = store.import_corpus(Path(args.path).expanduser(), args.name, max_bytes)
    print(f"Imported '{target.stem}' ({target.stat().st_size:,} bytes); train it with: seussbot train {target.stem}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from seussbot import store

    summaries = store.list_models()
    if not summaries:
        print("No saved models yet; train one with: seussbot train seussian")
        return 0
    table = Table(title="Saved models", title_justify="left")
    table.add_column("name", no_wrap=True, style="bold")
    table.add_column("corpus")
    table.add_column("cell", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("steps", justify="right", no_wrap=True)
    table.add_column("saved weights: val loss", justify="right", no_wrap=True)
    for s in summaries:
        if s.damaged:
            table.add_row(s.name, Text(f"damaged: {s.damaged}", style="red"), "-", "-", "-", "-")
            continue
        best = "-" if s.best_val_loss is None else f"{bits(s.best_val_loss):.3f} bits"
        if s.best_val_loss is not None and s.best_step is not None:
            best += f", step {s.best_step:,}"
        table.add_row(s.name, s.corpus, s.cell, s.level, f"{s.steps:,}", best)
    Console().print(table)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from seussbot.session import load_model, model_info

    info = model_info(load_model(args.model))
    if args.json:
        print(json.dumps(info))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, title=info["name"], title_justify="left")
    for key, value in info.items():
        if key != "history":
            table.add_row(key, "-" if value is None else (f"{value:.4f}" if isinstance(value, float) else str(value)))
    Console().print(table)
    return 0


def cmd_mistakes(args: argparse.Namespace) -> int:
    from seussbot.corpus import load_corpus
    from seussbot.mistakes import KINDS, NEUTRAL, find_mistakes, profile_for_corpus, summary_counts, to_json

    text = args.text if args.text is not None else read_user_text(args.file)
    profile = profile_for_corpus(load_corpus(args.corpus), args.level)
    found = find_mistakes(text, profile)
    if args.json:
        print(json.dumps(to_json(found)))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    marked = Text(text)
    for mistake in found:
        marked.stylize(f"underline {KINDS[mistake.kind].colour}", mistake.start, mistake.end)
    console = Console()
    console.print(marked, highlight=False)
    counts = summary_counts(found)
    mistakes = sum(n for kind, n in counts.items() if kind not in NEUTRAL)
    if not mistakes:
        console.print("No mistakes found.")
    if not counts:
        return 0
    neutral = "".join(f"; {KINDS[k].label}s, not mistakes: {n}" for k, n in counts.items() if k in NEUTRAL)
    title = f"{mistakes} mistakes{neutral}"
    table = Table(title=title, title_justify="left")
    for column in ("kind", "count", "what it means", "first one"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for kind, count in counts.items():
        first = next(m for m in found if m.kind == kind)
        table.add_row(Text(kind, style=f"bold {KINDS[kind].colour}"), str(count), KINDS[kind].explanation, first.detail or repr(first.text))
    console.print(table)
    return 0


def read_user_text(name: str, max_bytes: int | None = None) -> str:
    """A text to examine or continue: the corpus rules, but short texts welcome and no pipes or devices."""
    return read_text_file(Path(name).expanduser(), max_bytes or DEFAULT_MAX_BYTES, min_chars=0, hint="")
