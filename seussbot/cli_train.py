"""`seussbot train`: a Rich progress display over a training thread.

Training runs in a worker thread so that the main thread can always take
Ctrl+C: it asks the trainer to stop between steps, waits for it, saves, and
exits cleanly. Models are also saved every `--save-every` seconds.
"""

from __future__ import annotations

import argparse
import queue
import threading
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from seussbot.errors import SeussbotError
from seussbot.units import bits, clock
DEFAULT_MINUTES = 3.0


def run_training(args: argparse.Namespace) -> int:
    from seussbot.corpus import DEFAULT_MAX_BYTES, load_corpus
    from seussbot.session import TrainingSession, default_threads

    console = Console(stderr=True)
    budget = {"max_steps": args.steps, "max_minutes": args.minutes, "max_epochs": args.epochs}
    if not any(v is not None for v in budget.values()):
        budget["max_minutes"] = DEFAULT_MINUTES
    options = {k: v for k, v in budget.items() if v is not None}
    options.update(threads=args.threads or default_threads(), eval_every_s=args.eval_every)
    for flag, field in (("lr", "lr"), ("batch_size", "batch_size"), ("seq_len", "seq_len")):
        if getattr(args, flag) is not None:
            options[field] = getattr(args, flag)
    max_bytes = int(args.max_mb * 2**20) if args.max_mb else DEFAULT_MAX_BYTES

    if args.resume:
        name = args.out or f"{args.corpus}-{args.cell}" + ("-word" if args.level == "word" else "")
        session = TrainingSession.resume(name, device=args.device, **options)
    else:
        corpus = load_corpus(args.corpus, max_bytes)
        for flag, field in (("hidden", "hidden_size"), ("layers", "layers"), ("dropout", "dropout")):
            if getattr(args, flag) is not None:
                options[field] = getattr(args, flag)
        session = TrainingSession.create(
            corpus, cell=args.cell, level=args.level, preset=args.preset, name=args.out,
            device=args.device, seed=args.seed, split_mode=args.split, **options,
        )

    for warning in session.warnings:
        console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)
    model = session.model
    console.print(
        f"Training [bold]{session.name}[/]: {model.config.cell.upper()} {model.config.layers}x{model.config.hidden_size} "
        f"({model.parameter_count():,} weights) on '{session.corpus.name}' "
        f"({len(session.corpus.text):,} chars, {session.vocab.level} level, {len(session.vocab)} tokens), "
        f"batch {session.train_config.batch_size}x{session.train_config.seq_len}, {session.train_config.threads} threads. "
        "Ctrl+C saves and stops."
    )
    outcome = _train_with_display(session, console, args.save_every)
    path = session.save()
    _print_summary(session, console, outcome, path)
    if args.sample_length > 0:
        from seussbot.sample import SampleConfig, write

        text = write(session.snapshot_model(), session.vocab, "", SampleConfig(length=args.sample_length, seed=args.seed))
        console.rule("a sample")
        console.print(text.strip("\n"), highlight=False, markup=False)
    return 0


def _train_with_display(session, console: Console, save_every_s: float) -> str:
    from seussbot.train import Evaluation, Finished, Progress as ProgressEvent, Recovered

    events: queue.Queue = queue.Queue()
    done = object()

    def work() -> None:
        try:
            for event in session.events():
                events.put(event)
        except BaseException as error:  # reported on the main thread
            events.put(error)
        events.put(done)

    worker = threading.Thread(target=work, name="seussbot-train", daemon=True)
    columns = (
        TextColumn("step {task.fields[step]:>7,}"),
        BarColumn(bar_width=24),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("loss {task.fields[loss]}  val {task.fields[val]}"),
        TextColumn("{task.fields[speed]}"),
        TextColumn("{task.fields[eta]}"),
    )
    outcome = "budget"
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("train", total=1000, step=0, loss="-", val="-", speed="", eta="")
        worker.start()
        last_save = time.monotonic()
        try:
            while True:
                try:
                    event = events.get(timeout=0.2)
                except queue.Empty:
                    event = None
                if event is done:
                    break
                if isinstance(event, BaseException):
                    raise _as_user_error(event)
                if isinstance(event, ProgressEvent):
                    bar.update(
                        task,
                        completed=1000 * (event.fraction or 0.0),
                        step=event.step,
                        loss=f"{bits(event.train_loss):.3f} b/c",
                        speed=f"{event.tokens_per_s / 1000:,.1f}k tok/s",
                        eta="" if event.eta_s is None else f"{clock(event.eta_s)} left",
                    )
                elif isinstance(event, Evaluation):
                    bar.update(task, val=f"{bits(event.val_loss):.3f} b/c")
                elif isinstance(event, Recovered):
                    console.print(f"[yellow]step {event.step}: {event.message}; restored the last good weights, lr now {event.lr:.2e}[/]")
                elif isinstance(event, Finished):
                    outcome = event.reason
                if time.monotonic() - last_save > save_every_s:
                    session.save()
                    last_save = time.monotonic()
        except KeyboardInterrupt:
            session.trainer.stop()
            console.print("Stopping after this step, then saving...")
            worker.join()
            outcome = "interrupted"
    worker.join(timeout=5)
    return outcome


def _as_user_error(error: BaseException) -> BaseException:
    if isinstance(error, (SeussbotError, KeyboardInterrupt)):
        return error
    if isinstance(error, FloatingPointError):
        return SeussbotError(f"Training diverged: {error}.")
    return error


def _print_summary(session, console: Console, outcome: str, path) -> None:
    st = session.trainer.state
    last = st.history[-1] if st.history else None
    table = Table(show_header=False, title=f"{session.name}: {outcome}", title_justify="left")
    table.add_row("steps", f"{st.step:,}")
    table.add_row("tokens seen", f"{st.tokens_seen:,} ({st.tokens_seen / max(1, len(session.corpus.text)):.1f} x the corpus)")
    table.add_row("training time", clock(st.elapsed_s))
    if last:
        table.add_row("train loss", f"{last.train_loss:.4f} nats ({bits(last.train_loss):.3f} bits) per token")
        table.add_row("val loss", f"{last.val_loss:.4f} nats ({bits(last.val_loss):.3f} bits) per token")
        table.add_row("best val loss", f"{st.best_val_loss:.4f} nats")
    table.add_row("saved to", str(path))
    console.print(table)
