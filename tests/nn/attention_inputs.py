"""Shared by the nn.MultiheadAttention tests (test_attention.py against torch and
test_attention_without_torch.py): the sizes (E, H, L, S, N), random query/key/value arrays in
each layout, and random masks that leave every query a key.

Import it as the other helpers in tests/ are imported (pytest puts a test file's folder on
``sys.path``): ``from attention_inputs import E, H, make_inputs  # tests/nn/``.
"""

from __future__ import annotations

import numpy as np

E, H, L, S, N = 6, 2, 4, 5, 3


def make_inputs(rng, layout, kdim=E, vdim=E):
    def shape(length, d):
        return {"tf": (length, N, d), "bf": (N, length, d), "unbatched": (length, d)}[layout]

    return [rng.standard_normal(shape(n, d)) for n, d in ((L, E), (S, kdim), (S, vdim))]


def make_masks(rng, layout, kpm_kind, attn_kind, extra=0):
    """Masks that leave every query at least one key (key 0), so no row is fully masked."""
    out = {}
    batch = () if layout == "unbatched" else (N,)
    if kpm_kind:
        ignore = rng.random((*batch, S)) < 0.4
        ignore[..., 0] = False
        out["key_padding_mask"] = ignore if kpm_kind == "bool" else np.where(ignore, -np.inf, 0.3)
    if attn_kind:
        shape = (L, S) if attn_kind.endswith("2d") else ((N if batch else 1) * H, L, S)
        ignore = rng.random(shape) < 0.4
        ignore[..., 0] = False
        kind = attn_kind[:-2] if attn_kind[-2:] in ("2d", "3d") else attn_kind
        out["attn_mask"] = (
            ignore if kind == "bool" else np.where(ignore, -np.inf, rng.standard_normal(shape))
        )
    return out
