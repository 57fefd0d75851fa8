"""Hypothesis strategies for identifiers written the ways people type them, and what must not survive redaction."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st

from knowledge.identifiers import has_valid_check_digit

SPACES = [" ", "", "-", ".", " - ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u2013", "  "]
WORDS = ["please", "help", "with", "client", "letter", "sent", "to", "the", "wrong", "address", "about", "record",
         "can", "I", "share", "this", "for", "my", "manager", "is", "it", "ok"]
POSTCODES = ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX", "LS1 4AP", "EH1 1YZ"]


@dataclass(frozen=True)
class Written:
    """An identifier as typed, and the core that must not be found in anything stored (digits, or letters too)."""

    typed: str
    core: str
    digits_only: bool = True


def digits_of(text: str) -> str:
    return "".join(str(unicodedata.digit(character)) for character in text if character.isdecimal())


def squashed(text: str) -> str:
    return "".join(character for character in text.upper() if character.isalnum())


@st.composite
def nhs_numbers(draw: st.DrawFn) -> Written:
    # At least four different digits: "000 000 0000" is a valid number, but also a run of zeros found in any hash.
    digits = draw(st.text("0123456789", min_size=10, max_size=10)
                  .filter(lambda digits: has_valid_check_digit(digits) and len(set(digits)) >= 4))
    gap = draw(st.sampled_from(SPACES))
    second_gap = draw(st.sampled_from([gap, gap, *SPACES]))
    groups = [digits[:3], digits[3:6], digits[6:]]
    if draw(st.booleans()) and gap.strip() in ("", "-", "\u2013"):
        groups[0] = f"({groups[0]})"
    number = f"{groups[0]}{gap}{groups[1]}{second_gap}{groups[2]}"
    if draw(st.booleans()):
        number = number.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}) if draw(st.booleans()) \
            else number
    prefix = draw(st.sampled_from(["", "NHS", "NHS:", "nhs no. ", "NHS number ", "(", "[", "#", "no."]))
    suffix = {"(": ")", "[": "]"}.get(prefix, draw(st.sampled_from(["", ".", ",", ")", "?"])))
    return Written(typed=f"{prefix}{number}{suffix}", core=digits)


@st.composite
def phone_numbers(draw: st.DrawFn) -> Written:
    last = draw(st.text("0123456789", min_size=3, max_size=3))
    gap = draw(st.sampled_from(SPACES))
    style = draw(st.sampled_from(["07700{g}900{l}", "07700{g}900{g}{l}", "+44{g}7700{g}900{l}", "(07700){g}900{l}",
                                  "+44 (0) 7700{g}900{l}", "tel07700{g}900{l}", "01632{g}960{l}"]))
    typed = style.format(g=gap, l=last)
    return Written(typed=typed, core=("1632960" if "1632" in style else "7700900") + last)


@st.composite
def ni_numbers(draw: st.DrawFn) -> Written:
    first = draw(st.sampled_from("ABCEGHJKLMNOPRSTWXYZ"))
    second = draw(st.sampled_from("ABCEGHJKLMNPRSTWXYZ"))
    if first + second in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
        first, second = "A", "B"
    digits = draw(st.text("0123456789", min_size=6, max_size=6))
    suffix = draw(st.sampled_from("ABCD"))
    gap = draw(st.sampled_from([" ", "", ".", "-", "\u00a0"]))
    typed = gap.join([first + second, digits[:2], digits[2:4], digits[4:], suffix])
    if draw(st.booleans()):
        typed = typed.lower()
    return Written(typed=typed, core=first + second + digits + suffix, digits_only=False)


@st.composite
def postcodes(draw: st.DrawFn) -> Written:
    postcode = draw(st.sampled_from(POSTCODES))
    outward, inward = postcode.split()
    gap = draw(st.sampled_from([" ", "", "\u00a0", "\u202f", "  "]))
    typed = outward + gap + inward
    if draw(st.booleans()):
        typed = typed.lower()
    return Written(typed=typed, core=outward + inward, digits_only=False)


identifiers = st.one_of(nhs_numbers(), phone_numbers(), ni_numbers(), postcodes())


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, Written]:
    """Free text (no digits of its own) with one identifier somewhere in it."""
    written = draw(identifiers)
    before = draw(st.lists(st.sampled_from(WORDS), max_size=6))
    after = draw(st.lists(st.sampled_from(WORDS), max_size=6))
    space = draw(st.sampled_from([" ", "\u00a0", "\n"]))
    return space.join([*before, written.typed, *after]), written


def survives(written: Written, stored: str) -> bool:
    """Whether the identifier can still be read in `stored`."""
    if written.digits_only:
        return written.core in digits_of(stored)
    return written.core in squashed(stored)
