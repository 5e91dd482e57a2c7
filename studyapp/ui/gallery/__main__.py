"""``python -m studyapp.ui.gallery OUTDIR [--only NAME ...]``: every window, light and dark, at 1024x640 and 1440x900.

Each screen size and theme is its own process (a Qt application has one screen and one theme): under
``xvfb-run`` when it is installed (an X server of exactly that size), else Qt's offscreen platform with a
screen of that size. Prints one line per picture set and one per window that could not be photographed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ("1024x640", "1440x900")
THEMES = ("light", "dark")


def _child_command(size: str, theme: str, out: Path, only: list[str]) -> tuple[list[str], dict[str, str]]:
    command = [sys.executable, "-m", "studyapp.ui.gallery", str(out), "--size", size, "--theme", theme]
    command += [arg for name in only for arg in ("--only", name)]
    env = dict(os.environ)
    env.pop("STUDYAPP_COLLECTION", None)
    xvfb = shutil.which("xvfb-run")
    if xvfb is not None:
        env.pop("QT_QPA_PLATFORM", None)
        return [xvfb, "-a", "-s", f"-screen 0 {size}x24", *command], env
    width, height = (int(n) for n in size.split("x"))
    config = Path(tempfile.gettempdir()) / f"studyapp-gallery-screen-{size}.json"
    screen = {"name": size, "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    return command, env


def _all(out: Path, only: list[str]) -> int:
    failed = 0
    for size in SIZES:
        for theme in THEMES:
            command, env = _child_command(size, theme, out, only)
            done = subprocess.run(command, env=env, check=False, stderr=subprocess.PIPE, text=True)
            noise = ("ALSA lib", "This plugin does not support")  # no sound card under Xvfb; not a problem
            lines = [line for line in done.stderr.splitlines() if not line.startswith(noise)]
            print("\n".join(lines), file=sys.stderr) if lines else None
            failed += done.returncode != 0
    return 1 if failed else 0


def _one(out: Path, size: str, theme: str, only: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from studyapp.services.settings import THEME_SETTING
    from studyapp.ui.app.main_window import MainWindow
    from studyapp.ui.app.style import DARK, LIGHT, install_theme
    from studyapp.ui.gallery.samples import make_collection, welcome_collection
    from studyapp.ui.gallery.shots import SHOTS, settle, take

    qt_app = QApplication([sys.argv[0]])
    install_theme(qt_app, DARK if theme == "dark" else LIGHT)
    folder = out / f"{size}-{theme}"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="studyapp-gallery-") as temp:
        if not only or "main-welcome" in only:  # a new user's first window: the bundled deck only
            first = welcome_collection(Path(temp) / "first" / "collection.db")
            first.set_setting(THEME_SETTING, theme)
            window = MainWindow(first)
            window.show()
            settle(qt_app)
            window.grab().save(str(folder / "main-welcome.png"))
            window.close()
            first.close()
        app = make_collection(Path(temp) / "gallery" / "collection.db")
        app.set_setting(THEME_SETTING, theme)
        window = MainWindow(app)
        window.show()
        settle(qt_app)
        for name, shot in SHOTS.items():
            if not only or name in only:
                problem = take(name, shot, window, app, qt_app, folder)
                if problem is not None:
                    problems.append(problem)
        window.close()
        app.close()
    print(f"{folder}: {len(list(folder.glob('*.png')))} pictures" + (f", {len(problems)} failed" if problems else ""))
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studyapp.ui.gallery", description=__doc__)
    parser.add_argument("out", type=Path, help="folder for the pictures (a folder per screen size and theme)")
    parser.add_argument("--only", action="append", default=[], help="only this window (repeatable)")
    parser.add_argument("--size", choices=SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--theme", choices=THEMES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size is None or args.theme is None:
        return _all(args.out, args.only)
    return _one(args.out, args.size, args.theme, args.only)


if __name__ == "__main__":
    sys.exit(main())
