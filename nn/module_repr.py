"""How a Module prints: its class, ``extra_repr()`` and parameter shapes on one line, its
children indented below, and the parameter count (trainable ones apart) at the end. PyTorch's
layout, plus the shapes and the count."""

from __future__ import annotations

from typing import Any

from nn.parameter import is_lazy

__all__ = ["ModuleReprMixin"]


class ModuleReprMixin:
    """``extra_repr`` and ``__repr__`` of nn/module.py's Module."""

    _parameters: dict[str, Any]
    _modules: dict[str, Any]

    def extra_repr(self) -> str:
        """The one-line description inside this module's parentheses (sizes, options)."""
        return ""

    def _own_shapes(self) -> str:
        parts = [
            f"{k} {'<uninitialized>' if is_lazy(p) else tuple(p.shape)}"
            for k, p in self._parameters.items()
            if p is not None
        ]
        return ", ".join(parts)

    def _repr_lines(self) -> list[str]:
        head = f"{type(self).__name__}({self.extra_repr()}"
        shapes = self._own_shapes()
        children = list(self._modules.items())
        if not children:
            return [head + ")" + (f"  [{shapes}]" if shapes else "")]
        lines = [head + (f"  [{shapes}]" if shapes else "")]
        for name, m in children:
            sub = m._repr_lines() if m is not None else ["None"]
            lines.append(f"  ({name}): " + sub[0])
            lines.extend("  " + s for s in sub[1:])
        lines.append(")")
        return lines

    def __repr__(self) -> str:
        lines = self._repr_lines()
        total = self.num_parameters()
        trainable = self.num_parameters(trainable_only=True)
        note = f"{total:,} parameters"
        if trainable != total:
            note += f" ({trainable:,} trainable)"
        if len(lines) == 1:
            return lines[0] + (f"  # {note}" if self._parameters else "")
        lines.append(f"# {note}")
        return "\n".join(lines)
