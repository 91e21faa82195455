"""The one exception type a user is ever shown.

Every mistake a person can make (a bad path, a broken model file, a prompt with
characters the model never saw) becomes a `SeussbotError` whose message is one
plain sentence. The CLI prints it and exits non-zero; the TUI shows it in a
notification. Anything else escaping is a bug.
"""

from __future__ import annotations


class SeussbotError(Exception):
    """A problem the user caused or can fix; `str(error)` is one sentence."""


class CorpusError(SeussbotError):
    """The text cannot be used as a corpus."""


class ModelFileError(SeussbotError):
    """A model file is missing, damaged, foreign or inconsistent."""


class PromptError(SeussbotError):
    """A prompt the model cannot read."""


class StorageError(SeussbotError):
    """Something could not be written to disk; nothing was lost."""


class ModelLockedError(SeussbotError):
    """Another process or screen is training this model now."""


class ModelExistsError(SeussbotError):
    """A new model would replace a saved one; the user must say how to proceed."""


class CorpusNameTaken(CorpusError):
    """An import's name belongs to a bundled corpus or a different imported one; `free` is one that does not."""

    def __init__(self, message: str, name: str, free: str) -> None:
        super().__init__(message)
        self.name, self.free = name, free
