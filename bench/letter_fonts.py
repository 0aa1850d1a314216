"""Which Debian Chinese fonts can set an answer letter: GB 2312 coverage of each candidate.

GB/T 9704-2012 sets official documents in Song/Fangsong faces; the PDF letter embeds a
TrueType font (reportlab cannot embed the CFF outlines of Noto CJK). Run:

    .venv/bin/python bench/letter_fonts.py

Results are recorded in bench/letters.md.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFontFile

CANDIDATES = [
    ("fonts-arphic-gbsn00lp", "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("fonts-arphic-uming (CN)", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("fonts-arphic-ukai (CN)", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
]


def gb2312() -> list[str]:
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def main() -> None:
    chars = gb2312()
    hanzi = [c for c in chars if "\u4e00" <= c <= "\u9fff"]
    print(f"GB 2312: {len(chars)} characters, {len(hanzi)} hanzi")
    print("| package | face | size | missing characters | missing hanzi |")
    print("| --- | --- | --- | --- | --- |")
    for package, path, index in CANDIDATES:
        if not Path(path).exists():
            print(f"| {package} | not installed | | | |")
            continue
        font = TTFontFile(path, subfontIndex=index)
        missing = [c for c in chars if ord(c) not in font.charToGlyph]
        missing_hanzi = [c for c in hanzi if ord(c) not in font.charToGlyph]
        size = Path(path).stat().st_size / 1e6
        shown = "".join(missing) or "none"
        name = font.name.decode()
        print(f"| {package} | {name} | {size:.1f} MB | {shown} | {len(missing_hanzi)} |")


if __name__ == "__main__":
    main()
