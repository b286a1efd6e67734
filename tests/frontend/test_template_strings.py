"""No template shows text that escaped translation, and every template string is translated.

Two checks complement tests/frontend/test_catalogues.py (which reads only what is already in
the catalogues):
- visible text in a template (text nodes and the attributes a screen reader or a tooltip
  shows) must come from {% translate %} / {% blocktranslate %}, never be typed bare;
- every msgid a template uses must be in the French and Dutch catalogues, translated and not
  fuzzy: a string added to a template without `make messages` shows in English there.
The scripts get their words from data-* attributes the templates fill, so checking the
templates covers them; a last check keeps bare English out of the scripts' own DOM writes.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

from tests.frontend.test_catalogues import LOCALE, read_po

ROOT = Path(__file__).resolve().parents[2]
IGNORED_DIRS = {".venv", "node_modules", "tests", "bench", "staticfiles"}
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*")
    if path.suffix in {".html", ".txt"} and not IGNORED_DIRS & set(path.relative_to(ROOT).parts)
)
SCRIPTS = sorted(
    path
    for path in ROOT.glob("*/static/**/*.js")
    if not IGNORED_DIRS & set(path.relative_to(ROOT).parts)
)
LANGUAGES = ("fr", "nl")

# Words that read the same in every language: the product's name and the first name on the
# landing page's sample card. Keep this list short; anything else goes through {% translate %}.
ALLOWED_WORDS = {"Backstage", "Sara"}
# Attributes whose value is read out or shown: they need translating like text.
VISIBLE_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
}
# Stands for a template tag or variable: never a word, so `{{ name }}!` is not text.
MARK = "\x00"
WORD = re.compile(r"[^\W\d_]{2,}")
TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}


def _bare_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.replace(MARK, " ")) if word not in ALLOWED_WORDS]


def _untranslated_source(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by MARK."""
    parts: list[str] = []
    closing = ""
    for token in Lexer(source).tokenize():
        command = token.split_contents()[0] if token.token_type == TokenType.BLOCK else ""
        if closing:
            if command == closing:
                closing = ""
            continue
        if command in TRANSLATED_BLOCKS or command in SKIPPED_BLOCKS:
            closing = TRANSLATED_BLOCKS.get(command) or SKIPPED_BLOCKS[command]
            parts.append(MARK)
        elif command == "block" and token.split_contents()[1].endswith("class"):
            # {% block body_class %} fills a class attribute: CSS names, not words.
            closing = "endblock"
            parts.append(MARK)
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        else:
            parts.append(MARK)
    return "".join(parts)


class _VisibleText(HTMLParser):
    """Collects text nodes and visible attribute values, leaving out scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in VISIBLE_ATTRIBUTES:
                self.found.append(value)
        described = values.get("name") == "description" and tag == "meta"
        is_button = tag == "input" and values.get("type") in {"submit", "button", "reset"}
        for name in ("content",) if described else ("value",) if is_button else ():
            if values.get(name):
                self.found.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.found.append(data)


def bare_strings(source: str, *, html: bool = True) -> list[str]:
    """Pieces of visible text in a template that no translation tag covers."""
    text = _untranslated_source(source)
    if html:
        parser = _VisibleText()
        parser.feed(text)
        parser.close()
        pieces = parser.found
    else:
        pieces = text.split("\n")
    return [" ".join(piece.replace(MARK, " ").split()) for piece in pieces if _bare_words(piece)]


# templatize() turns a template into Python-like source for xgettext; its gettext calls carry
# the msgids exactly as makemessages extracts them.
_LITERAL = r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_CALL = re.compile(rf"\b(gettext|pgettext|ngettext|npgettext|_)\(\s*((?:{_LITERAL}\s*,?\s*)+)")


def template_msgids(source: str, origin: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every string the template translates."""
    found: set[tuple[str | None, str]] = set()
    for function, arguments in _CALL.findall(templatize(source, origin=origin)):
        strings = [ast.literal_eval(text.lstrip("u")) for text in re.findall(_LITERAL, arguments)]
        context = strings.pop(0) if function.startswith(("pgettext", "npgettext")) else None
        found.add((context, strings[0]))
    return found


def _catalogue(language: str) -> dict[tuple[str | None, str], bool]:
    """(context, msgid) -> whether French/Dutch text is there and not fuzzy."""
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    return {
        (entry.fields.get("msgctxt"), entry.msgid): "fuzzy" not in entry.flags
        and bool(entry.translations)
        and "" not in entry.translations.values()
        for entry in entries
        if entry.msgid
    }


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_scan_finds_the_project_templates() -> None:
    names = {_name(path) for path in TEMPLATES}
    assert "frontend/templates/frontend/base.html" in names
    assert "rooms/templates/rooms/room.html" in names
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        '<button type="submit">{% translate "Send" %} now</button>',
        '<img src="a.png" alt="Portrait">',
        '<a href="/" aria-label="Close">&times;</a>',
        "{% load i18n %}<h1>{{ name }} is typing</h1>",
        '<input type="submit" value="Search">',
    ],
)
def test_a_bare_english_word_is_flagged(source: str) -> None:
    assert bare_strings(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Hello" %}</p>',
        "<p>{% blocktranslate trimmed with n=name %}Hi {{ n }}!{% endblocktranslate %}</p>",
        '<a href="/" aria-label="{% translate "Close" %}">&times;</a> <span>Backstage</span>',
        "{# A note for developers #}{% comment %}Not shown at all{% endcomment %}",
        '<body class="{% block body_class %}page page--home{% endblock %}">',
        '<script src="/static/x.js"></script><p>{{ count }} · {{ when|date:"j F" }}</p>',
        '<meta name="viewport" content="width=device-width"><a class="big button" href="#">→</a>',
    ],
)
def test_translated_or_invisible_text_is_not_flagged(source: str) -> None:
    assert bare_strings(source) == []


def test_a_plain_text_email_template_is_scanned_line_by_line() -> None:
    assert bare_strings("{% load i18n %}Hello {{ name }},\n", html=False) == ["Hello ,"]
    assert bare_strings('{% translate "Hello" %} {{ name }},\n', html=False) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_no_template_shows_untranslated_text(path: Path) -> None:
    found = bare_strings(path.read_text(encoding="utf-8"), html=path.suffix == ".html")
    assert not found, f"wrap in {{% translate %}}: {found}"


def test_template_msgids_reads_every_kind_of_tag() -> None:
    source = (
        '{% load i18n %}{% translate "Ask" context "room" %}{% translate "Send" %}'
        "{% blocktranslate count n=c %}one {{ n }}{% plural %}many {{ n }}{% endblocktranslate %}"
        '{{ when|date:_("D j M") }}'
    )
    assert template_msgids(source, "x.html") == {
        ("room", "Ask"),
        (None, "Send"),
        (None, "one %(n)s"),
        (None, "D j M"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_string_missing_from_the_catalogue_is_caught(language: str) -> None:
    catalogue = _catalogue(language)
    assert catalogue[(None, "Send")]
    assert (None, "A sentence nobody wrote yet") not in catalogue


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_string_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    problems = []
    for path in TEMPLATES:
        for key in sorted(template_msgids(path.read_text(encoding="utf-8"), _name(path)), key=str):
            if not catalogue.get(key):
                state = "untranslated or fuzzy" if key in catalogue else "missing"
                context = f" in context {key[0]!r}" if key[0] else ""
                problems.append(f"{_name(path)}: {key[1]!r}{context} ({state}; `make messages`)")
    assert not problems, "\n".join(problems)


# A DOM write with a quoted English literal: text the page's language never reaches.
_JS_TEXT = re.compile(
    r"(?:textContent|innerText|ariaLabel|title|placeholder|alt)\s*=\s*([\"'`])(.*?)\1"
    r"|setAttribute\(\s*[\"'](?:aria-label|title|placeholder|alt)[\"']\s*,\s*([\"'`])(.*?)\3"
)


def bare_script_strings(source: str) -> list[str]:
    found = []
    for match in _JS_TEXT.finditer(source):
        literal = re.sub(r"\$\{[^}]*\}", " ", match.group(2) or match.group(4) or "")
        if _bare_words(literal):
            found.append(literal.strip())
    return found


def test_a_bare_english_string_in_a_script_is_flagged() -> None:
    assert bare_script_strings('button.textContent = "Send";') == ["Send"]
    assert bare_script_strings("meta.textContent = `${label('Failed')}: ${error}`;") == []


@pytest.mark.parametrize("path", SCRIPTS, ids=_name)
def test_no_script_writes_untranslated_text(path: Path) -> None:
    assert not bare_script_strings(path.read_text(encoding="utf-8"))
