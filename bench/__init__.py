"""Benchmarks: a synthetic province, message handling, progress, memory (see README.md)."""
