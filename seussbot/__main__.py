import sys

from seussbot.cli import main

sys.exit(main())
