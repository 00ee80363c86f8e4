"""What a visitor reads on a page, and which of it is still Vietnamese.

A page in English may still show Vietnamese *data* (agency, sector and procedure names, what the citizen typed); the
interface around it must be English. The checks take the page's visible text (text nodes, plus the attributes a
screen reader or a tooltip reads out), leave out whatever is marked ``lang="vi"`` (the language switcher names
Vietnamese in Vietnamese, on purpose), remove the data the test knows about, and look for Vietnamese letters in what
is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Letters that occur in Vietnamese and never in English text.
VIETNAMESE_LETTERS = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE)
# Proper names the English interface keeps as they are: official document numbers (30/2019/QĐ-UBND, 61/2018/NĐ-CP),
# the provinces whose regulations are cited, and Tết.
LEGAL_REFERENCE = re.compile(r"\b\d+/\d{4}/[A-ZĐ]+(?:-[A-ZĐ]+)*")
PROPER_NAMES = ("Bình Định", "Tết")
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden: script/style or lang="vi")

    @property
    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        hidden = tag in ("script", "style", "template") or (attributes.get("lang") or "").startswith("vi")
        if tag == "html":
            hidden = False  # the document's own language is asserted separately
        if not self._hidden and not hidden:
            self.texts.extend(attributes[name] for name in READ_ATTRIBUTES if attributes.get(name))
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag not in VOID_ELEMENTS:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag (tolerates the optional end tags of HTML, e.g. </p>, </li>).
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


def vietnamese_left(html: str, *, data: Iterable[str] = ()) -> list[str]:
    """The visible texts that still contain Vietnamese once the known ``data`` strings are taken out."""
    known = sorted({" ".join(item.split()) for item in data if item and item.strip()}, key=len, reverse=True)
    known += PROPER_NAMES
    left = []
    for text in visible_texts(html):
        rest = text
        for item in known:
            rest = rest.replace(item, " ")
        rest = LEGAL_REFERENCE.sub(" ", rest)
        if VIETNAMESE_LETTERS.search(rest):
            left.append(text)
    return list(dict.fromkeys(left))
