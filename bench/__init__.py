"""Benchmarks of the portal's heavy paths: ``make bench`` (``python -m bench``)."""
