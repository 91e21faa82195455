"""Write a generated corpus to stdout: ``python -m seussbot.grammars spot``."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from seussbot.grammars import GENERATORS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seussbot.grammars", description=__doc__)
    parser.add_argument("corpus", choices=sorted(GENERATORS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text = GENERATORS[args.corpus](seed=args.seed)
    sys.stdout.buffer.write(text.encode("ascii"))  # bytes: LF endings on every OS
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
