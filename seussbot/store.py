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

from seussbot import files, paths
from seussbot.errors import CorpusNameTaken, ModelFileError, ModelLockedError, SeussbotError, StorageError

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
    return model_file.with_name(_model_name(model_file) + OPTIM_SUFFIX)


def read_model_file(path: Path) -> tuple[dict, dict[str, Any]]:
    """(metadata, tensors) from a model file, checked; anything odd is a `ModelFileError`.

    Reads exactly the bytes the header accounts for: a file that says more or less is damaged.
    """
    header = _read_header(path)
    meta = _model_meta(path, header.metadata)
    from safetensors import SafetensorError
    from safetensors.torch import load

    try:
        tensors = load(_read_whole(path, header.size))
    except (SafetensorError, ValueError, RuntimeError) as error:
        raise ModelFileError(f"'{path.name}' is damaged ({_short(error)}).") from None
    return meta, tensors


def read_model_header(path: Path) -> tuple[dict, dict[str, tuple[int, ...]]]:
    """(metadata, shape of each tensor) from the header alone: what a file claims, before any tensor is read."""
    header = _read_header(path)
    return _model_meta(path, header.metadata), header.shapes


def read_model_meta(path: Path) -> dict:
    """Only the JSON metadata: cheap enough for listing many models."""
    return _model_meta(path, _read_header(path).metadata)


def _model_meta(path: Path, strings: dict) -> dict:
    raw = strings.get("seussbot")
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
    problem = meta_problem(meta)
    if problem:
        raise ModelFileError(f"'{path.name}' has damaged metadata: {problem}.")
    return meta


# What each part of the metadata must be, so that every reader can trust it: "count" is
# required, "?count" may be absent, "?count|null" may also be null. Parts not named here are
# not checked; the network and the vocabulary are checked where they are built
# (`ModelConfig.from_json`, against the ranges in `seussbot.limits`, and `Vocab.from_json`).
_SECTIONS = {"config": "object", "vocab": "object", "corpus": "?object", "training": "?object", "notes": "?object"}
_CORPUS = {"name": "?text|null", "sha256": "?text|null", "source": "?text|null", "path": "?text|null", "chars": "?count|null"}
_TRAINING = {
    "steps": "?count", "tokens_seen": "?count", "wall_time_s": "?seconds", "train_loss": "?number|null",
    "val_loss": "?number|null", "best_val_loss": "?number|null", "preset": "?text|null", "split_mode": "?text",
    "train_config": "?object", "history": "?list",
}
_HISTORY_POINT = {
    "step": "count", "tokens_seen": "count", "elapsed_s": "seconds", "train_loss": "number", "val_loss": "number",
    "probe": "?number|null", "probe_bands": "?list|null",
}
_TRAIN_CONFIG = {
    "batch_size": "?count", "seq_len": "?count", "lr": "?number", "min_lr_fraction": "?number",
    "warmup_steps": "?count", "weight_decay": "?number", "clip": "?number", "eval_every_s": "?seconds",
    "eval_share_max": "?number|null", "threads": "?count|null",
}
_KINDS = {
    "object": "a JSON object", "list": "a list", "text": "text", "count": "a whole number from 0",
    "number": "a number", "seconds": "a number of seconds from 0",
}


def meta_problem(meta: dict) -> str | None:
    """What is wrong with the types in a model's metadata, in a few words, or None."""
    problem = _fields_problem(meta, _SECTIONS, "")
    if problem:
        return problem
    training = meta.get("training") or {}
    problem = (
        _fields_problem(meta.get("corpus") or {}, _CORPUS, "corpus.")
        or _fields_problem(training, _TRAINING, "training.")
        or _fields_problem(training.get("train_config") or {}, _TRAIN_CONFIG, "training.train_config.")
    )
    if problem:
        return problem
    for i, point in enumerate(training.get("history") or []):
        where = f"training.history[{i}]"
        if not isinstance(point, dict):
            return f"{where} should be {_KINDS['object']}, not {_shown(point)}"
        problem = _fields_problem(point, _HISTORY_POINT, f"{where}.")
        if problem:
            return problem
    return None


def _fields_problem(part: dict, specs: dict[str, str], where: str) -> str | None:
    """The first field of `part` that is missing or not what `specs` says it must be."""
    for name, spec in specs.items():
        kind, _, null = spec.lstrip("?").partition("|")
        if name not in part:
            if not spec.startswith("?"):
                return f"{where}{name} is missing"
        elif not ((part[name] is None and null) or _is_kind(part[name], kind)):
            return f"{where}{name} should be {_KINDS[kind]}, not {_shown(part[name])}"
    return None


def _is_kind(value: object, kind: str) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return {
        "object": isinstance(value, dict),
        "list": isinstance(value, list),
        "text": isinstance(value, str),
        "count": number and isinstance(value, int) and value >= 0,  # type: ignore[operator]
        "number": number,
        "seconds": number and math.isfinite(value) and value >= 0,  # type: ignore[arg-type, operator]
    }[kind]


def _shown(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "\u2026"


@dataclass(frozen=True)
class _Header:
    metadata: dict[str, str]  # safetensors' string-to-string metadata
    shapes: dict[str, tuple[int, ...]]  # every tensor's shape, as the header claims it
    size: int  # the bytes the whole file must have


def _read_header(path: Path) -> _Header:
    """Parse the safetensors header by hand: 8 bytes of length, then JSON. No code runs."""
    try:
        with files.open_regular(path, ModelFileError, "model file") as handle:
            prefix = handle.read(8)
            size = os.fstat(handle.fileno()).st_size
            if len(prefix) < 8:
                raise ModelFileError(f"'{path.name}' is too short to be a model file.")
            length = int.from_bytes(prefix, "little")
            if length <= 0 or length > min(MAX_HEADER_BYTES, size - 8):
                raise ModelFileError(f"'{path.name}' is not a safetensors model file (or it is truncated).")
            header = json.loads(handle.read(length).decode("utf-8"))
    except OSError as error:
        raise ModelFileError(f"Cannot read '{path.name}': {error.strerror or error}.") from None
    except (UnicodeDecodeError, ValueError):
        raise ModelFileError(f"'{path.name}' is not a safetensors model file.") from None
    if not isinstance(header, dict) or not isinstance(header.get("__metadata__") or {}, dict):
        raise ModelFileError(f"'{path.name}' is not a safetensors model file.")
    try:
        tensors = {k: v for k, v in header.items() if k != "__metadata__"}
        data_end = max((int(v["data_offsets"][1]) for v in tensors.values()), default=0)
        shapes = {k: tuple(_dimension(n) for n in v["shape"]) for k, v in tensors.items()}
    except (TypeError, KeyError, IndexError, ValueError):
        raise ModelFileError(f"'{path.name}' has a malformed tensor table.") from None
    expected = 8 + length + data_end
    if expected > size:
        raise ModelFileError(f"'{path.name}' is truncated: it ends before its tensors do.")
    if expected < size:
        raise ModelFileError(f"'{path.name}' is damaged: {size - expected:,} stray bytes follow its tensors.")
    return _Header(header.get("__metadata__") or {}, shapes, expected)


def _dimension(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a dimension must be a whole number from 0")
    return value


def _read_whole(path: Path, size: int) -> bytes:
    """The file's bytes, reading no more than the `size` its header accounts for."""
    try:
        with files.open_regular(path, ModelFileError, "model file") as handle:
            data = handle.read(size + 1)
    except OSError as error:
        raise ModelFileError(f"Cannot read '{path.name}': {error.strerror or error}.") from None
    if len(data) != size:
        raise ModelFileError(f"'{path.name}' changed while it was being read; try again.")
    return data


@dataclass(frozen=True)
class ResumeState:
    """What a saved model needs to carry on: the last weights and the optimiser, or nothing."""

    last_weights: dict[str, Any] | None = None
    optimizer: dict | None = None
    warning: str | None = None  # one sentence for the person when a damaged file was set aside


def read_resume_state(path: Path, expected_step: int | None) -> ResumeState:
    """The resume state saved beside a model; empty if absent or out of step.

    A damaged file is set aside as `<name>.optim.safetensors.damaged`, and the
    warning says so: training can go on from the weights alone, with a fresh optimiser.
    """
    opt_file = optim_path(path)
    if not opt_file.exists():
        return ResumeState()
    from safetensors import SafetensorError
    from safetensors.torch import load

    try:
        header = _read_header(opt_file)
        meta = json.loads(header.metadata["seussbot-optim"])
        if expected_step is not None and meta.get("step") != expected_step:
            return ResumeState()
        tensors = load(_read_whole(opt_file, header.size))
        last = {k[len(LAST_WEIGHTS_PREFIX) :]: v for k, v in tensors.items() if k.startswith(LAST_WEIGHTS_PREFIX)}
        optimizer = {k: v for k, v in tensors.items() if not k.startswith(LAST_WEIGHTS_PREFIX)}
        return ResumeState(last or None, _unflatten_optimizer(optimizer, meta))
    except ModelFileError as error:
        reason = str(error).rstrip(".")
    except (SafetensorError, KeyError, ValueError, TypeError, AttributeError, RuntimeError) as error:
        reason = f"'{opt_file.name}' is damaged ({_short(error)})"
    aside = opt_file.with_name(opt_file.name + ".damaged")
    try:
        os.replace(opt_file, aside)
        done = f"set it aside as '{aside.name}'"
    except OSError:
        done = "ignored it"
    return ResumeState(warning=f"{reason}; seussbot {done} and goes on from the weights with a fresh optimiser.")


def read_optimizer_state(path: Path, expected_step: int | None) -> tuple[dict | None, str | None]:
    """(optimiser state or None, warning or None): the optimiser part of `read_resume_state`."""
    resume = read_resume_state(path, expected_step)
    return resume.optimizer, resume.warning


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
    damaged: str | None = None  # why the file cannot be used; the other fields are then "?" and 0


def summarize(path: Path, meta: dict) -> ModelSummary:
    """What the library shows about a model, from its checked metadata."""
    training = meta.get("training") or {}
    best = training.get("best_val_loss")
    return ModelSummary(
        name=_model_name(path),
        path=path,
        corpus=str((meta.get("corpus") or {}).get("name") or "?"),
        cell=str(meta["config"].get("cell", "?")),
        level=str(meta["vocab"].get("level", "?")),
        steps=training.get("steps") or 0,
        best_val_loss=best if isinstance(best, (int, float)) and math.isfinite(best) else None,
        saved=str(meta.get("saved", "")),
        best_step=training.get("best_step") if isinstance(training.get("best_step"), int) else None,
    )


def list_models() -> list[ModelSummary]:
    """Saved models, newest first; a file that cannot be read is listed last, as damaged, with the reason."""
    folder = paths.models_dir()
    found = []
    for path in folder.glob(f"*{SUFFIX}") if folder.is_dir() else []:
        if path.name.endswith(OPTIM_SUFFIX):
            continue
        try:
            found.append(summarize(path, read_model_meta(path)))
        except SeussbotError as error:
            found.append(ModelSummary(_model_name(path), path, "?", "?", "?", 0, None, "", damaged=str(error)))
    return sorted(found, key=lambda s: (s.damaged is None, s.saved), reverse=True)


def _model_name(path: Path) -> str:
    return path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name


# -- imported corpora -----------------------------------------------------------------
def import_corpus(source: Path, name: str | None = None, max_bytes: int | None = None) -> Path:
    """Validate a text file and copy it (with a manifest) into the user's corpora."""
    from seussbot import corpus as corpus_module

    limit = max_bytes or corpus_module.DEFAULT_MAX_BYTES
    text = corpus_module.read_text_file(source, limit)
    cleaned = paths.safe_name(name or source.stem)
    taken = _name_taken(cleaned, text)
    if taken:
        free = free_corpus_name(cleaned, text)
        raise CorpusNameTaken(f"{taken}; choose another name with --name ('{free}' is free).", cleaned, free)
    target = paths.corpora_dir() / f"{cleaned}.txt"
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


def _name_taken(name: str, text: str) -> str:
    """Why `name` cannot hold `text` as an imported corpus ("" when it can: free, or the same text)."""
    from seussbot import corpus as corpus_module

    if name in corpus_module.bundled_names():
        return f"'{name}' is a bundled corpus"
    target = paths.corpora_dir() / f"{name}.txt"
    if target.exists() and target.read_text(encoding="utf-8") != text:
        return f"A different corpus named '{name}' exists"
    return ""


def free_corpus_name(base: str, text: str = "") -> str:
    """The first of `base`, `base-2`, `base-3`, ... an import of `text` may take."""
    n = 1
    while _name_taken(candidate := base if n == 1 else f"{base}-{n}", text or "\0"):
        n += 1
    return candidate


def _preset_name(chars: int) -> str:
    from seussbot.presets import preset_for_size

    return preset_for_size(chars).name


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]
