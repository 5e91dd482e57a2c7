"""The fuzz tests' count of inputs tried is printed for the sanitizer property too."""

from __future__ import annotations

from ..fuzz.counting import pytest_terminal_summary

__all__ = ["pytest_terminal_summary"]
