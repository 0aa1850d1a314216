"""Every string marked for translation has its English (issue 10: English is the portal's
second language, and CI fails when a marked string has none)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
TOOLS = ("xgettext", "msgmerge", "msgattrib", "msgfmt")


def _require_gettext() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"gettext tools missing in CI: {', '.join(missing)} (apt-get install gettext)")
    pytest.skip(f"gettext not installed ({', '.join(missing)})")


def _untranslated(po: Path) -> list[str]:
    """The msgids without English: empty ones, and fuzzy ones, which msgmerge guesses from a
    similar old string and msgfmt leaves out of the .mo (the page would show the Chinese)."""
    msgids = []
    for only in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", only, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        msgids += [
            line[len('msgid "') : -1]
            for line in result.stdout.splitlines()
            if line.startswith('msgid "')
        ]
    return msgids


def test_every_marked_string_has_english() -> None:
    _require_gettext()
    # Extract afresh, so the committed catalogue is compared with the code as it is now, not
    # with what it was when someone last ran makemessages. makemessages always merges into the
    # project's own locale/ folder (it adds ./locale to the paths it writes to, whatever
    # LOCALE_PATHS says), so the committed file is read back and restored afterwards.
    committed = CATALOGUE.read_bytes()
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "en",
                "--no-obsolete",
                "--ignore=.venv",
                "--ignore=bench",
                "--ignore=tests",
                "--ignore=test-artifacts",
                "--ignore=staticfiles",
                "--ignore=media",
                "-v",
                "0",
            ],
            cwd=ROOT,
            check=True,
            timeout=300,
        )
        missing = [msgid for msgid in _untranslated(CATALOGUE) if msgid]
    finally:
        CATALOGUE.write_bytes(committed)
    assert not missing, f"{len(missing)} strings without English, e.g.: {missing[:10]}"


def test_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    _require_gettext()
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE)], check=True)
    assert compiled.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes(), (
        "locale/en/LC_MESSAGES/django.mo is stale: run manage.py compilemessages"
    )
