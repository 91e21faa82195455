"""Looking inside a network: what it predicted at each character, what its gates did, how far
back it looked, which units mean something, and where its weights are.

Everything here reads a model without changing it and runs on whichever thread
calls it; clients pass a snapshot (`TrainingSession.snapshot_model()`) while
training goes on. The recurrence is recomputed from the `rnn.weight_*`
parameters (the names `nn.LSTM`, `nn.GRU` and `nn.RNN` give them), never from
the fused forward pass, because only the parameters say what each gate did.

- `reading`: a whole text at once: probability, entropy, candidates, gates.
- `reach`: the gradient of one prediction with respect to every earlier input.
- `cells`: units whose activation follows a nameable feature of the text.
- `weights`: the weight count by matrix.
- `equations`: the numbers of one unit's equations at one character.
"""

from seussbot.inside.tracks import GATE_ORDER, TRACKS, Track, tracks_of

__all__ = ["GATE_ORDER", "TRACKS", "Track", "tracks_of"]
