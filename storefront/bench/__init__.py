"""Benchmarks (not tests), run by ``make bench``: ``python -m storefront.bench``."""
