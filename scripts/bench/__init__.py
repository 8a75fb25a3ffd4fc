"""Benchmarks: `python -m scripts.bench` (see __main__.py and docs/benchmarks.md)."""
