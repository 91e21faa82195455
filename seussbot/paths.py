"""Where seussbot keeps things on disk.

Models and imported corpora live under one root: the platform's user data
folder, or `$SEUSSBOT_HOME` when set (tests always set it, so they never touch
a real home). Caches go to the platform cache folder, or `$SEUSSBOT_HOME/cache`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

HOME_ENV = "SEUSSBOT_HOME"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_LENGTH = 64


def home() -> Path:
    """The root folder for models and imported corpora."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("seussbot", appauthor=False))


def models_dir() -> Path:
    return home() / "models"


def corpora_dir() -> Path:
    return home() / "corpora"


def screenshots_dir() -> Path:
    """Where the app saves screenshots (created when first needed: ~/Downloads may not exist)."""
    return home() / "screenshots"


def cache_dir() -> Path:
    if os.environ.get(HOME_ENV):
        return home() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("seussbot", appauthor=False))


def bundled_corpora_dir() -> Path:
    """The corpora shipped with seussbot.

    A wheel carries them inside the package (`seussbot/corpora`); a source
    checkout or editable install finds the top-level `corpora/` beside it.
    """
    packaged = Path(__file__).resolve().parent / "corpora"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "corpora"


def safe_name(name: str) -> str:
    """A file-name-safe version of `name`: no separators, no leading dots.

    Whatever a user types as a model or corpus name, the result can only name
    a file directly inside its folder.
    """
    cleaned = _SAFE_NAME.sub("-", name.strip()).strip("-.")
    cleaned = cleaned[:MAX_NAME_LENGTH].strip("-.")
    return cleaned or "untitled"
