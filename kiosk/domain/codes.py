"""Booking codes: 6 characters to read and type, and the same code as 9 digits for a numeric keypad.

Codes are drawn with `secrets` from `ALPHABET`. The alphabet leaves out every character that looks
like another in print or in handwriting, in both members of each pair, so nobody has to guess which
one was meant: 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G. What is left is 17 letters and 5 digits, 22**6
(113 million) codes. Typed codes are read case-blind, without spaces or dashes, and Cyrillic letters
that look like a Latin one (А, С, Е, Н, К, М, Р, Т, Х, У on a Ukrainian or Russian keyboard) are read
as that letter.

The number code is the same code written as a number (the code's characters are the digits of a
number in base 22): 9 digits, '000 000 000' to '113 379 903'. A blind visitor types it on the kiosk's
numeric keypad in 9 presses, where the letters would take dozens; any form of the code is taken
wherever a code is (the kiosk, the API, the CLI)."""

from __future__ import annotations

import secrets

ALPHABET = "ACEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 6
NUMBER_LENGTH = 9  # len(str(len(ALPHABET) ** CODE_LENGTH - 1))
# Cyrillic capitals that look like a Latin letter of the alphabet (typed on a uk/ru keyboard).
_CYRILLIC = str.maketrans("АСЕНКМРТХУ", "ACEHKMPTXY")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def parse_code(text: str) -> str | None:
    """A typed or scanned booking code in its stored form ('kmt 74x' -> 'KMT74X'; its number code
    '032 688 803' too), or None."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_CYRILLIC)
    if len(cleaned) == NUMBER_LENGTH and cleaned.isascii() and cleaned.isdigit():
        return code_of_number(cleaned)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def code_character(text: str) -> str | None:
    """One typed or scanned character of a booking code in its stored form ('k', 'К' -> 'K'), or
    None when no code has it (a look-alike left out of `ALPHABET`, a space, a dash)."""
    found = text.upper().translate(_CYRILLIC)
    return found if len(found) == 1 and found in ALPHABET else None


def number_code(code: str) -> str:
    """'KMT74X' -> its 9 digits, grouped in threes to read out: '032 688 803'."""
    value = 0
    for character in code:
        value = value * len(ALPHABET) + ALPHABET.index(character)
    digits = f"{value:0{NUMBER_LENGTH}d}"
    return " ".join(digits[i : i + 3] for i in range(0, NUMBER_LENGTH, 3))


def code_of_number(digits: str) -> str | None:
    """The code whose number code is `digits` (9 digits), or None past the last code."""
    value = int(digits)
    if value >= len(ALPHABET) ** CODE_LENGTH:
        return None
    characters = []
    for _ in range(CODE_LENGTH):
        value, index = divmod(value, len(ALPHABET))
        characters.append(ALPHABET[index])
    return "".join(reversed(characters))
