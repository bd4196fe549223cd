"""Podbor's benchmarks: `python -m bench` (or `make bench`) builds a throwaway database and prints figures.

They print, they do not assert: a figure is read against the last one, on the same kind of machine.
"""
