"""OpSpecs of the linear-algebra ops."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _matmul_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((3, 4)), r((4, 2))), {}, "(3,4) @ (4,2)"),
        Case((r((4,)), r((4,))), {}, "1-D @ 1-D"),
        Case((r((4,)), r((4, 2))), {}, "1-D @ 2-D"),
        Case((r((3, 4)), r((4,))), {}, "2-D @ 1-D"),
        Case((r((2, 3, 4)), r((4, 2))), {}, "batched @ 2-D"),
        Case((r((2, 1, 3, 4)), r((5, 4, 2))), {}, "broadcast batch"),
        Case((r((4,)), r((2, 4, 3))), {}, "1-D @ batched"),
        Case((r((2, 3, 4)), r((4,))), {}, "batched @ 1-D"),
        Case((r((0, 4)), r((4, 2))), {}, "zero rows"),
        Case((noncontig(r((3, 4))), r((2, 4)).T), {}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec("matmul", ac.matmul, _matmul_cases, ref=np.matmul, torch_fn=lambda a, b: a @ b),
]


def _einsum_cases(rng):
    r = rng.standard_normal

    def case(subscripts, *shapes, desc=None):
        return Case(tuple(r(s) for s in shapes), {"subscripts": subscripts}, desc or subscripts)

    return [
        case("ij,jk->ik", (3, 4), (4, 2), desc="matrix product ij,jk->ik"),
        case("bij,bjk->bik", (2, 3, 4), (2, 4, 2), desc="batch bij,bjk->bik"),
        case("i,j->ij", (3,), (4,), desc="outer i,j->ij"),
        case("ii->", (3, 3), desc="trace ii->"),
        case("ii->i", (3, 3), desc="diagonal ii->i"),
        case("ij->ji", (3, 4), desc="transpose ij->ji"),
        case("ij->", (3, 4), desc="sum ij->"),
        case("ij->i", (3, 4), desc="row sums ij->i"),
        case("ij,jk,kl->il", (2, 3), (3, 4), (4, 2), desc="three operands ij,jk,kl->il"),
        case("...ij,...jk->...ik", (2, 1, 3, 4), (5, 4, 2), desc="ellipsis with broadcast"),
        case("ij,jk", (3, 4), (4, 2), desc="implicit ij,jk"),
        case("ba", (3, 4), desc="implicit transpose ba"),
        case("iij,jk->ik", (3, 3, 4), (4, 2), desc="diagonal inside a product iij,jk->ik"),
        case("iii->i", (3, 3, 3), desc="3-way diagonal iii->i"),
        case("ij,ij->ij", (1, 4), (3, 4), desc="size-1 broadcast ij,ij->ij"),
        case(",i->i", (), (4,), desc="0-d operand ,i->i"),
        case("ij,jk->ik", (0, 4), (4, 2), desc="zero rows"),
        Case((noncontig(r((3, 4))), r((2, 4)).T), {"subscripts": "ij,jk->ik"}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec(
        "einsum",
        lambda *xs, subscripts: ac.einsum(subscripts, *xs),
        _einsum_cases,
        ref=lambda *xs, subscripts: np.einsum(subscripts, *xs),
        torch_fn=lambda *xs, subscripts: __import__("torch").einsum(subscripts, *xs),
        notes="The VJP of each operand is an einsum of the output gradient with the other "
        "operands; repeated letters scatter onto the diagonal through an identity.",
    ),
]
