"""Utilities that act on a model's parameters (gradient clipping, flattening to one vector,
reparametrised weights: ``nn.utils.parametrize``, ``nn.utils.parametrizations`` and the legacy
``weight_norm`` / ``spectral_norm`` hooks) and on batches of sequences (``nn.utils.rnn``: padding
and packing), and calling a module with other tensors as its weights
(``nn.utils.stateless.functional_call``)."""

from __future__ import annotations

from nn.utils import parametrizations, parametrize, rnn, stateless
from nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from nn.utils.legacy_norms import (
    remove_spectral_norm,
    remove_weight_norm,
    spectral_norm,
    weight_norm,
)

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
    "parametrizations",
    "parametrize",
    "remove_spectral_norm",
    "remove_weight_norm",
    "rnn",
    "spectral_norm",
    "stateless",
    "weight_norm",
]
