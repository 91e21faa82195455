"""The numbers beside the chart: state, step, losses, speed, time and progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

from seussbot.tui import format as fmt

STATES = {  # short enough for a narrow panel: the footer says what space does now
    "loading": "◌ Loading…",
    "ready": "○ Ready",
    "running": "● Training",
    "paused": "❚❚ Paused",
    "finished": "✓ Done",
    "stopping": "◌ Saving…",
    "failed": "✗ Stopped",
    "play": "○ Writing only",
}


class TrainingStats(Vertical):
    """Plain labels, updated in place: cheap to refresh several times a second."""

    def compose(self) -> ComposeResult:
        yield Label(STATES["loading"], id="state")
        yield Label("step –", id="step")
        yield Label("– train · – val", id="loss")
        yield Label("–", id="speed")
        yield Label("–", id="times")
        yield ProgressBar(total=1.0, show_eta=False, id="progress")

    def show_state(self, state: str, detail: str = "") -> None:
        label = self.query_one("#state", Label)
        label.update(STATES[state] + (f": {detail}" if detail and state == "failed" else ""))
        label.set_classes(f"state-{state}")

    def show(
        self,
        *,
        step: int,
        train_nats: float | None,
        val_nats: float | None,
        tokens_per_s: float | None,
        unit: str,
        elapsed_s: float | None,
        eta_s: float | None,
        fraction: float | None,
        note: str = "",
    ) -> None:
        speed = "– " + unit + "/s" if tokens_per_s is None else f"{fmt.short_count(tokens_per_s)} {unit}/s"
        left = "until stopped" if fraction is None else f"{fmt.clock(eta_s)} left"
        for selector, text in (
            ("#step", f"step {fmt.count(step)}"),
            ("#loss", f"{_bits(train_nats)} train · {_bits(val_nats)} val"),
            ("#speed", speed),
            ("#times", f"{fmt.clock(elapsed_s)} spent · {left}"),
        ):
            # One row each, always: a repaint will do, no need to lay out the screen again.
            self.query_one(selector, Label).update(text, layout=False)
        if self.parent.border_subtitle != note:  # on the panel's frame: no row to spare at 80 x 24
            self.parent.border_subtitle = note
        bar = self.query_one("#progress", ProgressBar)
        bar.display = fraction is not None
        if fraction is not None:
            bar.update(progress=min(1.0, fraction))


def _bits(nats: float | None) -> str:
    return "–" if nats is None else f"{fmt.bits(nats):.3f}"
