"""The recurrent recipes of issue 15: a character-level language model (embedding → LSTM →
linear) trained by truncated BPTT on the Jargon File, a public-domain text Debian ships
(``apt-get install jargon-text``), the stateful case of the course notes' sequence models where
the hidden state runs on across batches but the gradient is cut every k characters; MNIST-1D
read by a bidirectional GRU whose 40 outputs feed one linear layer; and the adding problem, the
notes' long-term dependency that gated units learn and a tanh RNN does not."""

from __future__ import annotations

import gzip
import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_core as ac
import optim
from autograd_core.tensor import Tensor
from nn.embedding import Embedding
from nn.layers import Linear
from nn.losses_classification import cross_entropy
from nn.losses_regression import mse_loss
from nn.module import Module
from nn.rnn import GRU, LSTM, RNN
from nn.tbptt import truncated_bptt
from nn.utils.clip_grad import clip_grad_norm_

__all__ = [
    "JARGON_PATH",
    "load_jargon_text",
    "CharVocab",
    "CharLM",
    "train_char_lm",
    "BiGRUReader",
    "train_mnist1d_bigru",
    "adding_problem",
    "AddingReader",
    "train_adding",
]

JARGON_PATH = "/usr/share/doc/jargon-text/jargon.txt.gz"


def load_jargon_text(path: str = JARGON_PATH, max_chars: int | None = None) -> str:
    """The Jargon File 4.4.7 (public domain, by its copyright notice) as plain ASCII text:
    characters outside printable ASCII (the box drawings of its tables) are dropped and runs
    of spaces squeezed.

    Raises:
        FileNotFoundError: the package is not installed; the message says how to install it.
    """
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"load_jargon_text: {path} is missing. Install Debian's package with "
            "`sudo apt-get install jargon-text` (`make install` does it when run as root)."
        )
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        raw = f.read(max_chars * 2 if max_chars else -1)
    kept = "".join(ch for ch in raw if ch == "\n" or 32 <= ord(ch) < 127)
    text = "\n".join(" ".join(line.split()) for line in kept.splitlines())
    return text[:max_chars] if max_chars else text


class CharVocab:
    """Characters ↔ integer ids, in sorted order of the characters of a text."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids: Any) -> str:
        return "".join(self.chars[int(i)] for i in ids)


class CharLM(Module):
    """Embedding (vocab → ``embed``), a one-layer LSTM (``hidden``), a linear read-out to the
    vocabulary: ``forward(ids (T, B), state) -> (logits (T, B, V), state)``."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.embed = Embedding(vocab_size, embed)
        self.lstm = LSTM(embed, hidden)
        self.out = Linear(hidden, vocab_size)

    def forward(self, ids: Tensor, state: Any = None) -> tuple[Tensor, Any]:
        h, state = self.lstm(self.embed(ids), state)
        return self.out(h), state


def _streams(ids: np.ndarray, batch: int) -> np.ndarray:
    """The id sequence cut into ``batch`` contiguous streams, time-major (T, batch)."""
    n = len(ids) // batch
    return ids[: n * batch].reshape(batch, n).T.copy()


def _sequence_loss(logits: Tensor, targets: Any) -> Tensor:
    t, b, v = logits.shape
    return cross_entropy(logits.reshape(t * b, v), targets.reshape(t * b))


def nats_per_char(model: CharLM, ids: np.ndarray, batch: int = 16, k: int = 128) -> float:
    """Mean negative log-likelihood (nats) of each next character of ``ids`` under the model,
    the state carried along each stream."""
    data = _streams(ids, batch)
    total, count, state = 0.0, 0, None
    with ac.no_grad():
        for s in range(0, len(data) - 1, k):
            x, y = data[s : s + k], data[s + 1 : s + k + 1]
            x = x[: len(y)]
            logits, state = model(ac.tensor(x), state)
            total += float(_sequence_loss(logits, ac.tensor(y)).item()) * y.size
            count += y.size
    return total / count


def unigram_nats(train: np.ndarray, valid: np.ndarray, vocab_size: int) -> float:
    """The baseline: the cross-entropy of the validation characters under the training
    characters' frequencies (add-one smoothed)."""
    counts = np.bincount(train, minlength=vocab_size) + 1.0
    p = counts / counts.sum()
    return float(-np.log(p[valid]).mean())


def sample(model: CharLM, vocab: CharVocab, prime: str, n: int, temperature: float = 0.8) -> str:
    """``n`` characters generated after ``prime``, each drawn from softmax(logits / T)."""
    rng = np.random.default_rng(0)
    state, out = None, list(prime)
    with ac.no_grad():
        logits, state = model(ac.tensor(vocab.encode(prime)[:, None]), state)
        for _ in range(n):
            z = logits.numpy()[-1, 0].astype(np.float64) / temperature
            p = np.exp(z - z.max())
            nxt = int(rng.choice(len(p), p=p / p.sum()))
            out.append(vocab.chars[nxt])
            logits, state = model(ac.tensor(np.array([[nxt]])), state)
    return "".join(out)


def train_char_lm(
    max_chars: int | None = 400_000,
    epochs: int = 4,
    batch: int = 32,
    k: int = 64,
    hidden: int = 128,
    lr: float = 3e-3,
    seed: int = 0,
    progress: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Train a CharLM on the first ``max_chars`` characters of the Jargon File (90% train,
    10% validation), by truncated BPTT in chunks of ``k`` characters over ``batch`` streams,
    Adam, gradients clipped to norm 1. Returns the model, the vocabulary, the validation nats
    per character of the model and of the unigram baseline, a sample and the wall time."""
    ac.manual_seed(seed)
    text = load_jargon_text(max_chars=max_chars)
    vocab = CharVocab(text)
    ids = vocab.encode(text)
    cut = int(0.9 * len(ids))
    train, valid = ids[:cut], ids[cut:]
    model = CharLM(len(vocab), hidden=hidden)
    opt = optim.Adam(model.parameters(), lr=lr)
    data = _streams(train, batch)
    x, y = ac.tensor(data[:-1]), ac.tensor(data[1:])
    t0 = time.perf_counter()
    loop = range(epochs) if progress is None else progress(range(epochs))
    for _ in loop:
        truncated_bptt(model, _sequence_loss, opt, x, y, k, clip_grad_norm=1.0)
    seconds = time.perf_counter() - t0
    model.eval()
    return {
        "model": model,
        "vocab": vocab,
        "valid_nats": nats_per_char(model, valid),
        "unigram_nats": unigram_nats(train, valid, len(vocab)),
        "sample": sample(model, vocab, "hacker ", 200),
        "seconds": seconds,
        "chars": len(text),
        "bits_per_nat": 1 / math.log(2),
    }


class BiGRUReader(Module):
    """A bidirectional GRU (hidden ``hidden`` each way) over a signal of length ``length``, all
    its outputs flattened into one Linear layer to 10 classes (the MNIST-1D GRU baseline)."""

    def __init__(self, hidden: int = 6, length: int = 40) -> None:
        super().__init__()
        self.gru = GRU(1, hidden, batch_first=True, bidirectional=True)
        self.out = Linear(2 * hidden * length, 10)

    def forward(self, x: Tensor) -> Tensor:
        h, _ = self.gru(x.reshape(x.shape[0], x.shape[1], 1))
        return self.out(h.reshape(h.shape[0], -1))


def train_mnist1d_bigru(
    steps: int = 2000, batch_size: int = 100, lr: float = 1e-2, seed: int = 0
) -> tuple[Module, float, float]:
    """Train ``BiGRUReader`` on MNIST-1D (Adam, random minibatches). Returns the model, its
    test accuracy and the training wall time in seconds."""
    from nn.datasets import load_mnist1d

    ac.manual_seed(seed)
    x_train, y_train, x_test, y_test = load_mnist1d()
    xs, ys = x_train.numpy().astype(np.float32), y_train.numpy()
    model = BiGRUReader()
    opt = optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        idx = rng.integers(0, len(xs), batch_size)
        opt.zero_grad()
        cross_entropy(model(ac.tensor(xs[idx])), ac.tensor(ys[idx])).backward()
        opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with ac.no_grad():
        pred = model(ac.tensor(x_test.numpy().astype(np.float32))).numpy().argmax(1)
    return model, float((pred == y_test.numpy()).mean()), seconds


def adding_problem(rng: np.random.Generator, n: int, T: int) -> tuple[np.ndarray, np.ndarray]:
    """n sequences of the adding problem (Hochreiter & Schmidhuber 1997), float32: x(t) =
    (value, marker), one marker in each half of the sequence; the target is the sum of the two
    marked values, a dependency spanning up to T steps. Predicting the mean scores an MSE of
    1/6, the variance of the target."""
    values = rng.uniform(0, 1, (n, T))
    marks = np.zeros((n, T))
    marks[np.arange(n), rng.integers(0, T // 2, n)] = 1.0
    marks[np.arange(n), rng.integers(T // 2, T, n)] = 1.0
    x = np.stack([values, marks], axis=-1).astype(np.float32)
    return x, (values * marks).sum(axis=1, keepdims=True).astype(np.float32)


class AddingReader(Module):
    """A recurrent layer (``mode``: 'RNN', 'LSTM' or 'GRU') read at its last step by one linear
    unit: the sequence-to-one reader of the adding problem. Seeded initial weights."""

    def __init__(self, mode: str, hidden: int = 64) -> None:
        super().__init__()
        layer = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}[mode]
        self.rnn = layer(2, hidden, batch_first=True, generator=ac.Generator(0))
        self.out = Linear(hidden, 1, generator=ac.Generator(1))

    def forward(self, x: Tensor) -> Tensor:
        y, _ = self.rnn(x)
        return self.out(y[:, -1])


def train_adding(
    mode: str, steps: int, T: int = 50, hidden: int = 64, batch: int = 64, seed: int = 0
) -> tuple[AddingReader, float, float]:
    """The issue's recipe: Adam 1e-3, a fresh batch of 64 each step, gradients clipped to norm
    1.0. Returns the model, its MSE on 1,000 test sequences and the training wall time (s)."""
    rng = np.random.default_rng(seed)
    model = AddingReader(mode, hidden)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    for _ in range(steps):
        x, y = adding_problem(rng, batch, T)
        opt.zero_grad()
        mse_loss(model(ac.tensor(x)), ac.tensor(y)).backward()
        clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    seconds = time.perf_counter() - t0
    x_test, y_test = adding_problem(np.random.default_rng(99), 1000, T)
    with ac.no_grad():
        mse = float(mse_loss(model(ac.tensor(x_test)), ac.tensor(y_test)).item())
    return model, mse, seconds
