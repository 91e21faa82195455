"""Model files and imported corpora on disk.

A model file is safetensors: raw tensors plus a JSON header, a format that
cannot run code when read (never pickle). The header's metadata holds one JSON
document: format version, network config, vocabulary, the corpus it learned
from (name and sha256) and its training history. The weights in the model file
are the best ones (lowest validation loss) training found; what resuming needs,
the last weights and the optimiser state, lives beside it in
`<name>.optim.safetensors`.

A model being trained is locked (`ModelLock`, an OS file lock): a second
process, or a second screen, cannot train the same name at once, and a lock
left by a killed process is released by the operating system.

Every write goes to a temporary file in the same folder, is fsynced, then
renamed over the old file: a crash, a full disk or Ctrl+C mid-save leaves the
previous file as it was.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from seussbot import paths
from seussbot.errors import CorpusError, ModelFileError, ModelLockedError, StorageError

FORMAT = "seussbot-model"
FORMAT_VERSION = 1
SUFFIX = ".safetensors"
OPTIM_SUFFIX = ".optim.safetensors"
# A safetensors file starts with an 8-byte header length; refuse absurd headers before parsing.
MAX_HEADER_BYTES = 64 * 1024 * 1024
LAST_WEIGHTS_PREFIX = "last-weights/"  # in the optimiser file: the weights resuming starts from


# -- atomic writes -------------------------------------------------------------------
def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
        raise StorageError(f"Could not save {path.name}: {reason}; the previous file is unchanged.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- model files -----------------------------------------------------------------------
def model_path(name: str) -> Path:
    """The file for a model name, always directly inside the models folder."""
    folder = paths.models_dir()
    path = folder / f"{paths.safe_name(name)}{SUFFIX}"
    if path.resolve().parent != folder.resolve():
        raise StorageError(f"'{name}' cannot be used as a model name.")
    return path


def resolve_model(name_or_path: str | Path) -> Path:
    """A saved model's name, or a path to a model file."""
    key = str(name_or_path)
    candidate = Path(key).expanduser()
    if key.endswith(SUFFIX) or "/" in key or os.sep in key:
        if not candidate.exists():
            raise ModelFileError(f"There is no model file at '{key}'.")
        return candidate
    path = paths.models_dir() / f"{paths.safe_name(key)}{SUFFIX}"
    if path.exists():
        return path
    if candidate.exists() and candidate.is_file():
        return candidate
    raise ModelFileError(f"No saved model named '{key}' ('seussbot models' lists them).")


# -- locks -------------------------------------------------------------------------------
class ModelLock:
    """Held while a model trains, so that no other process or screen trains it at once.

    An OS lock (flock on Unix) on `.<name>.lock` in the models folder: the
    operating system drops it when the holder exits, even by `kill -9`, so a
    stale lock never blocks anyone.
    """

    def __init__(self, name: str) -> None:
        from filelock import FileLock

        self.name = name
        path = model_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = path.with_name(f".{path.name[: -len(SUFFIX)]}.lock")
        # Not thread-local: a session is locked on one thread and saved from its training thread.
        self._lock = FileLock(str(lock_file), timeout=0, thread_local=False)

    def acquire(self) -> "ModelLock":
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            raise ModelLockedError(
                f"The model '{self.name}' is being trained by another seussbot right now; "
                "wait for it to finish or choose another name."
            ) from None
        except OSError as error:
            raise StorageError(f"Cannot lock the model '{self.name}': {error.strerror or error}.") from None
        return self

    def release(self) -> None:
        self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.is_locked


# -- saving ------------------------------------------------------------------------------
def save_model(
    path: Path,
    tensors: dict[str, Any],
    meta: dict,
    optimizer_state: dict | None = None,
    last_weights: dict[str, Any] | None = None,
) -> Path:
    """Write a model (the weights to keep) and what resuming needs, each atomically.

    `tensors` are the weights the model file keeps (the best); `last_weights`
    and `optimizer_state`, from the same step, go beside it for resuming.
    The resume file is written first: a crash between the two leaves a resume
    file one save newer than the model, which `read_resume_state` rejects by step.
    """
    from safetensors.torch import save

    meta = {**meta, "format": FORMAT, "format_version": FORMAT_VERSION, "saved": _now()}
    header = {"seussbot": json.dumps(meta, separators=(",", ":"))}
    if optimizer_state is not None:
        opt_tensors, opt_meta = _flatten_optimizer(optimizer_state)
        for key, value in (last_weights or {}).items():
            opt_tensors[LAST_WEIGHTS_PREFIX + key] = value.detach().cpu().contiguous()
        opt_header = {"seussbot-optim": json.dumps({**opt_meta, "step": meta.get("training", {}).get("steps")})}
        atomic_write_bytes(optim_path(path), save(opt_tensors, metadata=opt_header))
    atomic_write_bytes(path, save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, metadata=header))
    return path


def optim_path(model_file: Path) -> Path:
    name = model_file.name[: -len(SUFFIX)] if model_file.name.endswith(SUFFIX) else model_file.name
    return model_file.with_name(name + OPTIM_SUFFIX)


def read_model_file(path: Path) -> tuple[dict, dict[str, Any]]:
    """(metadata, tensors) from a model file, checked; anything odd is a `ModelFileError`."""
    meta = read_model_meta(path)
    from safetensors import SafetensorError
    from safetensors.torch import load

    try:
        tensors = load(path.read_bytes())
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise ModelFileError(f"'{path.name}' is damaged ({_short(error)}).") from None
    return meta, tensors


def read_model_meta(path: Path) -> dict:
    """Only the JSON metadata: cheap enough for listing many models."""
    header = _read_header(path)
    raw = (header.get("__metadata__") or {}).get("seussbot")
    if not isinstance(raw, str):
        raise ModelFileError(f"'{path.name}' is not a seussbot model.")
    try:
        meta = json.loads(raw)
    except ValueError:
        raise ModelFileError(f"'{path.name}' has unreadable metadata.") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"'{path.name}' is not a seussbot model.")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"'{path.name}' uses model format {meta.get('format_version')!r}; this seussbot reads {FORMAT_VERSION}."
        )
    return meta


def _read_header(path: Path) -> dict:
    """Parse the safetensors header by hand: 8 bytes of length, then JSON. No code runs."""
    try:
        with open(path, "rb") as handle:
            prefix = handle.read(8)
            size = os.fstat(handle.fileno()).st_size
            if len(prefix) < 8:
                raise ModelFileError(f"'{path.name}' is too short to be a model file.")
            length = int.from_bytes(prefix, "little")
            if length <= 0 or length > min(MAX_HEADER_BYTES, size - 8):
                raise ModelFileError(f"'{path.name}' is not a safetensors model file (or it is truncated).")
            header = json.loads(handle.read(length).decode("utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"There is no model file at '{path}'.") from None
    except IsADirectoryError:
        raise ModelFileError(f"'{path}' is a folder, not a model file.") from None
    except OSError as error:
        raise ModelFileError(f"Cannot read '{path.name}': {error.strerror or error}.") from None
    except (UnicodeDecodeError, ValueError):
        raise ModelFileError(f"'{path.name}' is not a safetensors model file.") from None
    if not isinstance(header, dict):
        raise ModelFileError(f"'{path.name}' is not a safetensors model file.")
    try:
        data_end = max(
            (int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"), default=0
        )
    except (TypeError, KeyError, IndexError, ValueError):
        raise ModelFileError(f"'{path.name}' has a malformed tensor table.") from None
    if 8 + length + data_end > size:
        raise ModelFileError(f"'{path.name}' is truncated: it ends before its tensors do.")
    return header


@dataclass(frozen=True)
class ResumeState:
    """What a saved model needs to carry on: the last weights and the optimiser, or nothing."""

    last_weights: dict[str, Any] | None = None
    optimizer: dict | None = None


def read_resume_state(path: Path, expected_step: int | None) -> ResumeState:
    """The resume state saved beside a model; empty if absent or out of step."""
    opt_file = optim_path(path)
    if not opt_file.exists():
        return ResumeState()
    try:
        header = _read_header(opt_file)
        meta = json.loads((header.get("__metadata__") or {})["seussbot-optim"])
        if expected_step is not None and meta.get("step") != expected_step:
            return ResumeState()
        from safetensors.torch import load

        tensors = load(opt_file.read_bytes())
        last = {k[len(LAST_WEIGHTS_PREFIX) :]: v for k, v in tensors.items() if k.startswith(LAST_WEIGHTS_PREFIX)}
        optimizer = {k: v for k, v in tensors.items() if not k.startswith(LAST_WEIGHTS_PREFIX)}
        return ResumeState(last or None, _unflatten_optimizer(optimizer, meta))
    except (ModelFileError, KeyError, ValueError, TypeError, RuntimeError):
        return ResumeState()


def read_optimizer_state(path: Path, expected_step: int | None) -> dict | None:
    """The optimiser state saved beside a model, or None if absent or out of step."""
    return read_resume_state(path, expected_step).optimizer


def _flatten_optimizer(state_dict: dict) -> tuple[dict, dict]:
    tensors: dict[str, Any] = {}
    scalars: dict[str, dict] = {}
    for index, values in state_dict["state"].items():
        for key, value in values.items():
            if hasattr(value, "detach"):
                tensors[f"{index}.{key}"] = value.detach().cpu().contiguous().reshape(value.shape)
            else:
                scalars.setdefault(str(index), {})[key] = value
    groups = [{k: v for k, v in g.items() if k != "params"} | {"params": list(g["params"])} for g in state_dict["param_groups"]]
    return tensors, {"param_groups": groups, "scalars": scalars}


def _unflatten_optimizer(tensors: dict, meta: dict) -> dict:
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    for index, values in meta.get("scalars", {}).items():
        state.setdefault(int(index), {}).update(values)
    return {"state": state, "param_groups": meta["param_groups"]}


# -- summaries ------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelSummary:
    name: str
    path: Path
    corpus: str
    cell: str
    level: str
    steps: int
    best_val_loss: float | None
    saved: str
    best_step: int | None = None  # the step the saved weights come from


def summarize(path: Path, meta: dict) -> ModelSummary:
    training = meta.get("training", {})
    config = meta.get("config", {})
    best = training.get("best_val_loss")
    return ModelSummary(
        name=path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name,
        path=path,
        corpus=str(meta.get("corpus", {}).get("name", "?")),
        cell=str(config.get("cell", "?")),
        level=str(meta.get("vocab", {}).get("level", "?")),
        steps=int(training.get("steps", 0)),
        best_val_loss=best if isinstance(best, (int, float)) and math.isfinite(best) else None,
        saved=str(meta.get("saved", "")),
        best_step=training.get("best_step") if isinstance(training.get("best_step"), int) else None,
    )


def list_models() -> list[ModelSummary]:
    """Saved models, newest first; unreadable files are skipped."""
    folder = paths.models_dir()
    found = []
    for path in folder.glob(f"*{SUFFIX}") if folder.is_dir() else []:
        if path.name.endswith(OPTIM_SUFFIX):
            continue
        try:
            found.append(summarize(path, read_model_meta(path)))
        except ModelFileError:
            continue
    return sorted(found, key=lambda s: s.saved, reverse=True)


# -- imported corpora -----------------------------------------------------------------
def import_corpus(source: Path, name: str | None = None, max_bytes: int | None = None) -> Path:
    """Validate a text file and copy it (with a manifest) into the user's corpora."""
    from seussbot import corpus as corpus_module

    limit = max_bytes or corpus_module.DEFAULT_MAX_BYTES
    text = corpus_module.read_text_file(source, limit)
    cleaned = paths.safe_name(name or source.stem)
    if cleaned in corpus_module.bundled_names():
        raise CorpusError(f"'{cleaned}' is a bundled corpus; choose another name with --name.")
    folder = paths.corpora_dir()
    target = folder / f"{cleaned}.txt"
    if target.exists() and target.read_text(encoding="utf-8") != text:
        raise CorpusError(f"A different corpus named '{cleaned}' exists; choose another name with --name.")
    preset = _preset_name(len(text))
    manifest = corpus_module.Manifest(
        name=cleaned,
        title=cleaned,
        description=corpus_module.describe_first_line(text) or f"Imported from {source.name}",
        level="char",
        preset=preset,
    )
    atomic_write_bytes(target, text.encode("utf-8"))
    atomic_write_bytes(target.with_suffix(".json"), json.dumps(manifest.to_json() | {"source": str(source)}, indent=2).encode())
    return target


def _preset_name(chars: int) -> str:
    from seussbot.presets import preset_for_size

    return preset_for_size(chars).name


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]
