"""Benchmarks behind `sanzhi bench ...`: each writes its figures as JSON."""
