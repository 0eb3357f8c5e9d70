"""What the repository's text cites, a reader of the repository can open: no path into the
course notes (``seeds/…``) or the team's shared folder (``../shared``, ``BENCHMARKING.md``),
which live outside it. Cite the book section, the paper or BENCHMARKS.md instead."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("autograd_core", "nn", "optim", "bench", "notebooks")
OUTSIDE = re.compile(r"seeds/|\.\./shared|BENCHMARKING\.md")


def _texts() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "Makefile"]
    for folder in SHIPPED:
        files += (ROOT / folder).rglob("*.py")
        files += (ROOT / folder).rglob("*.ipynb")
        files += (ROOT / folder).rglob("*.md")
    return sorted(p for p in files if p.is_file())


def test_shipped_text_cites_no_file_outside_the_repository():
    texts = _texts()
    assert len(texts) > 100  # the scan sees the packages, not an empty glob
    bad = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for p in texts
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not bad, "cites a file outside the repository:\n" + "\n".join(bad)


def test_the_check_catches_a_seed_path():
    assert OUTSIDE.search("as the notes say (``../shared/seeds/002_x.txt``)")
    assert not OUTSIDE.search("Goodfellow et al., Deep Learning §9.3")
