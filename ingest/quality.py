"""Is a page's text layer real text? And can a shifted-font text layer be undone?

Some born-digital ICE forms embed fonts whose text layer comes out shifted by a constant
(`1DPH` for `Name`, `&DSWDLQ)HOL[6DHQ]` for `Captain Felix Saenz`). We measure the share of
word-shaped tokens that are English words; when shifting every character of a line by one
constant turns it into words, the shift is proven and we undo it.
"""
from __future__ import annotations

import re
from functools import lru_cache

TOKEN = re.compile(r"[^\s]+")
# words, with run-together ones ("CaptainFelixSaenz") split at capitals
WORD = re.compile(r"[A-Z]{3,}(?![a-z])|[A-Z]?[a-z]{2,}")
SHIFTS = [k for k in range(-40, 41) if k not in (0, 32, -32)]   # +-32 only flips letter case
ODD = re.compile(r"[\\`{}~^|<>\[\]=+*%\x00-\x1f]")   # characters that real words rarely sit among
LATIN = re.compile("[A-Za-z]")
LETTER = re.compile(r"[^\W\d_]")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    from wordfreq import top_n_list
    return frozenset(top_n_list("en", 80_000))


def word_ratio(text: str) -> tuple[float, int]:
    """(share of alphabetic tokens that are known English words, number of such tokens)."""
    vocab = vocabulary()
    words = WORD.findall(text)
    if not words:
        return 0.0, 0
    known = sum(w.lower() in vocab for w in words)
    return known / len(words), len(words)


def quality(text: str) -> float | None:
    """0..1; None when the text has too few words to judge."""
    ratio, n = word_ratio(text)
    return round(ratio, 3) if n >= 5 else None


def letter_coverage(text: str) -> float:
    """Share of all letters in `text` that sit in known English words."""
    vocab = vocabulary()
    letters = len(LETTER.findall(text))
    known = sum(len(w) for w in WORD.findall(text) if w.lower() in vocab)
    return known / letters if letters else 0.0


@lru_cache(maxsize=128)
def _shift_table(k: int) -> dict[int, int]:
    # The shifted fonts move control characters too (\x03 is a shifted space); real spaces,
    # tabs and line ends stay as they are.
    return {c: c + k for c in range(1, 127) if c not in (9, 10, 13, 32) and 32 <= c + k < 127}


def shift_text(text: str, k: int) -> str:
    return text.translate(_shift_table(k))


def _garbled_tokens(line: str) -> list[str]:
    return [t for t in TOKEN.findall(line) if len(t) >= 3 and _garbled(t)]


@lru_cache(maxsize=1 << 16)
def _garbled(token: str) -> bool:
    """A token with letters, most of them outside known words (tokens repeat: cached)."""
    return bool(LATIN.search(token)) and letter_coverage(token) < 0.5


def _wordish(token: str) -> bool:
    """Mostly letters (or control characters, a shifted font's spaces): not `287.5(c)(6)`."""
    n = sum(c.isalpha() or ord(c) < 32 for c in token)
    return n >= 4 and n >= 0.6 * len(token)


def _becomes_word(token: str) -> bool:
    if ODD.search(token):
        return False
    known = sum(len(w) for w in WORD.findall(token) if len(w) >= 3 and w.lower() in vocabulary())
    letters = sum(c.isalpha() for c in token)
    return known >= 4 and known >= 0.7 * letters


def best_shift(text: str) -> int | None:
    """The constant that turns the garbled tokens of `text` into words, if one clearly does.

    Each shift gets a vote for every unknown token it turns into a known word; the winner
    must convert at least 3 tokens and at least twice as many as any other shift.
    """
    tokens = [t for line in text.splitlines() for t in _garbled_tokens(line) if _wordish(t)]
    if len(tokens) < 3:
        return None
    # the most garbled first: control characters are a shifted font's signature
    tokens.sort(key=lambda t: (-sum(ord(c) < 32 for c in t), letter_coverage(t)))
    tokens = tokens[:300]
    votes = sorted(((sum(_becomes_word(shift_text(t, k)) for t in tokens), k) for k in SHIFTS), reverse=True)
    (best, k), (second, _) = votes[0], votes[1]
    return k if best >= 3 and best >= 2 * second else None


def unshift(text: str, k: int | None = None) -> tuple[str, int]:
    """Undo a constant font shift line by line, where it turns a line into words.

    `k` is the shift if already known (say, from the rest of the document). Returns the
    text and how many lines were repaired. Lines that already read as words
    (the filled-in values on the same form) are left alone.
    """
    k = best_shift(text) if k is None else k
    if k is None:
        return text, 0
    lines, repaired = [], 0
    for line in text.split("\n"):
        shifted = shift_text(line, k)
        before, after = letter_coverage(line), letter_coverage(shifted)
        # "BBBB" runs are the shifted blanks of a form ("____")
        blanks_only = re.fullmatch(r"[\sB]+", line or " ") and "BBB" in line
        is_email = EMAIL.fullmatch(shifted.strip()) and not EMAIL.fullmatch(line.strip())
        if (after >= 0.5 and after > before + 0.3) or blanks_only or is_email:
            lines.append(shifted)
            repaired += 1
        else:
            lines.append(line)
    return "\n".join(lines), repaired
