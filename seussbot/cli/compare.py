"""`seussbot compare`: RNN, LSTM, GRU and an n-gram learn one corpus in lockstep, then a table.

One progress line per network while they train (on the runner's thread; the
main thread keeps Ctrl+C, which stops all of them, saves, and still prints
the table), then per model: steps, validation bits, the probe by band, mistakes
per 100 words by kind in samples, and the lesson sentence. `--json` prints the
same as one object on stdout instead.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from seussbot.units import bits, clock


def run_compare(args: argparse.Namespace) -> int:
    from seussbot.compare import Comparison, lesson, parse_cells

    console = Console(stderr=True)
    cells = parse_cells(args.cells)
    with Comparison(
        args.corpus, cells, steps=args.steps, minutes=args.minutes, same_time=args.same_time, seed=args.seed, threads=args.threads,
    ) as comparison:
        labels = comparison.labels
        console.print(
            f"Comparing on '{comparison.corpus.name}' ({len(comparison.corpus.text):,} chars, {comparison.vocab.level} level): "
            + "; ".join(labels.values())
            + (". Each gets the same share of time." if args.same_time else ". In lockstep: each sees the same characters.")
            + " Ctrl+C stops, saves, and shows the table.",
            highlight=False,
        )
        interrupted = False
        try:
            _train_with_display(comparison, console)
        except KeyboardInterrupt:
            interrupted = True
            console.print("Stopping: saving every network...", style="yellow")
            comparison.stop()
            comparison.runner.wait()
        results = comparison.results(samples=args.samples)
        sentence = lesson(results, comparison.vocab.level)
        failures = [f"{s.name}: {o}" for s, o in ((s, comparison.runner.outcomes.get(s.name)) for s in comparison.sessions) if o == "failed"]
        if args.json:
            json.dump(
                {
                    "corpus": comparison.corpus.name, "level": comparison.vocab.level,
                    "turns": "same-time" if args.same_time else "lockstep", "interrupted": interrupted,
                    "models": [r.to_json() for r in results], "lesson": sentence,
                },
                sys.stdout, indent=2,
            )
            sys.stdout.write("\n")
        else:
            _print_table(results, comparison.vocab.level, Console())
            Console().print(sentence, highlight=False, soft_wrap=True)
        for failure in failures:
            console.print(f"failed: {failure}", style="red", highlight=False)
    return 130 if interrupted else (1 if failures else 0)


def _train_with_display(comparison, console: Console) -> None:
    from rich.live import Live

    from seussbot.compare import run_to_end

    latest: dict[str, str] = {}

    def tick(c) -> None:
        for session in c.sessions:
            news = c.runner.feed(session).take()
            if news.progress is not None or session.name not in latest:
                state = session.trainer.state
                best = state.best_val_loss
                latest[session.name] = (
                    f"{session.model.config.cell.upper():>4}  step {state.step:>7,}  {clock(state.elapsed_s)}  "
                    + (f"val {bits(best):.3f} bits" if best < float("inf") else "val –")
                )
            for notice in news.notices:
                message = getattr(notice, "message", None)
                if message and type(notice).__name__ in ("Learned", "Memorising", "Failed", "SaveFailed"):
                    console.print(f"{session.model.config.cell.upper()}: {message}", highlight=False)
        fraction = c.runner.shared_fraction()
        footer = f"{100 * fraction:.0f}% of the time" if fraction is not None else ""
        live.update("\n".join([*latest.values(), footer]))

    with Live("", console=console, refresh_per_second=5, transient=not console.is_terminal) as live:
        run_to_end(comparison, tick)


def _print_table(results, level: str, console: Console) -> None:
    unit = "bits/char" if level == "char" else "bits/word"
    probed = next((r.probe for r in results if r.probe is not None), None)
    table = Table()
    table.add_column("model")
    for heading in ("steps", f"val {unit}", "mistakes/100 words"):
        table.add_column(heading, justify="right")
    table.add_column("most common")
    if probed is not None:
        table.add_column(" · ".join(b.label for b in probed.bands) if len(probed.bands) > 1 else "probe")
    for r in results:
        kinds = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r.mistakes_by_kind.items(), key=lambda kv: -kv[1])[:3]) or "–"
        row = [
            r.label, f"{r.steps:,}" if r.cell != "ngram" else "–", "–" if r.val_bits is None else f"{r.val_bits:.3f}",
            "–" if r.mistakes_per_100_words is None else f"{r.mistakes_per_100_words:.1f}", kinds,
        ]
        if probed is not None:
            row.append(" · ".join("–" if b.share is None else f"{100 * b.share:.0f}%" for b in r.probe.bands) if r.probe else "–")
        table.add_row(*row)
    console.print(table)
    if probed is not None:
        heading = f", {probed.heading}" if probed.heading and len(probed.bands) > 1 else ""
        console.print(f"Last column: {probed.title}{heading} (chance {100 * probed.chance:.0f}%).", highlight=False)
