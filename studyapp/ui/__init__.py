"""The desktop window (PySide6). The only package that imports Qt; it works through ``studyapp.services``."""
