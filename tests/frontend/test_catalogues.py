"""The message catalogues are complete: every string translated, nothing fuzzy, all compiled."""

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


class Entry:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.flags: set[str] = set()
        self.obsolete = False

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {key: value for key, value in self.fields.items() if key.startswith("msgstr")}


def _unquote(text: str) -> str:
    # PO strings use C escapes, which Python's string literals share.
    value: str = ast.literal_eval(text)
    return value


def read_po(path: Path) -> list[Entry]:
    """A small .po reader: fields (msgctxt, msgid, msgid_plural, msgstr[n]) and flags."""
    entries: list[Entry] = []
    entry, key = Entry(), ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.fields:
                entries.append(entry)
            entry, key = Entry(), ""
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += _unquote(line)
        else:
            key, _space, value = line.partition(" ")
            entry.fields[key] = _unquote(value)
    return [entry for entry in entries if not entry.obsolete]


def test_there_is_a_catalogue_per_language() -> None:
    languages = {path.parent.parent.name for path in CATALOGUES}
    assert {"fr", "nl", "en"} <= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_message_is_translated_and_none_is_fuzzy(path: Path) -> None:
    entries = read_po(path)
    assert entries, f"{path} has no header"
    if path.name == "django.po":
        assert len(entries) > 100, "the catalogue lost its messages: run makemessages"
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid and (not entry.translations or "" in entry.translations.values()):
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_catalogue_is_compiled_and_up_to_date(path: Path) -> None:
    compiled = path.with_suffix(".mo")
    hint = "run: python manage.py compilemessages --ignore=.venv"
    assert compiled.exists(), f"{compiled} is missing: {hint}"
    with compiled.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for entry in read_po(path):
        if not entry.msgid:
            continue
        key = entry.msgid
        if "msgctxt" in entry.fields:
            key = f"{entry.fields['msgctxt']}\x04{key}"
        if "msgid_plural" in entry.fields:
            assert catalog.get((key, 0)) == entry.fields["msgstr[0]"], f"{key!r}: {hint}"
        else:
            assert catalog.get(key) == entry.fields["msgstr"], f"{key!r}: {hint}"
