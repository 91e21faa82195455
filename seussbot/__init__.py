"""seussbot: watch a small recurrent network learn to write, in your terminal."""

__version__ = "0.1.0"
