"""The seeds' lesson, measured: a vanilla RNN vs an LSTM of similar size, same time.

Both train for the same wall-clock budget on `spot` (word level) and on
`homecoming` (character level, whose one rule spans up to 400 characters: the
hero who sets out must be the one who goes home). Then each writes the same
number of samples from the same seeds, and the samples are scored by the
mistake detectors and, for homecoming, by the exact grammar checker: how many
story endings name the story's own hero.

Similar size means a similar number of weights: an LSTM layer has four times
the recurrent weights of a vanilla one at the same width, so the RNN is twice
as wide. Truncated back-propagation only carries gradient `seq_len` steps back,
so homecoming trains with windows longer than its longest story.

On a CPU PyTorch fuses only the LSTM (oneDNN); the RNN used to take about five
times fewer steps in the same time, and now trains through seussbot's own fused
layers (`seussbot/fused.py`, measured by `fused_cells.py`). `--same-steps` adds a
run that gives the RNN as many steps as the LSTM took, so the lesson cannot be
put down to speed.

    python benchmarks/rnn_vs_lstm.py [--seconds 300] [--samples 12] [--corpora spot homecoming] [--same-steps]
"""

from __future__ import annotations

import argparse

import torch

from _common import table
from seussbot.corpus import load_corpus
from seussbot.grammars import HOMECOMING_BANDS, check_homecoming
from seussbot.mistakes import find_mistakes, profile_for_corpus, summary_counts
from seussbot.probe import probe_model
from seussbot.sample import SampleConfig, write
from seussbot.session import TrainingSession

SETUPS = {
    # corpus: (width per cell, seq_len, batch, sample length in tokens)
    "spot": ({"lstm": 64, "rnn": 128}, 64, 32, 120),
    "homecoming": ({"lstm": 256, "rnn": 512}, 512, 8, 1500),
}


def train(corpus_name: str, cell: str, threads: int, seconds: float | None = None, steps: int | None = None) -> TrainingSession:
    widths, seq_len, batch, _ = SETUPS[corpus_name]
    budget = {"max_steps": steps} if steps else {"max_minutes": (seconds or 0) / 60}
    session = TrainingSession.create(
        corpus_name, cell=cell, hidden_size=widths[cell], layers=1, embed_dim=32, dropout=0.0,
        seq_len=seq_len, batch_size=batch, threads=threads, eval_every_s=1e9, seed=0, **budget,
    )
    for _ in session.events():
        pass
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--same-steps", action="store_true", help="also train the RNN for as many steps as the LSTM took")
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpora", nargs="+", default=list(SETUPS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    bands = " / ".join(f"{low}-{high}" for low, high in HOMECOMING_BANDS)
    rows = [["corpus", "cell", "weights", "steps", "time", "val nats", "mistakes/100 words", "top kinds", "right hero (samples)", f"probe, held out (homecoming: right hero by gap {bands})"]]
    for corpus_name in args.corpora:
        corpus = load_corpus(corpus_name)
        profile = profile_for_corpus(corpus)
        length = SETUPS[corpus_name][3]
        runs = [("lstm", None), ("rnn", None)] + ([("rnn", "same steps")] if args.same_steps else [])
        lstm_steps = 0
        for cell, budget in runs:
            if budget:
                session = train(corpus_name, cell, args.threads, steps=lstm_steps)
            else:
                session = train(corpus_name, cell, args.threads, seconds=args.seconds)
            if cell == "lstm":
                lstm_steps = session.trainer.state.step
            model = session.snapshot_model()
            words = mistakes = 0
            counts: dict[str, int] = {}
            endings = correct = 0
            for seed in range(args.samples):
                text = write(model, session.vocab, "", SampleConfig(length=length, temperature=0.8, seed=seed))
                found = find_mistakes(text, profile)
                score_words = max(1, len(text.split()))
                words += score_words
                mistakes += len(found)
                for kind, n in summary_counts(found).items():
                    counts[kind] = counts.get(kind, 0) + n
                if corpus_name == "homecoming":
                    report = check_homecoming(text)
                    endings += report.endings
                    correct += report.correct_endings
            top = ", ".join(f"{k} {v * 100 / words:.1f}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:3])
            hero = f"{correct}/{endings} ({100 * correct / endings:.0f}%)" if endings else "-"
            probed = probe_model(model, session.vocab, session.corpus)  # the engine's probe, as the studio shows it
            by_band = " / ".join(f"{100 * b.right / max(1, b.asked):.0f}% of {b.asked}" for b in probed.bands) if probed else ""
            state = session.trainer.state
            rows.append([
                corpus_name, f"{cell} ({budget})" if budget else cell, f"{session.model.parameter_count():,}", f"{state.step:,}", f"{state.elapsed_s:.0f} s",
                f"{state.history[-1].val_loss:.3f}", f"{100 * mistakes / words:.1f}", top, hero if corpus_name == "homecoming" else "", by_band,
            ])
            print(table(rows), flush=True)
            print()
    print(f"{args.seconds:.0f} s of training per run unless 'same steps', {args.samples} samples per model at temperature 0.8, {args.threads} threads;")
    print("chance for the hero is 10% (ten heroes, each a different first letter)")


if __name__ == "__main__":
    main()
