"""The command line: `seussbot` opens the app; `seussbot train|sample|...` work headless.

Every command is a thin client of the engine (`seussbot.session` and friends):
this module builds the parser; `commands.py` and `train.py` hold the commands,
`args.py` the argument types that turn out-of-range values into usage errors.
Imports of torch and the engine happen inside the commands, so `seussbot --help`
stays instant. A mistake the user can fix exits non-zero with one sentence on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from seussbot import __version__, defaults, limits
from seussbot.cli.args import DEVICES, device, positive_float, positive_int, until, whole_number, within
from seussbot.cli.commands import (
    cmd_compare,
    cmd_corpora,
    cmd_import,
    cmd_info,
    cmd_mistakes,
    cmd_models,
    cmd_read,
    cmd_sample,
    cmd_serve,
    cmd_train,
    open_app,
)
from seussbot.cli.inside import cmd_cells, cmd_inspect
from seussbot.corpus import DEFAULT_MAX_BYTES
from seussbot.errors import SeussbotError
from seussbot.presets import CELLS, PRESETS
from seussbot.vocab import LEVELS


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
    budget.add_argument("--steps", type=positive_int, help="train this many steps")
    budget.add_argument("--minutes", type=positive_float, help="train this many minutes (default: by network size, 3 to 10)")
    budget.add_argument("--epochs", type=positive_float, help="train this many passes over the text")
    train.add_argument("--out", metavar="NAME", help="model name to save as (default: CORPUS-CELL, or CORPUS-CELL-N if taken)")
    train.add_argument("--resume", action="store_true", help="continue training the model named by --out (or CORPUS-CELL)")
    train.add_argument("--overwrite", action="store_true", help="replace a saved model named by --out instead of refusing")
    train.add_argument("--device", choices=DEVICES, type=device, default="auto", help="where to train (default: auto, the fastest here)")
    train.add_argument("--threads", type=within(limits.THREADS), help=f"CPU threads for torch, {limits.THREADS.span} (default: measured while training, rechecked every 30 s)")
    train.add_argument("--seed", type=within(limits.SEED), default=0, help=f"random seed, {limits.SEED.span} (default 0)")
    train.add_argument("--lr", type=within(limits.LR), help=f"peak learning rate, {limits.LR.span}")
    train.add_argument("--batch-size", type=within(limits.BATCH_SIZE), help=f"streams read side by side, {limits.BATCH_SIZE.span}")
    train.add_argument("--seq-len", type=within(limits.SEQ_LEN), help=f"tokens per truncated-BPTT window, {limits.SEQ_LEN.span}")
    train.add_argument("--hidden", type=within(limits.HIDDEN), help=f"units per layer, {limits.HIDDEN.span}")
    train.add_argument("--layers", type=within(limits.LAYERS), help=f"recurrent layers, {limits.LAYERS.span}")
    train.add_argument("--dropout", type=within(limits.DROPOUT), help=f"dropout between layers, {limits.DROPOUT.span}")
    train.add_argument(
        "--eval-every", type=positive_float, metavar="SECONDS",
        help=(
            f"seconds between validations (default {defaults.EVAL_EVERY_S_SMALL:g}, or {defaults.EVAL_EVERY_S_LARGE:g} for large "
            f"corpora), stretched so that validating takes at most {defaults.EVAL_SHARE_MAX * 100:.0f}%% of the time"
        ),
    )
    train.add_argument(
        "--early-stop", type=whole_number, metavar="K",
        help=f"stop after K validations in a row without improvement (default {defaults.EARLY_STOP_EVALUATIONS}; 0: never)",
    )
    train.add_argument("--save-every", type=positive_float, default=60.0, metavar="SECONDS")
    train.add_argument("--max-mb", type=within(limits.MAX_MB), help=f"largest corpus to accept, in MB, {limits.MAX_MB.span} (default {DEFAULT_MAX_BYTES // 2**20})")
    train.add_argument("--split", choices=("interleaved", "tail"), default="interleaved", help="validation split (tail: last 10%%, as nanoGPT)")
    train.add_argument("--sample-length", type=within(limits.LENGTH), default=200, help=f"tokens of the closing sample, {limits.LENGTH.span} (0: none)")
    train.set_defaults(handler=cmd_train)

    compare = commands.add_parser("compare", help="train an RNN, an LSTM, a GRU and an n-gram side by side on one corpus")
    compare.add_argument("corpus", metavar="CORPUS", help="a bundled or imported corpus name, or a path to a text file")
    compare.add_argument("--cells", default="rnn,lstm,gru,ngram", help="which take part, comma-separated (default: rnn,lstm,gru,ngram)")
    compare_budget = compare.add_mutually_exclusive_group()
    compare_budget.add_argument("--steps", type=positive_int, help="train each network this many steps")
    compare_budget.add_argument("--minutes", type=positive_float, help=f"train them this many minutes in all (default {defaults.COMPARE_MINUTES:g})")
    compare.add_argument("--same-time", action="store_true", help="give each network the same training time instead of the same characters")
    compare.add_argument("--samples", type=within(limits.COMPARE_SAMPLES), default=4, help=f"samples per model whose mistakes are counted, {limits.COMPARE_SAMPLES.span} (default 4)")
    compare.add_argument("--threads", type=within(limits.THREADS), help=f"CPU threads for torch, {limits.THREADS.span} (default 1: more collapse when the machine is busy)")
    compare.add_argument("--seed", type=within(limits.SEED), default=0, help=f"random seed, {limits.SEED.span} (default 0)")
    compare.add_argument("--json", action="store_true", help="one JSON object on stdout: every model's numbers and the lesson")
    compare.set_defaults(handler=cmd_compare)

    sample = commands.add_parser("sample", help="write text with a saved model")
    sample.add_argument("model", metavar="MODEL", help="a saved model's name, or a path to a model file")
    prompt = sample.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", default="", help="text to continue (default: start afresh)")
    prompt.add_argument(
        "--prompt-file", metavar="PATH",
        help=f"a UTF-8 file holding the text to continue, at most {limits.MAX_PROMPT_BYTES // 2**20} MB",
    )
    sample.add_argument("--length", type=within(limits.LENGTH), default=300, help=f"tokens to write, {limits.LENGTH.span} (default 300)")
    sample.add_argument("--temperature", type=within(limits.TEMPERATURE), default=0.8, help=f"{limits.TEMPERATURE.span}; 0 always picks the likeliest (default 0.8)")
    sample.add_argument("--top-k", type=within(limits.TOP_K), help=f"draw only from the k likeliest tokens, {limits.TOP_K.span}")
    sample.add_argument("--top-p", type=within(limits.TOP_P), help=f"draw only from the likeliest tokens that together reach p, {limits.TOP_P.span}")
    sample.add_argument("--seed", type=within(limits.SEED), help=f"random seed, {limits.SEED.span}: the same seed writes the same text")
    sample.add_argument(
        "--until", type=until, metavar="sentence|line|story|N",
        help="stop at the end of the first sentence, line or blank-line-separated story after the prompt, or after N tokens (the length still caps it)",
    )
    decoding = sample.add_mutually_exclusive_group()
    decoding.add_argument("--beam", type=within(limits.BEAM_WIDTH), metavar="K", help=f"beam search of width K, {limits.BEAM_WIDTH.span}: the likeliest text, scored per token (safe, and dull)")
    decoding.add_argument("--choose", action="store_true", help="choose your own: the model stops before each token (a character, or a word at word level) and you pick")
    sample.add_argument("--no-repeat", type=within(limits.NO_REPEAT), metavar="N", help=f"with --beam: no N-gram of tokens twice (beams loop), {limits.NO_REPEAT.span}")
    sample.add_argument("--device", choices=DEVICES, type=device, default="cpu")
    sample.add_argument("--mistakes", action="store_true", help="name the mistakes in the text (on stderr), judged by the model's corpus")
    sample.add_argument("--json", action="store_true", help="one JSON object on stdout: text, steps with candidates, mistakes, tally")
    sample.set_defaults(handler=cmd_sample)

    corpora = commands.add_parser("corpora", help="list bundled and imported corpora")
    corpora.set_defaults(handler=cmd_corpora)

    imp = commands.add_parser("import", help="check a text file and add it to your corpora")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--name")
    imp.add_argument("--max-mb", type=within(limits.MAX_MB), help=f"largest file to accept, in MB, {limits.MAX_MB.span} (default {DEFAULT_MAX_BYTES // 2**20})")
    imp.set_defaults(handler=cmd_import)

    models = commands.add_parser("models", help="list saved models")
    models.set_defaults(handler=cmd_models)

    info = commands.add_parser("info", help="describe a saved model")
    info.add_argument("model", metavar="MODEL")
    info.add_argument("--json", action="store_true", help="one JSON object on stdout")
    info.set_defaults(handler=cmd_info)

    mistakes = commands.add_parser("mistakes", help="name the writing mistakes in a text, judged against a corpus")
    mistakes.add_argument("corpus", metavar="CORPUS", help="the corpus whose statistics set the rules")
    source = mistakes.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the text to examine")
    source.add_argument("--file", metavar="PATH", help=f"a UTF-8 file holding the text to examine, at most {DEFAULT_MAX_BYTES // 2**20} MB")
    mistakes.add_argument("--level", choices=LEVELS, help="judge as a char- or word-level model wrote it (default: the corpus's level)")
    mistakes.add_argument("--json", action="store_true", help="a JSON list of mistakes on stdout")
    mistakes.set_defaults(handler=cmd_mistakes)

    inspect = commands.add_parser("inspect", help="what a saved model expected at each character of a text, and why")
    inspect.add_argument("model", metavar="MODEL", help="a saved model's name, or a path to a model file")
    text = inspect.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the text to read")
    text.add_argument("--file", metavar="PATH", help=f"a UTF-8 file holding the text to read, at most {DEFAULT_MAX_BYTES // 2**20} MB")
    inspect.add_argument("--json", action="store_true", help="one JSON object on stdout (fields in the README)")
    inspect.add_argument("--gates", action="store_true", help="every gate and state value, per layer, at each character")
    inspect.add_argument("--reach", type=whole_number, metavar="POS", help="how much each earlier character moved the prediction at POS (0-based)")
    inspect.set_defaults(handler=cmd_inspect)

    cells = commands.add_parser("cells", help="units of a saved model that follow a nameable feature of the text")
    cells.add_argument("model", metavar="MODEL")
    cells.add_argument("--corpus", metavar="NAME", help="whose validation text to read (default: the corpus the model learned)")
    cells.add_argument("--max-chars", type=within(limits.CELLS_TOKENS), default=30_000, help=f"tokens of it to read, {limits.CELLS_TOKENS.span} (default 30,000)")
    cells.add_argument("--json", action="store_true", help="one JSON object on stdout (fields in the README)")
    cells.set_defaults(handler=cmd_cells)
    read = commands.add_parser("read", help="let a saved model read a text: surprise, rank and its errors by kind")
    read.add_argument("model", metavar="MODEL", help="a saved model's name, or a path to a model file")
    text = read.add_mutually_exclusive_group(required=True)
    text.add_argument("--file", metavar="PATH", help=f"a UTF-8 file to read, at most {DEFAULT_MAX_BYTES // 2**20} MB")
    text.add_argument("--text", help="the text to read")
    text.add_argument("--held-out", action="store_true", help="the validation split of the model's own corpus")
    read.add_argument("--against", metavar="MODEL2", help="a second model reads the same text: the change per error kind")
    read.add_argument("--json", action="store_true", help="one JSON object on stdout, with every character's surprise, rank and category")
    read.add_argument("--device", choices=DEVICES, type=device, default="cpu")
    read.set_defaults(handler=cmd_read)
    serve = commands.add_parser(
        "serve", help="serve the app to browsers, one app per tab (a classroom; needs seussbot[serve])",
        description="Serve the app to web browsers: each tab runs its own app. Ctrl+C stops every tab, saving its model.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0: every interface)")
    serve.add_argument("--port", type=within(limits.PORT), default=8000, help=f"port to listen on, {limits.PORT.span} (default 8000)")
    serve.add_argument("--public-url", metavar="URL", help="the address students type, when a proxy stands in front (default: the address the browser used)")
    serve.add_argument(
        "--max-sessions", type=within(limits.SESSIONS), metavar="N",
        help=f"tabs at once, {limits.SESSIONS.span}; one more is told the room is full (default: the number of cores, at least 2)",
    )
    serve.add_argument(
        "--threads-per-session", type=within(limits.THREADS), default=1, metavar="K",
        help=f"torch threads each tab trains with, {limits.THREADS.span} (default 1)",
    )
    serve.set_defaults(handler=cmd_serve)
    return parser


if __name__ == "__main__":
    sys.exit(main())
