"""The graphviz side of drawing: the lazy import, a Digraph that says how to install ``dot``, and
``write(path)``."""

from __future__ import annotations

import importlib
import os
from typing import Any

from autograd_core.errors import AutogradError

__all__ = ["GraphvizError"]

_INSTALL_DOT = (
    "Install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' "
    "(macOS) or 'conda install -c conda-forge graphviz'"
)


class GraphvizError(AutogradError, RuntimeError):
    """The graphviz Python package or the ``dot`` program is missing."""


_DIGRAPH_CLASS: Any = None


def _graphviz() -> Any:
    try:
        return importlib.import_module("graphviz")
    except ImportError as e:
        raise GraphvizError(
            f"draw_graph: the graphviz Python package is not installed ({e}). "
            "Install it with 'pip install graphviz'; rendering also needs the dot program. "
            f"{_INSTALL_DOT}."
        ) from e


def _dot_missing(what: str) -> GraphvizError:
    return GraphvizError(
        f"{what}: the graphviz 'dot' program was not found on PATH, so the graph cannot be "
        f"rendered. {_INSTALL_DOT}. The DOT source is still available as graph.source "
        "(paste it into any graphviz viewer)."
    )


def _digraph_class() -> Any:
    """A ``graphviz.Digraph`` whose rendering errors say how to install ``dot``."""
    global _DIGRAPH_CLASS
    gv = _graphviz()
    if _DIGRAPH_CLASS is not None and issubclass(_DIGRAPH_CLASS, gv.Digraph):
        return _DIGRAPH_CLASS

    class Digraph(gv.Digraph):
        """graphviz.Digraph with install hints when ``dot`` is missing, and ``save(path)``."""

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except gv.ExecutableNotFound as e:
                raise _dot_missing("render") from e

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().pipe(*args, **kwargs)
            except gv.ExecutableNotFound as e:
                raise _dot_missing("pipe") from e

        def write(self, path: str, format: str | None = None) -> str:
            """Render to exactly ``path`` (``graph.png``, ``net.svg``, ``g.pdf``); the format
            comes from the suffix unless given. A ``.gv``/``.dot`` path gets the DOT source."""
            suffix = (format or os.path.splitext(path)[1].lstrip(".")).lower()
            if suffix in ("gv", "dot"):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(self.source)
                return path
            if suffix not in gv.FORMATS:
                raise ValueError(
                    f"write: cannot tell the image format of {path!r}. Use a suffix such as "
                    ".png, .svg or .pdf, or pass format='png'."
                )
            return self.render(outfile=path, format=suffix, cleanup=True)

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
            try:
                return super()._repr_mimebundle_(include, exclude, **kw)
            except GraphvizError as e:  # show the message and the source instead of a traceback
                return {"text/plain": f"{e}\n\n{self.source}"}

    _DIGRAPH_CLASS = Digraph
    return Digraph


def new_digraph(name: str, rankdir: str) -> Any:
    g = _digraph_class()(name=name)
    g.attr(rankdir=rankdir)
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9")
    return g
