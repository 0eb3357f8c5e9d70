"""Benchmarks: each ``bench_*.py`` module exposes ``main() -> str`` (a markdown section)."""
