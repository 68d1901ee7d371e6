"""Reproducible performance benchmarks (issue #7). Run: python -m benchmarks.run --help."""
