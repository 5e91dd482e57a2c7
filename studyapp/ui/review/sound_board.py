"""The reviewer's audio: names of the media folder played through ``services.audio``, problems as a signal.

``play(names)`` stops what is playing and plays the files in order on the player's own thread, so a key
press never waits for a device or a decoder. A name that is not a file of the media folder, a format the
decoder does not read, or a machine without sound output each give one ``problem`` line (emitted on the
GUI thread), and the rest plays on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studyapp.core.scheduling.deck_options import DeckOptions
from studyapp.core.text.render import CardFaces
from studyapp.core.text.sound_tags import sound_name
from studyapp.services.audio.player import SoundPlayer


class SoundBoard(QObject):
    problem = Signal(str)  # one quiet line for the status area
    _problem_from_thread = Signal(str)

    def __init__(
        self,
        media_dir: Path | None,
        parent: QObject | None = None,
        player_factory: Callable[[Callable[[str], None]], SoundPlayer] | None = None,
    ) -> None:
        super().__init__(parent)
        self.media_dir = media_dir
        # Emitted on the audio thread, delivered (queued) on this object's thread.
        self._problem_from_thread.connect(self.problem)
        factory = player_factory or (lambda report: SoundPlayer(report))
        self.player = factory(self._problem_from_thread.emit)
        # The options of a card's deck ("Don't play audio automatically"): the window reads them from the
        # collection; without it (or for a deck gone) the studied deck's. Looked up once per deck and session.
        self.deck_options: Callable[[int], DeckOptions | None] | None = None
        self._options_of: dict[int, DeckOptions | None] = {}

    def new_session(self) -> None:
        self._options_of = {}

    def autoplays(self, deck_id: int, fallback: DeckOptions | None) -> bool:
        if deck_id not in self._options_of:
            self._options_of[deck_id] = self.deck_options(deck_id) if self.deck_options is not None else None
        options = self._options_of[deck_id] or fallback or DeckOptions()
        return options.autoplay_audio

    def autoplay(self, faces: CardFaces | None, revealed: bool, deck_id: int, fallback: DeckOptions | None) -> None:
        """A side just shown: its sounds (the question's; at the reveal the answer's own), if the deck plays
        audio automatically."""
        if faces is None:
            return
        names = faces.answer_sounds if revealed else faces.question_sounds
        if names and self.autoplays(deck_id, fallback):
            self.play(names)

    def replay(self, faces: CardFaces | None, answer_shown: bool) -> bool:
        """The side shown again: the question's sounds, and on the answer side the answer's after them."""
        if faces is None:
            return False
        names = (*faces.question_sounds, *faces.answer_sounds) if answer_shown else faces.question_sounds
        if names:
            self.play(names)
        return bool(names)

    def path_of(self, name: str) -> Path | None:
        """The file ``name`` names in the media folder, if it is a plain name of a file there."""
        if self.media_dir is None or sound_name(name) != name:
            return None
        try:
            folder = self.media_dir.resolve(strict=True)
            path = (folder / name).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return path if path.parent == folder and path.is_file() else None

    def play(self, names: Sequence[str]) -> None:
        """Stop what plays, then play ``names`` in order (those missing from the media folder are told)."""
        paths: list[Path] = []
        for name in names:
            path = self.path_of(name)
            if path is None:
                self.problem.emit(f"cannot play {name}: it is not in the media folder")
            else:
                paths.append(path)
        if paths:
            self.player.play(paths)
        else:
            self.player.stop()

    def stop(self) -> None:
        self.player.stop()

    def close(self) -> None:
        self.player.close()
