"""One network learning one corpus: the engine API the CLI and the TUI share.

`TrainingSession.create` turns a corpus and a few choices into a ready-to-run
trainer (vocabulary, split, network, batch shapes that fit the text);
`TrainingSession.resume` picks a saved model up where it stopped. `load_model`
reads a saved model for writing or inspection. Nothing here prints: what a
person should be told (the corpus changed, the optimiser file was damaged)
collects in `TrainingSession.warnings` for the client to show.

A session holds its model's lock from the moment it is made until `close()`,
so two processes (or two screens) can never train one name at once, and a
saved model is never replaced unless the caller says `overwrite=True`.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import torch

from seussbot import store
from seussbot.corpus import Corpus, SplitMode, load_corpus
from seussbot.errors import CorpusError, ModelExistsError, ModelFileError, ModelLockedError, PromptError, SeussbotError
from seussbot.model import CELLS, CharRNN, ModelConfig, resolve_device
from seussbot.presets import PRESETS, Preset, preset_for_size
from seussbot.probe import Probe
from seussbot.train import Event, HistoryPoint, TrainConfig, Trainer, TrainingState
from seussbot.vocab import LEVELS, Vocab


@dataclass
class LoadedModel:
    model: CharRNN
    vocab: Vocab
    meta: dict
    path: Path

    @property
    def name(self) -> str:
        return store.summarize(self.path, self.meta).name


def load_model(name_or_path: str | Path, device: str = "cpu") -> LoadedModel:
    """Read and check a model file; refuse anything inconsistent with one sentence.

    The network the metadata claims is checked against the header's tensor table
    before any tensor is read or any weight allocated, so a small file cannot make
    seussbot build a huge network.
    """
    path = store.resolve_model(name_or_path)
    meta, shapes = store.read_model_header(path)
    try:
        config = ModelConfig.from_json(meta["config"])
        vocab = Vocab.from_json(meta["vocab"])
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"'{path.name}' has an invalid network description ({error}).") from None
    if len(vocab) != config.vocab_size:
        raise ModelFileError(f"'{path.name}' has {len(vocab)} tokens but a network for {config.vocab_size}.")
    with torch.device("meta"):  # shapes only: nothing is allocated
        expected = {key: tuple(value.shape) for key, value in CharRNN(config).state_dict().items()}
    _refuse_other_tensors(path, shapes, expected)
    _, tensors = store.read_model_file(path)
    _refuse_other_tensors(path, {key: tuple(value.shape) for key, value in tensors.items()}, expected)
    for key, value in tensors.items():
        if not value.is_floating_point() or not torch.isfinite(value).all():
            raise ModelFileError(f"'{path.name}': tensor {key} holds non-numbers.")
    model = CharRNN(config)
    model.load_state_dict({k: v.float() for k, v in tensors.items()})
    return LoadedModel(model.to(resolve_device(device)).eval(), vocab, meta, path)


def _refuse_other_tensors(path: Path, found: dict[str, tuple[int, ...]], expected: dict[str, tuple[int, ...]]) -> None:
    if set(found) != set(expected):
        raise ModelFileError(f"'{path.name}' does not hold the tensors its network needs.")
    for key, shape in found.items():
        if shape != expected[key]:
            raise ModelFileError(f"'{path.name}': tensor {key} has shape {shape}, expected {expected[key]}.")


def _lock_new_name(base: str) -> tuple[str, store.ModelLock]:
    """The first of `base`, `base-2`, ... that is neither saved nor being trained, locked."""
    n = 1
    while True:
        candidate = base if n == 1 else f"{base}-{n}"
        if not store.model_path(candidate).exists():
            try:
                return candidate, store.ModelLock(candidate).acquire()
            except ModelLockedError:
                pass
        n += 1


def _lock_named(name: str, overwrite: bool) -> store.ModelLock:
    """Lock `name` for a fresh network; refuse to replace a saved model unless told to."""
    lock = store.ModelLock(name).acquire()
    path = store.model_path(name)
    if path.exists() and not overwrite:
        lock.release()
        try:
            steps = f" ({int(store.read_model_meta(path).get('training', {}).get('steps', 0)):,} steps)"
        except (SeussbotError, TypeError, ValueError):
            steps = ""
        raise ModelExistsError(
            f"A model named '{name}' is already saved{steps}; continue it with --resume, "
            "choose another name with --out, or replace it with --overwrite."
        )
    return lock


def fit_batch_shape(tokens: int, batch_size: int, seq_len: int) -> tuple[int, int]:
    """Shrink the batch (then the sequence) until the text fills every stream."""
    seq_len = max(8, min(seq_len, tokens // 4 - 1))
    batch_size = max(1, min(batch_size, tokens // (seq_len + 1)))
    return batch_size, seq_len


class TrainingSession:
    def __init__(
        self,
        corpus: Corpus,
        vocab: Vocab,
        model: CharRNN,
        train_config: TrainConfig,
        *,
        name: str,
        preset: str,
        device: torch.device,
        state: TrainingState | None = None,
        optimizer_state: dict | None = None,
        split_mode: SplitMode = "interleaved",
        lock: store.ModelLock | None = None,
        best_weights: dict[str, torch.Tensor] | None = None,
        warnings: list[str] | None = None,
        notes: dict[str, object] | None = None,
    ) -> None:
        self.corpus, self.vocab, self.name, self.preset, self.split_mode = corpus, vocab, name, preset, split_mode
        self.warnings: list[str] = list(warnings or [])  # one sentence each, for the person
        # What a client keeps with the model (the app: its timeline of samples, its write settings),
        # saved in the metadata as JSON; clients check what they read back, as from any file.
        self._notes: dict[str, object] = dict(notes or {})
        self._notes_lock = threading.Lock()
        self._lock = lock or store.ModelLock(name).acquire()
        try:
            train_text, val_text = corpus.split(mode=split_mode)
            try:
                train_ids = torch.tensor(vocab.encode(train_text), dtype=torch.long)
                val_ids = torch.tensor(vocab.encode(val_text), dtype=torch.long)
            except PromptError:
                raise CorpusError(
                    f"The corpus '{corpus.name}' holds tokens this model never learned; it has changed since training."
                ) from None
            batch, seq = fit_batch_shape(len(train_ids), train_config.batch_size, train_config.seq_len)
            self.train_config = replace(train_config, batch_size=batch, seq_len=seq)
            self.probe = Probe.for_corpus(corpus, vocab, val_text)  # None: the corpus has no rule to probe
            self.trainer = Trainer(
                model, train_ids, val_ids, self.train_config, device=device, state=state, optimizer_state=optimizer_state,
                probe=self.probe,
            )
            self.trainer.best_weights = best_weights
        except BaseException:
            self._lock.release()
            raise

    # -- making one ---------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        corpus: Corpus | str,
        *,
        cell: str = "lstm",
        level: str | None = None,
        preset: str | None = None,
        name: str | None = None,
        overwrite: bool = False,
        device: str = "auto",
        seed: int = 0,
        split_mode: SplitMode = "interleaved",
        name_base: str | None = None,
        **overrides: object,
    ) -> "TrainingSession":
        """A fresh network sized for `corpus`. `overrides` set TrainConfig fields
        (max_steps, max_minutes, threads, lr, ...) or network sizes (hidden_size,
        layers, embed_dim, dropout). Without a `name`, the first free
        `CORPUS-CELL[-N]` (or `name_base[-N]`); a `name` already saved is refused unless `overwrite`."""
        corpus = load_corpus(corpus) if isinstance(corpus, str) else corpus
        if cell not in CELLS:
            raise SeussbotError(f"Unknown cell '{cell}'; choose one of {', '.join(CELLS)}.")
        level = level or corpus.manifest.level
        if level not in LEVELS:
            raise SeussbotError(f"Unknown level '{level}'; choose char or word.")
        chosen = _choose_preset(preset or corpus.manifest.preset, len(corpus.text))
        vocab = Vocab.build(corpus.text, level)  # type: ignore[arg-type]
        sizes = {k: overrides.pop(k) for k in ("hidden_size", "layers", "embed_dim", "dropout") if k in overrides}
        config = ModelConfig(
            cell=cell,  # type: ignore[arg-type]
            vocab_size=len(vocab),
            hidden_size=int(sizes.get("hidden_size", chosen.hidden_size)),  # type: ignore[arg-type]
            layers=int(sizes.get("layers", chosen.layers)),  # type: ignore[arg-type]
            embed_dim=int(sizes.get("embed_dim", chosen.embed_dim)),  # type: ignore[arg-type]
            dropout=float(sizes.get("dropout", chosen.dropout)),  # type: ignore[arg-type]
        )
        torch.manual_seed(seed)
        model = CharRNN(config)
        train_config = _train_config(chosen, seed, overrides)
        if corpus.manifest.context and "seq_len" not in overrides:
            _widen_window(train_config, corpus.manifest.context, keep_batch="batch_size" in overrides)
        if name:
            lock = _lock_named(name, overwrite)
        else:
            name, lock = _lock_new_name(name_base or f"{corpus.name}-{cell}" + ("-word" if level == "word" else ""))
        return cls(
            corpus, vocab, model, train_config,
            name=name, preset=chosen.name, device=resolve_device(device), split_mode=split_mode, lock=lock,
        )

    @classmethod
    def resume(cls, model_ref: str | Path, *, device: str = "auto", corpus: Corpus | str | None = None, **overrides: object) -> "TrainingSession":
        """Carry on training a saved model from its last weights, with its optimiser state when saved."""
        loaded = load_model(model_ref)
        lock = store.ModelLock(loaded.name).acquire()
        try:
            return cls._resume_locked(loaded, lock, device, corpus, overrides)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _resume_locked(
        cls, loaded: LoadedModel, lock: store.ModelLock, device: str, corpus: Corpus | str | None, overrides: dict
    ) -> "TrainingSession":
        meta = loaded.meta
        training = meta.get("training", {})
        corpus = corpus or recorded_corpus(loaded)
        corpus = load_corpus(corpus) if isinstance(corpus, (str, Path)) else corpus
        base = TrainConfig.from_json(training.get("train_config", {}))
        for key in ("max_steps", "max_minutes", "max_epochs"):
            setattr(base, key, None)
        for key, value in overrides.items():
            if key not in TrainConfig.__dataclass_fields__:
                raise TypeError(f"unknown training option {key}")
            setattr(base, key, value)
        # Budgets count from the start of the model's life: "N more" means "so far + N".
        if base.max_steps is not None:
            base.max_steps += int(training.get("steps", 0))
        if base.max_minutes is not None:
            base.max_minutes += float(training.get("wall_time_s", 0.0)) / 60
        state = TrainingState(
            step=int(training.get("steps", 0)),
            tokens_seen=int(training.get("tokens_seen", 0)),
            elapsed_s=float(training.get("wall_time_s", 0.0)),
            best_val_loss=_finite_or_inf(training.get("best_val_loss")),
            best_step=training.get("best_step") if isinstance(training.get("best_step"), int) else None,
            history=[_history_point(p) for p in training.get("history", []) if isinstance(p, dict)],
        )
        base.warmup_steps = 0 if state.step else base.warmup_steps
        warnings = []
        if meta.get("corpus", {}).get("sha256") not in (None, corpus.sha256):
            warnings.append(f"The corpus '{corpus.name}' has changed since this model last trained; it goes on learning the new text.")
        resume = store.read_resume_state(loaded.path, state.step)
        best_weights = None
        if resume.last_weights is not None:
            # The model file holds the best weights; training goes on from the last ones.
            best_weights = {k: v.detach().clone() for k, v in loaded.model.state_dict().items()}
            loaded.model.load_state_dict({k: v.float() for k, v in resume.last_weights.items()})
        elif resume.optimizer is None and state.best_step not in (None, state.step):
            warnings.append(f"The last weights were not saved; training goes on from the best ones, from step {state.best_step:,}.")
        if resume.warning:
            warnings.append(resume.warning)
        return cls(
            corpus, loaded.vocab, loaded.model, base,
            name=loaded.name, preset=str(training.get("preset", "custom")), device=resolve_device(device),
            state=state, optimizer_state=resume.optimizer,
            split_mode=training.get("split_mode", "interleaved"), lock=lock, best_weights=best_weights, warnings=warnings,
            notes=meta.get("notes") if isinstance(meta.get("notes"), dict) else None,
        )

    # -- running and saving -------------------------------------------------------------
    @property
    def model(self) -> CharRNN:
        return self.trainer.model

    @property
    def state(self) -> TrainingState:
        """Steps, time, best loss and history so far (read-only for clients)."""
        return self.trainer.state

    def events(self) -> Iterator[Event]:
        return self.trainer.run()

    def snapshot_model(self) -> CharRNN:
        """A CPU copy of the network as it is now, for writing while training goes on."""
        copy = CharRNN(self.model.config)
        copy.load_state_dict(self.trainer.snapshot())
        return copy.eval()

    @property
    def path(self) -> Path:
        return store.model_path(self.name)

    def note(self, key: str) -> object:
        """What a client kept under `key` (None if nothing): untrusted JSON from the model file."""
        with self._notes_lock:
            return self._notes.get(key)

    def set_note(self, key: str, value: object) -> None:
        """Keep a JSON value with the model; saved with the next save (safe from any thread)."""
        with self._notes_lock:
            self._notes[key] = value

    def metadata(self) -> dict:
        st = self.trainer.state
        last = st.history[-1] if st.history else None
        return {
            "config": self.model.config.to_json(),
            "vocab": self.vocab.to_json(),
            "corpus": {
                "name": self.corpus.name,
                "sha256": self.corpus.sha256,
                "source": self.corpus.source,
                "path": str(self.corpus.path) if self.corpus.source == "file" and self.corpus.path else None,
                "chars": len(self.corpus.text),
            },
            "training": {
                "preset": self.preset,
                "split_mode": self.split_mode,
                "train_config": self.train_config.to_json(),
                "steps": st.step,
                "tokens_seen": st.tokens_seen,
                "wall_time_s": round(st.elapsed_s, 3),
                "train_loss": last.train_loss if last else None,
                "val_loss": last.val_loss if last else None,
                "best_val_loss": st.best_val_loss if math.isfinite(st.best_val_loss) else None,
                "best_step": st.best_step,
                "history": [p.__dict__ for p in st.history],
            },
            "notes": self._notes_copy(),
        }

    def _notes_copy(self) -> dict[str, object]:
        with self._notes_lock:
            return dict(self._notes)

    def save(self) -> Path:
        """Save the best weights, and the last ones with the optimiser for resuming, atomically."""
        if not self._lock.held:
            self._lock.acquire()
        last_weights, optimizer_state = self.trainer.consistent_state(with_optimizer=True)
        best_weights, _, _ = self.trainer.best_state()
        return store.save_model(self.path, best_weights, self.metadata(), optimizer_state, last_weights)

    def close(self) -> None:
        """Let go of the model's lock (training must have stopped)."""
        self.trainer.stop()
        if self._lock.held:
            self._lock.release()

    def __enter__(self) -> "TrainingSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def threads_described(self) -> str:
        """'2 threads', or '1 or 2 threads, whichever is faster now' while they are measured."""
        return self.trainer.threads.describe()

    @property
    def budget_fraction(self) -> float | None:
        """How much of the budget is spent (0 to 1), None when training until stopped."""
        return self.trainer.budget_fraction()

    @property
    def budget_spent(self) -> bool:
        fraction = self.budget_fraction
        return fraction is not None and fraction >= 1.0

    @property
    def time_left_s(self) -> float | None:
        """Training time left in a budget of minutes, None for other budgets."""
        minutes = self.trainer.config.max_minutes
        return None if minutes is None else max(0.0, minutes * 60 - self.trainer.state.elapsed_s)

    def set_budget(self, minutes: float | None) -> None:
        """Train `minutes` more than so far, or until stopped (None).

        Budgets count the model's whole training time, so "more" is the time
        spent plus the new minutes; the running trainer reads the new budget at
        its next step, and the learning rate follows its schedule over the whole.
        """
        config = self.trainer.config
        config.max_steps = config.max_epochs = None
        config.max_minutes = None if minutes is None else self.trainer.state.elapsed_s / 60 + minutes


def recorded_corpus(loaded: LoadedModel) -> str:
    """The name (or, for a file, the path) of the corpus a saved model learned."""
    recorded = loaded.meta.get("corpus", {})
    ref = recorded.get("path") if recorded.get("source") == "file" else recorded.get("name")
    if not ref:
        raise ModelFileError(f"'{loaded.path.name}' does not say which corpus it learned.")
    return str(ref)


def mistake_profile_of(loaded: LoadedModel):
    """The mistake rules of the corpus a saved model learned; refuses in one sentence if it is gone."""
    from seussbot.mistakes import profile_for_corpus

    try:
        corpus = load_corpus(recorded_corpus(loaded))
    except CorpusError as error:
        raise CorpusError(f"Mistakes are judged by the corpus the model learned, and it cannot be loaded: {error}") from None
    return profile_for_corpus(corpus, loaded.vocab.level)


def model_info(loaded: LoadedModel) -> dict:
    """The facts `seussbot info --json` prints (losses in nats per token)."""
    meta, config, training = loaded.meta, loaded.meta["config"], loaded.meta.get("training", {})
    return {
        "name": loaded.name,
        "path": str(loaded.path.resolve()),
        "cell": config["cell"],
        "level": loaded.vocab.level,
        "vocab_size": len(loaded.vocab),
        "hidden_size": config["hidden_size"],
        "layers": config["layers"],
        "embed_dim": config["embed_dim"],
        "dropout": config["dropout"],
        "parameters": loaded.model.parameter_count(),
        "preset": training.get("preset"),
        "corpus": meta.get("corpus", {}).get("name"),
        "corpus_sha256": meta.get("corpus", {}).get("sha256"),
        "steps": training.get("steps", 0),
        "tokens_seen": training.get("tokens_seen", 0),
        "wall_time_s": training.get("wall_time_s", 0.0),
        "train_loss": training.get("train_loss"),
        "val_loss": training.get("val_loss"),
        "best_val_loss": training.get("best_val_loss"),  # the loss of the weights in the file...
        "best_step": training.get("best_step"),  # ...and the step they were taken at
        "saved": meta.get("saved"),
        "history": training.get("history", []),
    }


def _choose_preset(name: str | None, chars: int) -> Preset:
    if name is None:
        return preset_for_size(chars)
    if name not in PRESETS:
        raise SeussbotError(f"Unknown preset '{name}'; choose one of {', '.join(PRESETS)}.")
    return PRESETS[name]


def _train_config(preset: Preset, seed: int, overrides: dict) -> TrainConfig:
    config = TrainConfig(batch_size=preset.batch_size, seq_len=preset.seq_len, lr=preset.lr, seed=seed)
    for key, value in overrides.items():
        if key not in TrainConfig.__dataclass_fields__:
            raise TypeError(f"unknown training option {key}")
        setattr(config, key, value)
    return config


def training_shape(corpus: Corpus, preset: Preset) -> tuple[int, int]:
    """(batch, window) that a session on `corpus` with `preset` and no overrides starts from (benchmarks use it)."""
    config = _train_config(preset, 0, {})
    if corpus.manifest.context:
        _widen_window(config, corpus.manifest.context, keep_batch=False)
    return config.batch_size, config.seq_len


def _widen_window(config: TrainConfig, context: int, keep_batch: bool) -> None:
    """Make windows span the corpus's longest rule, with fewer streams so a step costs the same."""
    if context <= config.seq_len:
        return
    if not keep_batch:
        config.batch_size = max(4, config.batch_size * config.seq_len // context)
    config.seq_len = context


def _history_point(saved: dict) -> HistoryPoint:
    """A saved history point; fields this version does not know are left out."""
    return HistoryPoint(**{k: v for k, v in saved.items() if k in HistoryPoint.__dataclass_fields__})


def _finite_or_inf(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else math.inf
