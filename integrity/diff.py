"""Two project texts side by side, word by word, with what differs marked (escaped HTML)."""

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def side_by_side(left: str, right: str) -> tuple[SafeString, SafeString]:
    """``(left, right)`` as HTML: words only in one text wrapped in ``<mark>`` (removed on the
    left, added on the right); line breaks kept; every word escaped."""
    a, b = _tokens(left), _tokens(right)
    out_a: list[str] = []
    out_b: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        words_a, words_b = _html(a[i1:i2]), _html(b[j1:j2])
        if tag == "equal":
            out_a.append(words_a)
            out_b.append(words_b)
            continue
        if words_a:
            out_a.append(f'<mark class="diff-del">{words_a}</mark>')
        if words_b:
            out_b.append(f'<mark class="diff-ins">{words_b}</mark>')
    return mark_safe(" ".join(out_a)), mark_safe(" ".join(out_b))


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for number, line in enumerate((text or "").splitlines()):
        if number:
            tokens.append("\n")
        tokens.extend(line.split())
    return tokens


def _html(words: list[str]) -> str:
    return " ".join("<br>" if word == "\n" else escape(word) for word in words)
