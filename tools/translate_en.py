"""Fill the English catalogue (locale/en/LC_MESSAGES/django.po) by hand, in batches.

The translations live in the .po itself: `makemessages` keeps every msgstr already written and
adds the new msgids empty, so only the new ones ever need English. Workflow (see
locale/en/README.md for the terminology to keep):

    .venv/bin/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=bench \
        --ignore=tests --ignore=test-artifacts --ignore=staticfiles --ignore=media
    .venv/bin/python tools/translate_en.py missing > /tmp/missing.txt   # numbered list
    # write /tmp/batch.json: {"<number or the msgid itself>": "English", ...};
    # a plural entry takes ["singular", "plural"]
    .venv/bin/python tools/translate_en.py apply /tmp/batch.json
    .venv/bin/python manage.py compilemessages -l en

`apply` refuses a translation whose placeholders (%(name)s, %s, %d, {name}, {{ var }}) differ
from its msgid's, copies the msgid's leading and trailing whitespace onto the English, and
clears the fuzzy flag. Needs polib (`.venv/bin/pip install polib==1.2.0`); the test and CI do
not, they use Debian's gettext tools.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The numbered list of the last `missing`, so a batch may say "17" instead of the msgid.
SNAPSHOT = Path(tempfile.gettempdir()) / "portal-en-missing.json"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[a-z_0-9]*\}", re.IGNORECASE)


def _missing(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _shape(msgid: str, english: str) -> str:
    """The English with the msgid's own leading and trailing whitespace (newlines matter in
    blocktranslate blocks and mail bodies); a side where the msgid has none is left as written
    (a separator such as ", " keeps its space)."""
    lead = msgid[: len(msgid) - len(msgid.lstrip())]
    trail = msgid[len(msgid.rstrip()) :]
    if lead:
        english = lead + english.lstrip()
    if trail:
        english = english.rstrip() + trail
    return english


def missing(po: polib.POFile) -> None:
    entries = _missing(po)
    SNAPSHOT.write_text(json.dumps([entry.msgid for entry in entries], ensure_ascii=False))
    for number, entry in enumerate(entries):
        plural = " [PLURAL]" if entry.msgid_plural else ""
        print(f"{number}{plural}\t{json.dumps(entry.msgid, ensure_ascii=False)}")
    print(f"# {len(entries)} untranslated; numbers refer to {SNAPSHOT}", file=sys.stderr)


def apply(po: polib.POFile, batch_path: Path) -> int:
    batch = json.loads(batch_path.read_text())
    numbered = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else []
    by_msgid = {entry.msgid: entry for entry in po if not entry.obsolete}
    errors = 0
    for key, english in batch.items():
        msgid = numbered[int(key)] if key.isdigit() else key
        entry = by_msgid.get(msgid)
        if entry is None:
            print(f"not in catalogue: {msgid!r}", file=sys.stderr)
            errors += 1
            continue
        forms = english if isinstance(english, list) else [english]
        if entry.msgid_plural and len(forms) == 1:
            forms = forms * 2
        bad = [form for form in forms if _placeholders(form) != _placeholders(msgid)]
        if bad:
            print(f"placeholders differ: {msgid!r} -> {bad[0]!r}", file=sys.stderr)
            errors += 1
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                0: _shape(msgid, forms[0]),
                1: _shape(entry.msgid_plural, forms[1]),
            }
        else:
            entry.msgstr = _shape(msgid, forms[0])
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.metadata["Language"] = "en"
    po.metadata["Language-Team"] = "English"
    po.metadata["Project-Id-Version"] = "disclosure-portal"
    po.metadata["Last-Translator"] = "Portal maintainers"
    po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    po.header = "English catalogue of the disclosure portal; terminology: locale/en/README.md."
    # A fuzzy header is left out by msgfmt, and with it the charset and the plural rule.
    po.metadata_is_fuzzy = False
    po.save()
    # Rewrap the way msgmerge does, so that the next makemessages changes nothing but new msgids.
    msgcat = shutil.which("msgcat")
    if msgcat:
        subprocess.run([msgcat, "-o", str(CATALOGUE), str(CATALOGUE)], check=True)  # noqa: S603
    left = len(_missing(po))
    print(
        f"applied {len(batch) - errors}, errors {errors}, still untranslated {left}",
        file=sys.stderr,
    )
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    po = polib.pofile(str(CATALOGUE), wrapwidth=79)
    if argv[:1] == ["missing"]:
        missing(po)
        return 0
    if argv[:1] == ["apply"] and len(argv) == 2:
        return apply(po, Path(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
