"""The note editor: front and back as small rich-text fields, and a tags line.

Used by the Add dialog, the edit dialog (E while reviewing) and the browser. Formatting is basic on
purpose: bold, italic, underline, bulleted and numbered lists and links. The output is plain text when
nothing is formatted (so most notes stay plain), else a small HTML fragment built by walking the
document (b/i/u/a/ul/ol/li/br), never Qt's full HTML document with its styles. A field the user did not
touch gives back exactly the text it was given, so editing the back never rewrites an imported front.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import QFont, QKeyEvent, QTextCharFormat, QTextListFormat
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studyapp.core.sanitize import clean_html
from studyapp.services.notes.notes import NoteText
from studyapp.ui.review.card_view import MediaOnlyDocument

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
    """One field: Ctrl+B/I/U toggle formatting, Ctrl+K asks for a link, Ctrl+Shift+8/7 make lists."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Images of a note load from nowhere in the editor (they stay in the text, untouched).
        self.setDocument(MediaOnlyDocument(lambda _type, _name: None, self))
        self.setTabChangesFocus(True)
        self.setAcceptRichText(True)
        self.ask_link: Callable[[QWidget, str], str | None] = ask_for_link  # tests replace it
        self._original: tuple[str, bool] = ("", False)

    # -- content -----------------------------------------------------------------------------------

    def set_text(self, text: str, is_html: bool) -> None:
        """Show a field: HTML (sanitized) with its formatting, plain text as text."""
        self._original = (text, is_html)
        if is_html:
            self.setHtml(clean_html(text))
        else:
            self.setPlainText(text)
        self.document().setModified(False)

    def text(self) -> tuple[str, bool]:
        """The field as (text, is_html): the given text if untouched, else plain text or an HTML fragment."""
        if not self.document().isModified():
            return self._original
        fragment, formatted = document_fragment(self)
        return (fragment, True) if formatted else (self.toPlainText(), False)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted HTML keeps only what the walker understands; its images would be unreachable: text only."""
        if source.hasImage() and not source.hasText():
            return
        super().insertFromMimeData(source)

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


def _format_button(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus and the selection
    button.setAutoRaise(True)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class NoteEditor(QWidget):
    """Front, back and tags of one note; ``note_text()`` is what the notes service stores."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoteEditor")
        self.front = RichField()
        self.front.setObjectName("FrontField")
        self.front.setPlaceholderText("Question, or a sentence with {{c1::a cloze}}")
        self.back = RichField()
        self.back.setObjectName("BackField")
        self.back.setPlaceholderText("Answer")
        self.tags = QLineEdit()
        self.tags.setObjectName("TagsField")
        self.tags.setPlaceholderText("tags, separated by spaces")
        self._active: RichField = self.front
        for field in (self.front, self.back):
            field.setMinimumHeight(84)
            field.textChanged.connect(self.changed)
            field.cursorPositionChanged.connect(lambda f=field: self._remember(f))
        self.tags.textEdited.connect(lambda _text: self.changed.emit())

        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.setSpacing(2)
        bold = _format_button("B", "Bold (Ctrl+B)", lambda: self._active.toggle_bold())
        bold.setStyleSheet("font-weight: bold;")
        italic = _format_button("I", "Italic (Ctrl+I)", lambda: self._active.toggle_italic())
        italic.setStyleSheet("font-style: italic;")
        underline = _format_button("U", "Underline (Ctrl+U)", lambda: self._active.toggle_underline())
        underline.setStyleSheet("text-decoration: underline;")
        bullets = _format_button(
            "• List", "Bulleted list (Ctrl+Shift+8)", lambda: self._active.toggle_list(QTextListFormat.Style.ListDisc)
        )
        numbers = _format_button(
            "1. List",
            "Numbered list (Ctrl+Shift+7)",
            lambda: self._active.toggle_list(QTextListFormat.Style.ListDecimal),
        )
        link = _format_button("Link", "Link (Ctrl+K)", lambda: self._active.add_link())
        for button in (bold, italic, underline, bullets, numbers, link):
            toolbar.addWidget(button)
        toolbar.addStretch(1)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(8)
        form.addRow(QLabel("Front"), self.front)
        form.addRow(QLabel("Back"), self.back)
        form.addRow(QLabel("Tags"), self.tags)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(toolbar)
        layout.addLayout(form)
        self.setFocusProxy(self.front)

    def _remember(self, field: RichField) -> None:
        self._active = field

    def set_note(self, front: str, back: str, tags: tuple[str, ...], html: bool) -> None:
        self.front.set_text(front, html)
        self.back.set_text(back, html)
        self.tags.setText(" ".join(tags))

    def note_tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.tags.text().replace(",", " ").split()))

    def note_text(self) -> NoteText:
        """Both fields in one form: if either is HTML, both are (plain text escaped into HTML)."""
        front, front_html = self.front.text()
        back, back_html = self.back.text()
        is_html = front_html or back_html
        if is_html and not front_html:
            front = _plain_to_fragment(front)
        if is_html and not back_html:
            back = _plain_to_fragment(back)
        return NoteText(front, back, self.note_tags(), is_html, False)

    def clear_fields(self) -> None:
        """Empty front and back for the next note (tags stay: the next card usually shares them)."""
        self.front.set_text("", False)
        self.back.set_text("", False)
        self.front.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_link_asker(self, asker: Callable[[QWidget, str], str | None]) -> None:
        self.front.ask_link = asker
        self.back.ask_link = asker


def _plain_to_fragment(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")
