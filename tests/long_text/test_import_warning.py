"""The import warns, in one line, about fields that hold an unbroken run of over 10,000 characters."""

from __future__ import annotations

from pathlib import Path

from studyapp.core.drafts import ImportDraft, NoteDraft
from studyapp.core.notetypes.model import stock_type
from studyapp.services.app import App
from studyapp.services.importing.importing import store_draft
from studyapp.services.importing.long_runs import long_run_warning

from .hostile import BASE64, DNA, URL


def test_a_text_file_with_long_runs_is_imported_whole_with_one_warning(app: App, tmp_path: Path) -> None:
    rows = ["Capital of France?\tParis", f"A sequence?\t{DNA}", "A word?\tword", f"The page?\t{URL}", f"{BASE64}\tdata"]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary = app.import_file(path)
    lines = [line for line in summary.warnings if "unbroken run" in line]
    assert lines == [
        "3 fields hold an unbroken run of over 10,000 characters (base64, a long address?), e.g. line 2 'Back': "
        "imported as it is; cards show such text cut, with Show all"
    ]
    assert summary.new == 5  # imported as they are
    stored = {row[0] for row in app.collection.db.execute("SELECT back FROM notes")}
    assert DNA in stored and URL in stored


def test_long_prose_is_not_warned_about_and_a_field_is_named_by_its_note_type(app: App) -> None:
    prose = "word " * 5_000  # 25,000 characters, but no run over five
    basic = stock_type("basic", 1)
    draft = ImportDraft(
        name="Long",
        notes=(
            NoteDraft(guid="a", front="Q", back=prose),
            NoteDraft(guid="b", front="Q2", back="A", fields=("Q2", DNA[:20_000]), notetype=basic.name),
            NoteDraft(guid="c", front="Q3", back="A", fields=("Q3", "A", DNA[:20_000]), notetype="Unknown"),
        ),
        notetypes=(basic,),
    )
    assert "2 fields hold" in str(long_run_warning(draft)) and "note 2 'Back'" in str(long_run_warning(draft))
    assert "note 1 'field 3'" in str(long_run_warning(ImportDraft(name="Long", notes=draft.notes[2:])))
    assert long_run_warning(ImportDraft(name="Long", notes=draft.notes[:1])) is None
    summary = store_draft(app.collection, ImportDraft(name="Long", notes=draft.notes[:1]), app.rng, app.clock.now())
    assert not [line for line in summary.warnings if "unbroken" in line]
