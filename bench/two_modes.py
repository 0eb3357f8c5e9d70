"""The issue-target rows timed both ways, side by side: all contenders in one process
(``interleave``) and each in its own (``interleave_apart``); bench/_timing.py says why the two
differ.

``python -m bench.two_modes [scale] [row,row…]`` prints one line per row: the ratio and the
two median times in each mode (the per-op row times a 1,000-op chain, so its ms are µs per
op). ``scale`` multiplies the rounds (1.0: those of make bench); the optional names keep only
rows whose label contains one of them (e.g. ``LSTM,LeNet``).
Not part of ``make bench``, which shows both modes in its own tables.
"""

from __future__ import annotations

from bench._timing import interleave_both, maker  # pins the threads first

import sys  # noqa: E402

__all__ = ["main"]

ROWS = [  # label, module, builder, its arguments after the framework, (a, b), rounds
    ("per-op ours/torch", "bench.bench_engine", "chain_step", (1000,), ("ours", "torch"), 45),
    ("MLP ours/numpy", "bench.bench_engine", "mlp_step", (), ("ours", "numpy"), 41),
    ("LeNet ours/torch", "bench.bench_conv", "lenet_step", (), ("ours", "torch"), 21),
    ("LSTM ours/torch", "bench.bench_rnn", "rnn_step", ("LSTM",), ("ours", "torch"), 15),
    ("RNN ours/torch", "bench.bench_rnn", "rnn_step", ("RNN",), ("ours", "torch"), 15),
    ("GRU ours/torch", "bench.bench_rnn", "rnn_step", ("GRU",), ("ours", "torch"), 15),
]


def main(scale: float = 1.0, only: list[str] | None = None) -> None:
    for label, module, builder, args, (a, b), rounds in ROWS:
        if only and not any(o in label for o in only):
            continue
        n = max(3, int(rounds * scale))
        one, own = interleave_both({k: maker(module, builder, k, *args) for k in (a, b)}, n)
        print(
            f"{label:18s} one process {one.ratio(a, b):.3f} "
            f"({one[a] * 1e3:.3f} / {one[b] * 1e3:.3f} ms)   own processes "
            f"{own.ratio(a, b):.3f} ({own[a] * 1e3:.3f} / {own[b] * 1e3:.3f} ms)",
            flush=True,
        )


if __name__ == "__main__":
    main(
        float(sys.argv[1]) if len(sys.argv) > 1 else 1.0,
        sys.argv[2].split(",") if len(sys.argv) > 2 else None,
    )
