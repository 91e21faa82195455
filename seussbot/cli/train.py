"""`seussbot train`: a Rich progress display over the engine's training runner.

The runner trains on its own thread, so the main thread can always take
Ctrl+C: it asks training to stop after the current step, waits for the
runner to evaluate and save, and exits cleanly. The runner also saves every
`--save-every` seconds.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from seussbot.errors import SeussbotError
from seussbot.units import bits, clock

REFRESH_S = 0.2


def run_training(args: argparse.Namespace) -> int:
    from seussbot.opening import TrainRequest, open_session
    from seussbot.runner import Runner

    console = Console(stderr=True)
    overrides = {
        field: getattr(args, flag)
        for flag, field in (
            ("lr", "lr"), ("batch_size", "batch_size"), ("seq_len", "seq_len"), ("eval_every", "eval_every_s"),
            ("hidden", "hidden_size"), ("layers", "layers"), ("dropout", "dropout"), ("threads", "threads"),
        )
        if getattr(args, flag) is not None and not (args.resume and field in ("hidden_size", "layers", "dropout"))
    }
    if args.early_stop is not None:
        overrides["early_stop"] = args.early_stop or None  # 0: never stop early
    default_name = f"{args.corpus}-{args.cell}" + ("-word" if args.level == "word" else "")
    request = TrainRequest(
        corpus=args.corpus, model=(args.out or default_name) if args.resume else None,
        cell=args.cell, level=args.level, preset=args.preset, name=args.out, overwrite=args.overwrite,
        minutes=args.minutes or 0.0, steps=args.steps, epochs=args.epochs,
        device=args.device, seed=args.seed, split=args.split,
        max_bytes=int(args.max_mb * 2**20) if args.max_mb else None, overrides=overrides,
    )
    with open_session(request) as session:
        for warning in session.warnings:
            console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)
        _print_start(session, console)
        runner = Runner(session, save_every_s=args.save_every)
        outcome = _train_with_display(runner, console)
        path = runner.save()
        _print_summary(session, console, outcome, path)
        if args.sample_length > 0:
            from seussbot.sample import SampleConfig, write

            text = write(session.snapshot_model(), session.vocab, "", SampleConfig(length=args.sample_length, seed=args.seed))
            console.rule("a sample")
            console.print(text.strip("\n"), highlight=False, markup=False)
    return 0


def _print_start(session, console: Console) -> None:
    model, config = session.model, session.train_config
    console.print(
        f"Training [bold]{session.name}[/]: {model.config.cell.upper()} {model.config.layers}x{model.config.hidden_size} "
        f"({model.parameter_count():,} weights) on '{session.corpus.name}' "
        f"({len(session.corpus.text):,} chars, {session.vocab.level} level, {len(session.vocab)} tokens), "
        f"batch {config.batch_size}x{config.seq_len}, {session.threads_described}. "
        "Ctrl+C saves and stops."
    )


def _train_with_display(runner, console: Console) -> str:
    """Show the runner's feed until training ends; returns why it ended."""
    columns = (
        TextColumn("step {task.fields[step]:>7,}"),
        BarColumn(bar_width=24),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("loss {task.fields[loss]}  val {task.fields[val]}"),
        TextColumn("{task.fields[speed]}"),
        TextColumn("{task.fields[eta]}"),
    )
    feed = runner.feed()
    failure: str | None = None
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("train", total=1000, step=0, loss="-", val="-", speed="", eta="")
        runner.start()
        try:
            while True:
                ended = runner.wait(REFRESH_S)
                failure = _show(feed.take(), bar, task, console) or failure
                if ended:
                    break
        except KeyboardInterrupt:
            runner.stop()
            console.print("Stopping after this step, then saving...")
            runner.wait()
            _show(feed.take(), bar, task, console)
            return "interrupted"
    if failure:
        raise SeussbotError(failure)
    return runner.outcomes.get(runner.sessions[0].name, "stopped")


def _show(news, bar: Progress, task, console: Console) -> str | None:
    """Draw one batch of news; returns a failure message if training failed."""
    from seussbot.runner import Failed, SaveFailed
    from seussbot.train import Evaluation, Learned, Memorising, Recovered

    event = news.progress
    if event is not None:
        bar.update(
            task,
            completed=1000 * (event.fraction or 0.0),
            step=event.step,
            loss=f"{bits(event.train_loss):.3f} b/c",
            speed=f"{event.tokens_per_s / 1000:,.1f}k tok/s, {event.threads} thr",
            eta="" if event.eta_s is None else f"{clock(event.eta_s)} left",
        )
    failure = None
    for notice in news.notices:
        if isinstance(notice, Evaluation):
            bar.update(task, val=f"{bits(notice.val_loss):.3f} b/c")
            if notice.probe is not None:
                console.print(f"step {notice.step:,}: {notice.probe.line()}", highlight=False, markup=False)
        elif isinstance(notice, Learned):
            console.print(f"[green]{notice.message}[/]", highlight=False)
        elif isinstance(notice, Memorising):
            console.print(f"[yellow]{notice.message}[/]", highlight=False)
        elif isinstance(notice, Recovered):
            console.print(f"[yellow]step {notice.step}: {notice.message}; restored the last good weights, lr now {notice.lr:.2e}[/]")
        elif isinstance(notice, SaveFailed):
            console.print(f"[red]{notice.message}[/]", highlight=False)
        elif isinstance(notice, Failed):
            failure = notice.message
    return failure


def _print_summary(session, console: Console, outcome: str, path) -> None:
    st = session.state
    last = st.history[-1] if st.history else None
    title = {"early-stop": "stopped early (validation stopped improving)"}.get(outcome, outcome)
    table = Table(show_header=False, title=f"{session.name}: {title}", title_justify="left")
    table.add_row("steps", f"{st.step:,}")
    table.add_row("tokens seen", f"{st.tokens_seen:,} ({st.tokens_seen / max(1, len(session.corpus.text)):.1f} x the corpus)")
    table.add_row("training time", clock(st.elapsed_s))
    if last:
        table.add_row("train loss", f"{last.train_loss:.4f} nats ({bits(last.train_loss):.3f} bits) per token")
        table.add_row("val loss", f"{last.val_loss:.4f} nats ({bits(last.val_loss):.3f} bits) per token")
    if st.best_step is not None:
        table.add_row("kept", f"the weights from step {st.best_step:,}: val loss {st.best_val_loss:.4f} nats ({bits(st.best_val_loss):.3f} bits), the best")
    table.add_row("saved to", str(path))
    console.print(table)
