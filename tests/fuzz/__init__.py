"""Fuzzing every importer and the search language: success or a clean one-line error, nothing else."""
