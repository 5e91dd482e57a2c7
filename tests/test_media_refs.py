"""core.text.media_refs.media_references: every way a field, template or styling names a media file."""

from __future__ import annotations

import pytest

from studyapp.core.text.media_refs import media_references


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[sound:haus.mp3]", {"haus.mp3"}),
        ("a [sound:one.ogg] b [sound:two words.mp3]", {"one.ogg", "two words.mp3"}),
        ('<img src="cat.png">', {"cat.png"}),
        ("<IMG class=x SRC='dog.jpg' alt=''>", {"dog.jpg"}),
        ("<img src=bare.gif>", {"bare.gif"}),
        ('<audio controls src="clip.m4a"></audio><video src="v.mp4"><source src="v.webm"></video>',
         {"clip.m4a", "v.mp4", "v.webm"}),
        ('<object data="diagram.svg"></object>', {"diagram.svg"}),
        ('<script src="_jquery.js"></script>', {"_jquery.js"}),
        ('@font-face { font-family: ipa; src: url("_ipa.woff"); }', {"_ipa.woff"}),
        (".card { background: url(_paper.png) }", {"_paper.png"}),
        ("@import '_common.css';", {"_common.css"}),
        ('<div style="background-image: url(\'bg.jpg\')">x</div>', {"bg.jpg"}),
        ('<img src="a&amp;b.png">', {"a&b.png"}),
        ('<img src="with%20space.png">', {"with%20space.png", "with space.png"}),
        # not media files: remote, inline, folders, nothing at all
        ('<img src="https://example.com/x.png"><img src="//cdn/x.png"><img src="data:image/png;base64,AA">', set()),
        ('<img src="../etc/passwd"><img src="sub/x.png">', set()),
        ("plain text, 1 = 1, no file", set()),
        ("", set()),
    ],
)  # fmt: skip
def test_media_references(text: str, names: set[str]) -> None:
    assert media_references(text) == names
