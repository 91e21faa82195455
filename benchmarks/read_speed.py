"""Reading speed: a 2x512 LSTM reads and classifies 100,000 characters (target <= 10 s on 2 cores).

Beside it, in the same run, the reference: a bare forward of the same model
over the same characters (one no-grad call on the same batch of streams, at
the faster of 1 and 2 threads), so the ratio shows what the statistics and the
oracles cost on top of the network itself. The n-gram tables are built (and
cached) before timing, as the app does once per corpus; their build time is
printed apart. Run under `flock /tmp/seussbot-bench.lock`.

    python benchmarks/read_speed.py [--model NAME]   # default: an untrained 2x512 LSTM
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SEUSSBOT_HOME", tempfile.mkdtemp(prefix="read-speed-"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks._common import median, shared_text, table  # noqa: E402
from seussbot import reading  # noqa: E402
from seussbot.corpus import load_corpus  # noqa: E402
from seussbot.model import CharRNN, ModelConfig  # noqa: E402
from seussbot.vocab import Vocab  # noqa: E402

CHARS = 100_000
REPEATS = 3


def bare_forward(model: CharRNN, ids: np.ndarray, threads: int) -> float:
    """Seconds for one no-grad forward over the same streams `forward_stats` reads."""
    torch.set_num_threads(threads)
    streams = max(1, min(reading.STREAMS_MAX, ids.size // reading.STREAM_MIN))
    width = -(-ids.size // streams) + reading.WARMUP
    x = torch.from_numpy(np.resize(ids, streams * width).reshape(streams, width))
    start = time.perf_counter()
    with torch.no_grad():
        model(x)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="a saved model to read with (default: an untrained 2x512 LSTM)")
    args = parser.parse_args()
    corpus = load_corpus(shared_text())
    if args.model:
        from seussbot.session import load_model

        loaded = load_model(args.model)
        model, vocab = loaded.model, loaded.vocab
    else:
        vocab = Vocab.build(corpus.text)
        torch.manual_seed(0)
        model = CharRNN(ModelConfig("lstm", len(vocab), hidden_size=512, layers=2)).eval()
    started = time.perf_counter()
    oracles = reading.Oracles.of_corpus(corpus, vocab, "tail")
    oracle_s = time.perf_counter() - started
    text = corpus.split(mode="tail")[1][:CHARS]
    text = (text * (CHARS // len(text) + 1))[:CHARS]
    ids = np.array(vocab.encode(text))
    read_s, bare_s = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = reading.read_text(model, vocab, text, oracles)
        read_s.append(time.perf_counter() - started)
        bare_s.append(min(bare_forward(model, ids, 1), bare_forward(model, ids, 2)))
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}; n-gram tables (built or read once): {oracle_s:.1f} s")
    print(table([
        ["what", "seconds (median of 3)", "chars/s"],
        ["read and classify 100,000 chars", f"{median(read_s):.2f}", f"{CHARS / median(read_s):,.0f}"],
        ["bare forward, same model and streams", f"{median(bare_s):.2f}", f"{CHARS / median(bare_s):,.0f}"],
    ]))
    print(f"ratio read / bare: {median(read_s) / median(bare_s):.2f}; target: read <= 10 s "
          f"({'met' if median(read_s) <= 10 else 'not met'}); {result.errors:,} errors classified")


if __name__ == "__main__":
    main()
