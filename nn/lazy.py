"""Lazy layers: ``LazyLinear`` and ``LazyConv1d/2d/3d``, whose input size (``in_features``,
``in_channels``) is read from the first input, as PyTorch's lazy modules do.

Until that first call the weight and bias are ``UninitializedParameter``s (``in_features`` /
``in_channels`` is 0). The first forward materialises them with the inferred shapes,
initialises them exactly as the eager layer does (so with the same seed, and no random draw in
between, the values equal those of ``nn.Linear(in, out)`` made at that point), and turns the
module into the eager class (``LazyLinear`` → ``Linear``) in place: the module and parameter
objects stay the same, so an optimizer built before or after the first forward trains them.
``load_state_dict`` into an uninitialised module takes the checkpoint's shapes.
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import ShapeError, UninitializedError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn.conv import Conv1d, Conv2d, Conv3d
from nn.layers import Linear
from nn.parameter import UninitializedParameter, is_lazy

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d"]


class LazyModuleMixin:
    """What the lazy layers share (PyTorch's ``LazyModuleMixin``): a forward pre-hook that calls
    ``initialize_parameters(*inputs)`` on the first call, checks that nothing is left
    uninitialised, removes itself and switches the class to ``cls_to_become``."""

    cls_to_become: type | None = None

    def _register_lazy_hook(self) -> None:
        self._lazy_hook = self.register_forward_pre_hook(_infer_parameters)  # type: ignore[attr-defined]

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter still waits for its shape."""
        return any(is_lazy(p) for p in self.parameters())  # type: ignore[attr-defined]

    def initialize_parameters(self, *args: Any) -> None:
        """Materialise and initialise the parameters from the first inputs (per layer)."""
        raise NotImplementedError


def _infer_parameters(module: Any, args: tuple[Any, ...]) -> None:
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise UninitializedError(
            f"{type(module).__name__}: a parameter is still uninitialised after "
            "initialize_parameters. This is a bug in the lazy layer."
        )
    module._lazy_hook.remove()
    del module._lazy_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


def _first_input(layer: str, args: tuple[Any, ...]) -> Tensor:
    if not args or not isinstance(args[0], Tensor):
        raise TypeError(
            f"{layer}: the first call must pass the input tensor, from whose shape the layer "
            f"learns its input size; got {[type(a).__name__ for a in args]}."
        )
    return args[0]


class LazyLinear(LazyModuleMixin, Linear):
    """y = x Wᵀ + b with ``in_features`` inferred from the first input's last axis.

    Args:
        out_features: size of each output sample.
        bias: learn an additive bias.
        device, dtype: where and in what dtype the parameters will be made (the input's dtype
            is not used, as in PyTorch).
        generator: the random source of the initial weights (the default generator if None).

    Attributes:
        weight, bias: ``UninitializedParameter`` until the first forward, then as in
            ``nn.Linear`` (which the module becomes).

    Raises:
        ShapeError: on the first forward, a 0-d input (it has no feature axis).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.LazyLinear(2)
        >>> layer.in_features, layer(ac.ones(5, 3)).shape, type(layer).__name__
        (0, (5, 2), 'Linear')
    """

    cls_to_become = Linear

    def __init__(
        self,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        Linear.__init__(self, 0, out_features, False, device, dtype)  # (an empty weight)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._lazy_generator = generator
        self._register_lazy_hook()

    def initialize_parameters(self, *args: Any) -> None:
        """Read ``in_features`` from the input's last axis; materialise and initialise."""
        if not self.has_uninitialized_params():  # (loaded from a state_dict)
            self.in_features = self.weight.shape[1]
            return
        x = _first_input("LazyLinear", args)
        if x.ndim == 0:
            raise ShapeError(
                "LazyLinear: the first input has no feature axis (a 0-d tensor), so in_features "
                "cannot be inferred. Pass an input of shape (..., in_features)."
            )
        self.in_features = int(x.shape[-1])
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters(self._lazy_generator)
        del self._lazy_generator


class _LazyConvMixin(LazyModuleMixin):
    """The lazy convolutions: ``in_channels`` from the input's channel axis (axis 1 of a
    batched input, axis 0 of an unbatched one)."""

    lazy = True

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__(  # type: ignore[call-arg]
            0,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=groups,
            bias=bias,
            padding_mode=padding_mode,
            device=device,
            dtype=dtype,
            generator=generator,
        )
        self._register_lazy_hook()

    def _create_parameters(self, bias: bool, device: Any, dtype: Any, generator: Any) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self._lazy_generator = generator

    def initialize_parameters(self, *args: Any) -> None:
        """Read ``in_channels`` from the input; materialise and initialise."""
        layer = type(self).__name__
        if not self.has_uninitialized_params():  # (loaded from a state_dict)
            self.in_channels = self.weight.shape[1] * self.groups
            return
        x = _first_input(layer, args)
        nd = self.nd
        if x.ndim not in (nd + 1, nd + 2):
            raise ShapeError(
                f"{layer}: expected a {nd + 1}-d (unbatched) or {nd + 2}-d (batched) input, got "
                f"shape {tuple(x.shape)}. Pass (N, C, {'L' if nd == 1 else '...'}) data."
            )
        in_channels = int(x.shape[0] if x.ndim == nd + 1 else x.shape[1])
        if in_channels % self.groups:
            raise ShapeError(
                f"{layer}: in_channels={in_channels} (from the input, shape "
                f"{tuple(x.shape)}) must be divisible by groups={self.groups}. Change groups "
                "or the number of input channels."
            )
        self.in_channels = in_channels
        self.weight.materialize(self._weight_shape())
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters(self._lazy_generator)
        del self._lazy_generator


_LAZY_CONV_DOC = """{formula} with ``in_channels`` inferred from the first input.

    The arguments of ``nn.{eager}`` without ``in_channels``. Until the first forward the weight
    and bias are ``UninitializedParameter``s and ``in_channels`` is 0; the first input's channel
    axis (1, or 0 for an unbatched input) sets it, the parameters are initialised as
    ``nn.{eager}``'s, and the module becomes an ``nn.{eager}``.

    Deliberate difference: ``out_channels`` not divisible by ``groups`` is refused when the
    layer is made (PyTorch refuses it only in the first forward).

    Raises:
        ShapeError: ``in_channels`` not divisible by ``groups``, or an input of the wrong rank,
            on the first forward.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.{name}(4, 3)
        >>> layer({example}).shape, layer.in_channels, type(layer).__name__
        ({shape}, 2, '{eager}')
    """


class LazyConv1d(_LazyConvMixin, Conv1d):
    cls_to_become = Conv1d
    __doc__ = _LAZY_CONV_DOC.format(
        formula="y = conv1d(x, W) + b",
        eager="Conv1d",
        name="LazyConv1d",
        example="ac.ones(8, 2, 10)",
        shape="(8, 4, 8)",
    )


class LazyConv2d(_LazyConvMixin, Conv2d):
    cls_to_become = Conv2d
    __doc__ = _LAZY_CONV_DOC.format(
        formula="y = conv2d(x, W) + b",
        eager="Conv2d",
        name="LazyConv2d",
        example="ac.ones(8, 2, 10, 10)",
        shape="(8, 4, 8, 8)",
    )


class LazyConv3d(_LazyConvMixin, Conv3d):
    cls_to_become = Conv3d
    __doc__ = _LAZY_CONV_DOC.format(
        formula="y = conv3d(x, W) + b",
        eager="Conv3d",
        name="LazyConv3d",
        example="ac.ones(1, 2, 5, 5, 5)",
        shape="(1, 4, 3, 3, 3)",
    )
