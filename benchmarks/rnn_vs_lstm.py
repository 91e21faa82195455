"""The seeds' lesson, measured: a vanilla RNN vs an LSTM of similar size, same time.

Both train for the same wall-clock budget on `spot` (word level) and on
`homecoming` (character level, whose one rule spans 100-400 characters: the
hero who sets out must be the one who goes home). Then each writes the same
number of samples from the same seeds, and the samples are scored by the
mistake detectors and, for homecoming, by the exact grammar checker: how many
story endings name the story's own hero.

Similar size means a similar number of weights: an LSTM layer has four times
the recurrent weights of a vanilla one at the same width, so the RNN is twice
as wide. Truncated back-propagation only carries gradient `seq_len` steps back,
so homecoming trains with windows longer than its longest story.

    python benchmarks/rnn_vs_lstm.py [--seconds 90] [--samples 12]
"""

from __future__ import annotations

import argparse

import torch

from _common import table
from seussbot.corpus import load_corpus
from seussbot.grammars import check_homecoming
from seussbot.mistakes import find_mistakes, profile_for_corpus, summary_counts
from seussbot.sample import SampleConfig, write
from seussbot.session import TrainingSession

SETUPS = {
    # corpus: (sizes per cell, seq_len, batch, sample length in tokens)
    "spot": ({"lstm": 64, "rnn": 128}, 64, 32, 120),
    "homecoming": ({"lstm": 192, "rnn": 384}, 512, 16, 1500),
}


def train(corpus_name: str, cell: str, seconds: float, threads: int) -> TrainingSession:
    widths, seq_len, batch, _ = SETUPS[corpus_name]
    session = TrainingSession.create(
        corpus_name, cell=cell, hidden_size=widths[cell], layers=1, embed_dim=32, dropout=0.0,
        seq_len=seq_len, batch_size=batch, max_minutes=seconds / 60, threads=threads, eval_every_s=1e9, seed=0,
    )
    for _ in session.events():
        pass
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpora", nargs="+", default=list(SETUPS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = [["corpus", "cell", "weights", "steps", "val nats", "mistakes/100 words", "top kinds", "right hero"]]
    for corpus_name in args.corpora:
        corpus = load_corpus(corpus_name)
        profile = profile_for_corpus(corpus)
        length = SETUPS[corpus_name][3]
        for cell in ("rnn", "lstm"):
            session = train(corpus_name, cell, args.seconds, args.threads)
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
            state = session.trainer.state
            rows.append([
                corpus_name, cell, f"{session.model.parameter_count():,}", f"{state.step:,}",
                f"{state.history[-1].val_loss:.3f}", f"{100 * mistakes / words:.1f}", top, hero if corpus_name == "homecoming" else "",
            ])
            print(table(rows), flush=True)
            print()
    print(f"{args.seconds:.0f} s of training per run, {args.samples} samples per model at temperature 0.8, {args.threads} threads")


if __name__ == "__main__":
    main()
