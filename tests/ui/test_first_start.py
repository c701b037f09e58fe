"""First start with an empty data directory: the app ingests seeds/ with a progress bar."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from ui_helpers import APP, TIMEOUT, ok, texts, unescape

NOTE = """# Tiny seed
### What is a Siamese Network?
Two encoders with shared weights that embed a pair of inputs for comparison.
"""


def test_empty_home_ingests_seeds_with_a_progress_bar(studygraph_home, tmp_path, monkeypatch):
    # A small seeds/ in the working directory keeps this fast; the app reads seeds/ from there.
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "tiny.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert not studygraph_home.exists()

    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    [bar] = at.get("progress")
    assert bar.proto.value == 100 and "Done" in bar.proto.text
    assert any("Indexed 1 notes" in unescape(s) for s in texts(at.success))
    assert (studygraph_home / "notes").is_dir()  # the notes folder is created for the user

    at.chat_input[0].set_value("What is a Siamese Network?")
    ok(at.run())
    assert "seeds/tiny.md:" in unescape(at.expander[0].caption[0].value)
    assert not at.get("progress")  # later runs go straight to the page
