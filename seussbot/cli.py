"""The command line: `seussbot` opens the app; `seussbot train|sample|...` work headless.

Every command is a thin client of the engine (`seussbot.session` and friends).
Imports of torch and the engine happen inside the commands, so `seussbot --help`
stays instant. A mistake the user can fix exits non-zero with one sentence on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from seussbot import __version__, defaults, limits
from seussbot.corpus import DEFAULT_MAX_BYTES, read_text_file
from seussbot.errors import SeussbotError
from seussbot.presets import CELLS, PRESETS
from seussbot.vocab import LEVELS
from seussbot.units import bits


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    try:
        if handler is None:
            return open_app(args)
        return handler(args)
    except SeussbotError as error:
        print(f"seussbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("seussbot: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: still one line for the user, the details on request
        if os.environ.get("SEUSSBOT_DEBUG"):
            raise
        print(f"seussbot: internal error: {type(error).__name__}: {error} (set SEUSSBOT_DEBUG=1 for details).", file=sys.stderr)
        return 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seussbot",
        description="Watch a small recurrent network learn to write. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"seussbot {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    train = commands.add_parser("train", help="train a network on a corpus (headless)")
    train.add_argument("corpus", metavar="CORPUS", help="a bundled or imported corpus name, or a path to a text file")
    train.add_argument("--cell", choices=CELLS, default="lstm")
    train.add_argument("--level", choices=LEVELS, help="tokens: characters (default) or words")
    train.add_argument("--preset", choices=tuple(PRESETS), help="network size (default: from corpus size)")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=_positive_int, help="train this many steps")
    budget.add_argument("--minutes", type=_positive_float, help="train this many minutes (default: by network size, 3 to 10)")
    budget.add_argument("--epochs", type=_positive_float, help="train this many passes over the text")
    train.add_argument("--out", metavar="NAME", help="model name to save as (default: CORPUS-CELL, or CORPUS-CELL-N if taken)")
    train.add_argument("--resume", action="store_true", help="continue training the model named by --out (or CORPUS-CELL)")
    train.add_argument("--overwrite", action="store_true", help="replace a saved model named by --out instead of refusing")
    train.add_argument("--device", choices=DEVICES, type=_device, default="auto", help="where to train (default: auto, the fastest here)")
    train.add_argument("--threads", type=_within(limits.THREADS), help=f"CPU threads for torch, {limits.THREADS.span} (default: all cores)")
    train.add_argument("--seed", type=_within(limits.SEED), default=0, help=f"random seed, {limits.SEED.span} (default 0)")
    train.add_argument("--lr", type=_within(limits.LR), help=f"peak learning rate, {limits.LR.span}")
    train.add_argument("--batch-size", type=_within(limits.BATCH_SIZE), help=f"streams read side by side, {limits.BATCH_SIZE.span}")
    train.add_argument("--seq-len", type=_within(limits.SEQ_LEN), help=f"tokens per truncated-BPTT window, {limits.SEQ_LEN.span}")
    train.add_argument("--hidden", type=_within(limits.HIDDEN), help=f"units per layer, {limits.HIDDEN.span}")
    train.add_argument("--layers", type=_within(limits.LAYERS), help=f"recurrent layers, {limits.LAYERS.span}")
    train.add_argument("--dropout", type=_within(limits.DROPOUT), help=f"dropout between layers, {limits.DROPOUT.span}")
    train.add_argument(
        "--eval-every", type=_positive_float, metavar="SECONDS",
        help=f"seconds between validations (default {defaults.EVAL_EVERY_S_SMALL:g}, or {defaults.EVAL_EVERY_S_LARGE:g} for large corpora)",
    )
    train.add_argument(
        "--early-stop", type=_whole_number, metavar="K",
        help=f"stop after K validations in a row without improvement (default {defaults.EARLY_STOP_EVALUATIONS}; 0: never)",
    )
    train.add_argument("--save-every", type=_positive_float, default=60.0, metavar="SECONDS")
    train.add_argument("--max-mb", type=_within(limits.MAX_MB), help=f"largest corpus to accept, in MB, {limits.MAX_MB.span} (default {DEFAULT_MAX_BYTES // 2**20})")
    train.add_argument("--split", choices=("interleaved", "tail"), default="interleaved", help="validation split (tail: last 10%%, as nanoGPT)")
    train.add_argument("--sample-length", type=_within(limits.LENGTH), default=200, help=f"tokens of the closing sample, {limits.LENGTH.span} (0: none)")
    train.set_defaults(handler=_cmd_train)

    sample = commands.add_parser("sample", help="write text with a saved model")
    sample.add_argument("model", metavar="MODEL", help="a saved model's name, or a path to a model file")
    prompt = sample.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", default="", help="text to continue (default: start afresh)")
    prompt.add_argument(
        "--prompt-file", metavar="PATH",
        help=f"a UTF-8 file holding the text to continue, at most {limits.MAX_PROMPT_BYTES // 2**20} MB",
    )
    sample.add_argument("--length", type=_within(limits.LENGTH), default=300, help=f"tokens to write, {limits.LENGTH.span} (default 300)")
    sample.add_argument("--temperature", type=_within(limits.TEMPERATURE), default=0.8, help=f"{limits.TEMPERATURE.span}; 0 always picks the likeliest (default 0.8)")
    sample.add_argument("--top-k", type=_within(limits.TOP_K), help=f"draw only from the k likeliest tokens, {limits.TOP_K.span}")
    sample.add_argument("--top-p", type=_within(limits.TOP_P), help=f"draw only from the likeliest tokens that together reach p, {limits.TOP_P.span}")
    sample.add_argument("--seed", type=_within(limits.SEED), help=f"random seed, {limits.SEED.span}: the same seed writes the same text")
    sample.add_argument("--device", choices=DEVICES, type=_device, default="cpu")
    sample.add_argument("--mistakes", action="store_true", help="name the mistakes in the text (on stderr), judged by the model's corpus")
    sample.add_argument("--json", action="store_true", help="one JSON object on stdout: text, steps with candidates, mistakes, tally")
    sample.set_defaults(handler=_cmd_sample)

    corpora = commands.add_parser("corpora", help="list bundled and imported corpora")
    corpora.set_defaults(handler=_cmd_corpora)

    imp = commands.add_parser("import", help="check a text file and add it to your corpora")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--name")
    imp.add_argument("--max-mb", type=_within(limits.MAX_MB), help=f"largest file to accept, in MB, {limits.MAX_MB.span} (default {DEFAULT_MAX_BYTES // 2**20})")
    imp.set_defaults(handler=_cmd_import)

    models = commands.add_parser("models", help="list saved models")
    models.set_defaults(handler=_cmd_models)

    info = commands.add_parser("info", help="describe a saved model")
    info.add_argument("model", metavar="MODEL")
    info.add_argument("--json", action="store_true", help="one JSON object on stdout")
    info.set_defaults(handler=_cmd_info)

    mistakes = commands.add_parser("mistakes", help="name the writing mistakes in a text, judged against a corpus")
    mistakes.add_argument("corpus", metavar="CORPUS", help="the corpus whose statistics set the rules")
    source = mistakes.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the text to examine")
    source.add_argument("--file", metavar="PATH", help=f"a UTF-8 file holding the text to examine, at most {DEFAULT_MAX_BYTES // 2**20} MB")
    mistakes.add_argument("--level", choices=LEVELS, help="judge as a char- or word-level model wrote it (default: the corpus's level)")
    mistakes.add_argument("--json", action="store_true", help="a JSON list of mistakes on stdout")
    mistakes.set_defaults(handler=_cmd_mistakes)
    return parser


# -- commands ---------------------------------------------------------------------------
def open_app(args: argparse.Namespace) -> int:
    try:
        from seussbot.tui.app import run_app
    except ImportError:
        build_parser().print_help()
        return 0
    return run_app()


def _cmd_train(args: argparse.Namespace) -> int:
    from seussbot.cli_train import run_training

    return run_training(args)


def _cmd_sample(args: argparse.Namespace) -> int:
    from seussbot.session import load_model, mistake_profile_of
    from seussbot.writing import WriteSettings, write_and_judge

    prompt = args.prompt if args.prompt_file is None else _read_user_text(args.prompt_file, limits.MAX_PROMPT_BYTES)
    loaded = load_model(args.model, device=args.device)
    loaded.vocab.encode(prompt)  # a prompt the model cannot read is refused before anything is written
    profile = mistake_profile_of(loaded) if args.mistakes or args.json else None
    settings = WriteSettings(args.temperature, args.length, args.seed, args.top_k, args.top_p)
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
        _print_mistakes(prompt + "".join(s.text for s in steps), mistakes, tally)
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


def _print_mistakes(text: str, mistakes: list, tally) -> None:
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


def _cmd_corpora(args: argparse.Namespace) -> int:
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


def _cmd_import(args: argparse.Namespace) -> int:
    from seussbot import store

    max_bytes = int(args.max_mb * 2**20) if args.max_mb else None
    target = store.import_corpus(Path(args.path).expanduser(), args.name, max_bytes)
    print(f"Imported '{target.stem}' ({target.stat().st_size:,} bytes); train it with: seussbot train {target.stem}")
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
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


def _cmd_info(args: argparse.Namespace) -> int:
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


def _cmd_mistakes(args: argparse.Namespace) -> int:
    from seussbot.corpus import load_corpus
    from seussbot.mistakes import KINDS, NEUTRAL, find_mistakes, profile_for_corpus, summary_counts, to_json

    text = args.text if args.text is not None else _read_user_text(args.file)
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


def _read_user_text(name: str, max_bytes: int | None = None) -> str:
    """A text to examine or continue: the corpus rules, but short texts welcome and no pipes or devices."""
    return read_text_file(Path(name).expanduser(), max_bytes or DEFAULT_MAX_BYTES, min_chars=0, hint="")


# -- argument types ---------------------------------------------------------------------
DEVICES = ("auto", "cpu", "cuda", "mps")


def _within(allowed: limits.Range) -> Callable[[str], float]:
    """An argparse type: a number in `allowed`, or a usage error that says the range."""

    def parse(text: str) -> float:
        try:
            value = int(text) if allowed.whole else float(text)
        except ValueError:
            value = None
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"must be {allowed.describe()}")
        return value  # type: ignore[return-value]

    return parse


def _device(name: str) -> str:
    """An argparse type: a device that exists here (torch is imported only to check cuda or mps)."""
    if name in ("cuda", "mps"):
        from seussbot.model import device_problem

        problem = device_problem(name)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem}; use --device cpu")
    return name


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _whole_number(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number, 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


if __name__ == "__main__":
    sys.exit(main())
