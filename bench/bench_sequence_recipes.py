"""Issue 15's learning recipes, autograd-core and PyTorch CPU on the same recipe (same initial
weights, same minibatches, one after the other): MNIST-1D read by a bidirectional GRU
(test accuracy after 2,000 steps) and the character-level LSTM language model on the Jargon
File (validation nats per character after truncated-BPTT training), and the adding problem
(T = 50, hidden 64, 3,000 Adam steps, clip 1.0: test MSE of a GRU, an LSTM and a tanh RNN).
Wall times side by side.
BENCH_SEQ_SCALE (default 1) scales the number of steps/epochs down for a quick look."""

from __future__ import annotations

import os

import bench._timing  # noqa: F401  (pins the thread counts before NumPy is imported)

import time

import numpy as np

SCALE = float(os.environ.get("BENCH_SEQ_SCALE", "1"))


def _torch_state(model) -> dict:
    import torch

    return {k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()}


def bigru_rows() -> list[str]:
    import torch

    import autograd_core as ac
    import optim
    from nn.datasets import load_mnist1d
    from nn.losses_classification import cross_entropy
    from nn.recipes_sequences import BiGRUReader

    steps = max(1, int(2000 * SCALE))
    ac.manual_seed(0)
    x_train, y_train, x_test, y_test = load_mnist1d()
    xs, ys = x_train.numpy().astype(np.float32), y_train.numpy().astype(np.int64)
    xt, yt = x_test.numpy().astype(np.float32), y_test.numpy()
    ours = BiGRUReader()

    class TorchReader(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = torch.nn.GRU(1, 6, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(480, 10)

        def forward(self, x):
            h, _ = self.gru(x.unsqueeze(-1))
            return self.out(h.flatten(1))

    theirs = TorchReader()
    theirs.load_state_dict(_torch_state(ours))
    rng = np.random.default_rng(0)
    batches = [rng.integers(0, len(xs), 100) for _ in range(steps)]
    opt = optim.Adam(ours.parameters(), lr=1e-2)
    t0 = time.perf_counter()
    for idx in batches:
        opt.zero_grad()
        cross_entropy(ours(ac.tensor(xs[idx])), ac.tensor(ys[idx])).backward()
        opt.step()
    ours_s = time.perf_counter() - t0
    with ac.no_grad():
        ours_acc = float((ours(ac.tensor(xt)).numpy().argmax(1) == yt).mean())
    topt = torch.optim.Adam(theirs.parameters(), lr=1e-2)
    tx, ty = torch.from_numpy(xs), torch.from_numpy(ys)
    t0 = time.perf_counter()
    for idx in batches:
        i = torch.from_numpy(idx)
        topt.zero_grad()
        torch.nn.functional.cross_entropy(theirs(tx[i]), ty[i]).backward()
        topt.step()
    torch_s = time.perf_counter() - t0
    with torch.no_grad():
        torch_acc = float((theirs(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())
    return [
        f"| MNIST-1D, bidirectional GRU 6, {steps} steps | test accuracy | {ours_acc:.3f} | "
        f"{torch_acc:.3f} | {ours_s:.1f} | {torch_s:.1f} | {ours_s / torch_s:.2f} |"
    ]


def charlm_rows() -> list[str]:
    import torch

    import autograd_core as ac
    import optim
    from nn.recipes_sequences import (
        CharLM,
        CharVocab,
        load_jargon_text,
        nats_per_char,
        unigram_nats,
    )
    from nn.tbptt import truncated_bptt

    epochs = max(1, int(4 * SCALE))
    ac.manual_seed(0)
    text = load_jargon_text(max_chars=400_000)
    vocab = CharVocab(text)
    ids = vocab.encode(text)
    cut = int(0.9 * len(ids))
    train, valid = ids[:cut], ids[cut:]
    n = len(train) // 32
    data = train[: n * 32].reshape(32, n).T.copy()
    ours = CharLM(len(vocab))

    class TorchLM(torch.nn.Module):
        def __init__(self, v):
            super().__init__()
            self.embed = torch.nn.Embedding(v, 32)
            self.lstm = torch.nn.LSTM(32, 128)
            self.out = torch.nn.Linear(128, v)

        def forward(self, x, state=None):
            h, state = self.lstm(self.embed(x), state)
            return self.out(h), state

    theirs = TorchLM(len(vocab))
    theirs.load_state_dict(_torch_state(ours))

    def loss_ours(logits, y):
        t, b, v = logits.shape
        return ac.nn.functional.cross_entropy(logits.reshape(t * b, v), y.reshape(t * b))

    opt = optim.Adam(ours.parameters(), lr=3e-3)
    x, y = ac.tensor(data[:-1]), ac.tensor(data[1:])
    t0 = time.perf_counter()
    for _ in range(epochs):
        truncated_bptt(ours, loss_ours, opt, x, y, 64, clip_grad_norm=1.0)
    ours_s = time.perf_counter() - t0
    ours.eval()
    ours_nats = nats_per_char(ours, valid)

    topt = torch.optim.Adam(theirs.parameters(), lr=3e-3)
    tx, ty = torch.from_numpy(data[:-1]), torch.from_numpy(data[1:])
    t0 = time.perf_counter()
    for _ in range(epochs):
        state = None
        for s in range(0, len(tx), 64):
            topt.zero_grad()
            logits, state = theirs(tx[s : s + 64], state)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, len(vocab)), ty[s : s + 64].reshape(-1)
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
            topt.step()
            state = tuple(h.detach() for h in state)
    torch_s = time.perf_counter() - t0
    vdata = valid[: (len(valid) // 16) * 16].reshape(16, -1).T.copy()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for s in range(0, len(vdata) - 1, 128):
            xv, yv = vdata[s : s + 128], vdata[s + 1 : s + 129]
            logits, state = theirs(torch.from_numpy(xv[: len(yv)]), state)
            total += (
                float(
                    torch.nn.functional.cross_entropy(
                        logits.reshape(-1, len(vocab)), torch.from_numpy(yv).reshape(-1)
                    )
                )
                * yv.size
            )
            count += yv.size
    uni = unigram_nats(train, valid, len(vocab))
    return [
        f"| char LSTM 128 on the Jargon File, {epochs} epochs (unigram {uni:.2f}) | "
        f"valid nats/char | {ours_nats:.3f} | {total / count:.3f} | {ours_s:.1f} | "
        f"{torch_s:.1f} | {ours_s / torch_s:.2f} |"
    ]


def adding_rows() -> list[str]:
    import torch

    import autograd_core as ac
    import optim
    from nn.losses_regression import mse_loss
    from nn.recipes_sequences import AddingReader, adding_problem
    from nn.utils.clip_grad import clip_grad_norm_

    steps = max(1, int(3000 * SCALE))
    rng = np.random.default_rng(0)
    batches = [adding_problem(rng, 64, 50) for _ in range(steps)]
    x_test, y_test = adding_problem(np.random.default_rng(99), 1000, 50)
    rows = []
    for mode in ("GRU", "LSTM", "RNN"):
        ours = AddingReader(mode)
        layer = getattr(torch.nn, mode)(2, 64, batch_first=True)
        theirs = torch.nn.ModuleDict({"rnn": layer, "out": torch.nn.Linear(64, 1)})
        theirs.load_state_dict(_torch_state(ours))
        opt = optim.Adam(ours.parameters(), lr=1e-3)
        t0 = time.perf_counter()
        for x, y in batches:
            opt.zero_grad()
            mse_loss(ours(ac.tensor(x)), ac.tensor(y)).backward()
            clip_grad_norm_(ours.parameters(), 1.0)
            opt.step()
        ours_s = time.perf_counter() - t0
        with ac.no_grad():
            ours_mse = float(mse_loss(ours(ac.tensor(x_test)), ac.tensor(y_test)).item())

        def read(x, m=theirs):  # noqa: ANN001, ANN202
            return m["out"](m["rnn"](x)[0][:, -1])

        topt = torch.optim.Adam(theirs.parameters(), lr=1e-3)
        t0 = time.perf_counter()
        for x, y in batches:
            topt.zero_grad()
            torch.nn.functional.mse_loss(read(torch.from_numpy(x)), torch.from_numpy(y)).backward()
            torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
            topt.step()
        torch_s = time.perf_counter() - t0
        with torch.no_grad():
            t_mse = float(
                torch.nn.functional.mse_loss(
                    read(torch.from_numpy(x_test)), torch.from_numpy(y_test)
                )
            )
        name = "tanh RNN" if mode == "RNN" else mode
        rows.append(
            f"| adding problem T=50, {name} 64, {steps} steps (target variance 0.167) | test MSE | "
            f"{ours_mse:.4f} | {t_mse:.4f} | {ours_s:.1f} | {torch_s:.1f} | "
            f"{ours_s / torch_s:.2f} |"
        )
    return rows


def main() -> str:
    lines = [
        "## Sequence-model recipes against PyTorch CPU (same init, same batches)",
        "",
        "| recipe | metric | autograd-core | PyTorch | ours (s) | PyTorch (s) | time ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        import torch  # noqa: F401
    except ImportError:
        return "\n".join(lines + ["", "PyTorch is not installed: nothing compared."]) + "\n"
    lines += bigru_rows()
    lines += adding_rows()
    try:
        lines += charlm_rows()
    except FileNotFoundError as e:
        lines.append(f"| char LSTM | skipped: {e} | | | | | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
