"""The screenshot gallery: every window of the app, light and dark, on a 1024x640 and a 1440x900 screen.

``python -m studyapp.ui.gallery OUTDIR`` (``make screenshots``) writes ``OUTDIR/<size>-<theme>/<window>.png``.
It lives in the package, not in tests/ or benchmarks/, because it drives the app's own windows through their
own API (import-linter keeps it in the ui layer) and runs from the installed venv with no test extras.
"""
