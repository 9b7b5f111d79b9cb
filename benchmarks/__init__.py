"""Benchmarks: speed and memory, measured against a raw SQLite baseline. Not run by the tests."""
