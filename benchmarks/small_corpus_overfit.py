"""Small corpora and memorising: what the default run keeps, before and after issue #9.

For each small corpus (the bundled `rhymes`, and the first 50,000 characters of
tiny-shakespeare) it trains the default network twice, in this process:
- "old": the old defaults: 3 minutes, validation every 15 s, no early stop; the
  file kept the last weights, so what a person got was the *final* validation loss;
- "now": seussbot's defaults (`open_session`, as `seussbot train` does): budget by
  size, validation every 5 s, early stop, and the file keeps the best weights.
It prints the best validation loss and the step and time it came at, the loss of
the weights each version saved, how long each ran and why it stopped.

    python benchmarks/small_corpus_overfit.py [--minutes 3] [--threads 2] [--dropout 0.2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from _common import shared_text, table


def run(corpus: str, *, old: bool, minutes: float, threads: int, dropout: float | None) -> dict:
    from seussbot.opening import TrainRequest, open_session
    from seussbot.train import Finished
    from seussbot.units import bits

    overrides: dict = {"threads": threads}
    if old:
        overrides.update(eval_every_s=15.0, early_stop=None)
    if dropout is not None:
        overrides["dropout"] = dropout
    request = TrainRequest(corpus=corpus, minutes=minutes if old else 0.0, overrides=overrides)
    with open_session(request) as session:
        reason = "?"
        for event in session.events():
            if isinstance(event, Finished):
                reason = event.reason
        st = session.state
        best_time = next((p.elapsed_s for p in st.history if p.step == st.best_step), float("nan"))
        saved = st.history[-1].val_loss if old else st.best_val_loss
        return {
            "preset": session.preset,
            "best": f"{bits(st.best_val_loss):.3f}",
            "best at": f"step {st.best_step:,}, {best_time:.0f} s",
            "saved": f"{bits(saved):.3f}",
            "ran": f"{st.elapsed_s:.0f} s ({reason})",
            "after best": f"{max(0.0, st.elapsed_s - best_time) / max(1e-9, st.elapsed_s):.0%}",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="the old run's budget (the old CLI default)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dropout", type=float, help="also try the new defaults with this dropout")
    args = parser.parse_args()
    os.environ.setdefault("SEUSSBOT_HOME", tempfile.mkdtemp(prefix="seussbot-bench-"))
    folder = Path(tempfile.mkdtemp(prefix="seussbot-small-"))
    shakespeare = folder / "shakespeare-50k.txt"
    shakespeare.write_text(shared_text().read_text(encoding="utf-8")[:50_000], encoding="utf-8")
    rows = [["corpus", "run", "preset", "best val (bits)", "best at", "saved weights' val", "ran", "after best"]]
    for corpus in ("rhymes", str(shakespeare)):
        label = Path(corpus).stem
        variants = [("old", True, None), ("now", False, None)]
        if args.dropout is not None:
            variants.append((f"now, dropout {args.dropout:g}", False, args.dropout))
        for name, old, dropout in variants:
            result = run(corpus, old=old, minutes=args.minutes, threads=args.threads, dropout=dropout)
            rows.append([label, name, *result.values()])
            print(table(rows), flush=True)
            print()


if __name__ == "__main__":
    main()
