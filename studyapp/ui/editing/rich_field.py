"""One rich-text field of the note editor, and the walker that turns its document into a small HTML fragment.

Formatting is basic on purpose: bold, italic, underline, bulleted and numbered lists and links. The output
is plain text when nothing is formatted (so most notes stay plain), else a small HTML fragment built by
walking the document (b/i/u/a/ul/ol/li/br), never Qt's full HTML document with its styles. A field the
user did not touch gives back exactly the text it was given, so editing one field never rewrites another.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextImageFormat,
    QTextListFormat,
    QTextOption,
)
from PySide6.QtWidgets import QInputDialog, QTextEdit, QWidget

from studyapp.core.text.sanitize import clean_html
from studyapp.services.media.adding import AddedMedia, MediaError
from studyapp.ui.app.style import theme_for
from studyapp.ui.editing import field_media, long_field
from studyapp.ui.review.pictures.media_document import MediaOnlyDocument

LINK_SCHEMES = ("http", "https", "mailto")
_LINE_SEPARATOR = "\u2028"  # Shift+Enter inside a paragraph


def valid_link(text: str) -> str | None:
    """The address if it is an http(s) or mailto link; anything else (javascript:, file:...) is refused."""
    url = QUrl(text.strip(), QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in LINK_SCHEMES:
        return None
    if url.scheme().lower() != "mailto" and not url.host():
        return None
    return url.toString()


def ask_for_link(parent: QWidget, current: str) -> str | None:
    """Ask for a link address (blocking); ``None`` if cancelled."""
    text, ok = QInputDialog.getText(parent, "Link", "Address (http, https or mailto):", text=current)
    return text if ok else None


class RichField(QTextEdit):
    """One field: Ctrl+B/I/U toggle formatting, Ctrl+K asks for a link, Ctrl+Shift+8/7 make lists.

    With a media folder (``media_dir``) it shows the note's images from there, fitted to its width, and takes
    pasted images and pasted or dropped files (see ``field_media``); ``[sound:…]`` tags show as chips.
    """

    media_message = Signal(str, bool)  # one line about media pasted, dropped or inserted; True: a problem
    sound_clicked = Signal(str)  # Ctrl+click (or the menu) on a [sound:name] chip: the file name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media_dir: Path | None = None
        self._images: dict[str, QImage] = {}  # the images shown, at their own size (refitted on a resize)
        self._fitted_width = 0
        # Images load from the media folder only (``field_media.media_path``), never from anywhere else.
        self.setDocument(MediaOnlyDocument(self._load_resource, self))
        self._chips = field_media.SoundChips(self.document())
        self.setTabChangesFocus(True)
        self.setAcceptRichText(True)
        self.ask_link: Callable[[QWidget, str], str | None] = ask_for_link  # tests replace it
        self._original: tuple[str, bool] = ("", False)
        self.held = False  # a field too long to lay out (``long_field``)
        self.preferred_height = 84  # the height asked for; a field grows into room the window has to spare

    def sizeHint(self) -> QSize:
        height = self.preferred_height
        if self._images:  # a field showing an image asks for room for it
            content = int(self.document().size().height()) + 2 * self.frameWidth() + 2
            height = max(height, min(content, field_media.MAX_IMAGE_HEIGHT + 48))
        return QSize(super().sizeHint().width(), height)

    # -- content -----------------------------------------------------------------------------------

    def set_text(self, text: str, is_html: bool) -> None:
        """Show a field: HTML (sanitized) with its formatting, plain text as text."""
        self._original = (text, is_html)
        self._images.clear()
        self.held = long_field.is_held(text)  # too long to lay out: shown as what it is, kept as it is
        self.setReadOnly(self.held)
        self.setWordWrapMode(long_field.wrap_mode("" if self.held else text))  # (a held field's notice: words)
        if self.held:
            self.setHtml(long_field.held_html(text, is_html, theme_for(self.palette())))
        elif is_html:
            self.setHtml(clean_html(text))
        else:
            self.setPlainText(text)
        self.document().setModified(False)

    def empty_held(self) -> None:
        """A held field emptied (Delete): the note's text for it is now empty."""
        self.held = False
        self.setReadOnly(False)
        self.setWordWrapMode(long_field.wrap_mode(""))
        self.setPlainText("")
        self.document().setModified(True)

    def text(self) -> tuple[str, bool]:
        """The field as (text, is_html): the given text if untouched, else plain text or an HTML fragment."""
        if self.held or not self.document().isModified():  # (a held field's notice is never its text)
            return self._original
        fragment, formatted = document_fragment(self)
        return (fragment, True) if formatted else (self.toPlainText(), False)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or bool(field_media.local_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Files (copied in a file manager, or dropped) and a pasted image (a screenshot) go into the media folder
        and the field refers to them; pasted HTML keeps only what the walker understands."""
        files = field_media.local_files(source)
        if files:
            self.insert_files(files)
            return
        if source.hasImage() and _image_rather_than_text(source):
            try:
                added = field_media.store_image(self.media_dir, QImage(source.imageData()))
            except MediaError as error:
                self.media_message.emit(str(error), True)
                return
            self.insert_media([added])
            return
        if source.hasText() and self.wordWrapMode() != long_field.wrap_mode(source.text()):
            self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)  # a pasted long run (base64, an address)
        super().insertFromMimeData(source)

    # -- media -------------------------------------------------------------------------------------

    def insert_files(self, paths: list[Path]) -> None:
        """Store the files in the media folder and refer to them where the cursor is; one line for each refused."""
        added, problems = field_media.store_files(self.media_dir, paths)
        self.insert_media(added)
        if problems:
            more = f" (and {len(problems) - 1} more not added)" if len(problems) > 1 else ""
            self.media_message.emit(problems[0] + more, True)

    def insert_media(self, added: list[AddedMedia]) -> None:
        """Refer to stored media at the cursor: an image shown as itself, a sound as its ``[sound:name]`` chip."""
        if not added:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        for media in added:
            if media.kind == "image":
                image = QTextImageFormat()
                image.setName(media.name)
                cursor.insertImage(image)
            else:
                cursor.insertText(media.reference)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.setFocus()
        self.updateGeometry()
        names = ", ".join(media.name for media in added)
        self.media_message.emit(f"Added {names}" if len(added) < 4 else f"Added {len(added)} files", False)

    def _load_resource(self, type_: int, url: QUrl) -> object:
        if int(type_) != field_media.IMAGE_RESOURCE:
            return None
        name = field_media.image_name(url)
        if name is None:
            return None
        image = self._images.get(name)
        if image is None:
            path = field_media.media_path(self.media_dir, name)
            image = field_media.read_image(path) if path is not None else None
            if image is None:
                return None
            self._images[name] = image
        self._fitted_width = self._image_width()
        return field_media.fitted(image, self._fitted_width)

    def _image_width(self) -> int:
        return max(48, self.viewport().width() - 2 * int(self.document().documentMargin()) - 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._images and self._image_width() != self._fitted_width:
            self._refit()

    def _refit(self) -> None:
        """The images again at the field's new width (the resources change; the note's text does not)."""
        self._fitted_width = width = self._image_width()
        document = self.document()
        for name, image in self._images.items():
            document.addResource(field_media.IMAGE_RESOURCE, QUrl(name), field_media.fitted(image, width))
        document.markContentsDirty(0, document.characterCount())
        self.updateGeometry()

    def shown_images(self) -> dict[str, QImage]:
        """The images this field loaded from the media folder, by name."""
        return dict(self._images)

    def _sound_at(self, position: object) -> str | None:
        cursor = self.cursorForPosition(position)  # type: ignore[arg-type]
        return field_media.sound_at(cursor.block().text(), cursor.positionInBlock())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            name = self._sound_at(event.position().toPoint())
            if name is not None:
                self.sound_clicked.emit(name)
                return
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        name = self._sound_at(event.pos())
        if name is not None:
            play = menu.addAction(f"Play {name}")
            menu.insertAction(menu.actions()[0], play)
            menu.insertSeparator(menu.actions()[1])
            play.triggered.connect(lambda _checked=False, n=name: self.sound_clicked.emit(n))
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- formatting --------------------------------------------------------------------------------

    def toggle_bold(self) -> None:
        bold = self.fontWeight() >= QFont.Weight.Bold.value
        self.setFontWeight(QFont.Weight.Normal.value if bold else QFont.Weight.Bold.value)

    def toggle_italic(self) -> None:
        self.setFontItalic(not self.fontItalic())

    def toggle_underline(self) -> None:
        self.setFontUnderline(not self.fontUnderline())

    def toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.textCursor()
        current = cursor.currentList()
        if current is not None and current.format().style() == style:
            block_format = cursor.blockFormat()
            for index in reversed(range(current.count())):
                current.remove(current.item(index))
            block_format.setIndent(0)
            cursor.setBlockFormat(block_format)
        else:
            cursor.createList(style)
        self.setFocus()

    def add_link(self) -> None:
        """Make the selection (or the address itself) a link, if the address is allowed."""
        cursor = self.textCursor()
        answer = self.ask_link(self, cursor.charFormat().anchorHref())
        url = valid_link(answer) if answer else None
        if url is None:
            return
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setAnchorHref(url)
        link.setFontUnderline(True)
        if cursor.hasSelection():
            cursor.mergeCharFormat(link)
        else:
            cursor.insertText(url, link)
        plain = QTextCharFormat()  # what is typed next is not part of the link
        plain.setAnchor(False)
        plain.setAnchorHref("")
        plain.setFontUnderline(False)
        cursor.clearSelection()
        cursor.setCharFormat(plain)
        self.setTextCursor(cursor)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = Qt.KeyboardModifier.ControlModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if self.held:  # read-only but for Delete, which empties it
            self.empty_held() if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) else super().keyPressEvent(event)
            return
        if modifiers & ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()  # Ctrl+Enter belongs to the dialog
            return
        actions = {
            (ctrl, Qt.Key.Key_B): self.toggle_bold,
            (ctrl, Qt.Key.Key_I): self.toggle_italic,
            (ctrl, Qt.Key.Key_U): self.toggle_underline,
            (ctrl, Qt.Key.Key_K): self.add_link,
            (ctrl | shift, Qt.Key.Key_Asterisk): lambda: self.toggle_list(QTextListFormat.Style.ListDisc),
            (ctrl | shift, Qt.Key.Key_8): lambda: self.toggle_list(QTextListFormat.Style.ListDisc),
            (ctrl | shift, Qt.Key.Key_Ampersand): lambda: self.toggle_list(QTextListFormat.Style.ListDecimal),
            (ctrl | shift, Qt.Key.Key_7): lambda: self.toggle_list(QTextListFormat.Style.ListDecimal),
        }
        action = actions.get((modifiers, key))
        if action is not None:
            action()
            return
        super().keyPressEvent(event)


def _image_rather_than_text(source: QMimeData) -> bool:
    """A paste with an image is taken as the image unless it carries real text (a word processor's copy of
    text comes with a picture of it; a browser's copy of an image with its address or an <img> alone)."""
    text = source.text().strip() if source.hasText() else ""
    return not text or (len(text.split()) == 1 and "://" in text)


def _inline(cursor_format: QTextCharFormat, text: str) -> tuple[str, bool]:
    """One run of text as HTML, and whether it carries formatting."""
    if cursor_format.isImageFormat():
        name = cursor_format.toImageFormat().name()
        return f'<img src="{html.escape(name)}">', True
    escaped = html.escape(text, quote=False).replace(_LINE_SEPARATOR, "<br>")
    tags: list[tuple[str, str]] = []
    if cursor_format.fontWeight() >= QFont.Weight.Bold.value:
        tags.append(("<b>", "</b>"))
    if cursor_format.fontItalic():
        tags.append(("<i>", "</i>"))
    href = cursor_format.anchorHref() if cursor_format.isAnchor() else ""
    if href and valid_link(href):
        tags.append((f'<a href="{html.escape(href)}">', "</a>"))
    elif cursor_format.fontUnderline():
        tags.append(("<u>", "</u>"))
    opening = "".join(start for start, _end in tags)
    closing = "".join(end for _start, end in reversed(tags))
    return opening + escaped + closing, bool(tags)


def document_fragment(field: QTextEdit) -> tuple[str, bool]:
    """The field's text as a small HTML fragment, and whether anything in it is formatted."""
    parts: list[str] = []
    formatted = False
    open_list: tuple[str, object] | None = None  # (tag, the QTextList) of the list being written
    block = field.document().begin()
    first_line = True
    while block.isValid():
        runs: list[str] = []
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid():
                run, has_format = _inline(fragment.charFormat(), fragment.text())
                runs.append(run)
                formatted = formatted or has_format
            iterator += 1
        text_list = block.textList()
        if text_list is not None:
            formatted = True
            ordered = text_list.format().style() in (
                QTextListFormat.Style.ListDecimal,
                QTextListFormat.Style.ListLowerAlpha,
                QTextListFormat.Style.ListUpperAlpha,
                QTextListFormat.Style.ListLowerRoman,
                QTextListFormat.Style.ListUpperRoman,
            )
            tag = "ol" if ordered else "ul"
            if open_list is None or open_list[1] != text_list:
                if open_list is not None:
                    parts.append(f"</{open_list[0]}>")
                parts.append(f"<{tag}>")
                open_list = (tag, text_list)
            parts.append(f"<li>{''.join(runs)}</li>")
        else:
            if open_list is not None:
                parts.append(f"</{open_list[0]}>")
                open_list = None
            elif not first_line:
                parts.append("<br>")
            parts.append("".join(runs))
        first_line = False
        block = block.next()
    if open_list is not None:
        parts.append(f"</{open_list[0]}>")
    return "".join(parts), formatted


def plain_to_fragment(text: str) -> str:
    """Plain text as an HTML fragment (for a note whose other fields are HTML)."""
    return html.escape(text, quote=False).replace("\n", "<br>")
