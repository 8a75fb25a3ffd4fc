"""Repository scripts (importable so that `python -m scripts.bench` works)."""
