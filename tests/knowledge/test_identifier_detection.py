"""Personal identifiers in what staff type are found and redacted; look-alikes are left alone.

Every value here is invented: NHS and CHI numbers that pass the check digit but belong to no
one, and phone numbers from Ofcom's ranges reserved for drama (07700 900xxx, 01632 960xxx).
"""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.identifiers import IdentifierKind, find_identifiers, has_valid_check_digit, redact

TODAY = date(2026, 11, 22)

NHS = IdentifierKind.NHS_NUMBER
CHI = IdentifierKind.CHI_NUMBER
NI = IdentifierKind.NATIONAL_INSURANCE_NUMBER
POSTCODE = IdentifierKind.POSTCODE
PHONE = IdentifierKind.PHONE_NUMBER
EMAIL = IdentifierKind.EMAIL_ADDRESS
DOB = IdentifierKind.DATE_OF_BIRTH


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("his NHS number is 943 476 5919", NHS, "943 476 5919"),
        ("nhs no 9434765919 thanks", NHS, "9434765919"),
        ("943-476-5919 on the referral", NHS, "943-476-5919"),
        ("NHS: 401 023 8712.", NHS, "401 023 8712"),
        ("(450 557 7104)", NHS, "450 557 7104"),
        ("CHI 0101011237 from the Glasgow team", CHI, "0101011237"),
        ("chi no. 120387 4561", CHI, "120387 4561"),
        ("NI number JG 10 37 59 A", NI, "JG 10 37 59 A"),
        ("ni jg103759a", NI, "jg103759a"),
        ("National Insurance: OA123456B", NI, "OA123456B"),
        ("lives at SW1A 1AA now", POSTCODE, "SW1A 1AA"),
        ("postcode m1 1ae", POSTCODE, "m1 1ae"),
        ("moved to EC1A1BB", POSTCODE, "EC1A1BB"),
        ("mobile 07700 900123", PHONE, "07700 900123"),
        ("call 07700900456", PHONE, "07700900456"),
        ("on +44 7700 900789", PHONE, "+44 7700 900789"),
        ("+447700900321 is her number", PHONE, "+447700900321"),
        ("landline 01632 960123", PHONE, "01632 960123"),
        ("ring (01632) 960456 after 2", PHONE, "(01632) 960456"),
        ("+44 (0)1632 960789", PHONE, "+44 (0)1632 960789"),
        ("London office 020 7946 0123", PHONE, "020 7946 0123"),
        ("0161 496 0123 is the service", PHONE, "0161 496 0123"),
        ("email jo.bloggs@example.org today", EMAIL, "jo.bloggs@example.org"),
        ("write to sam_oneill+ig@mail.example.co.uk", EMAIL, "sam_oneill+ig@mail.example.co.uk"),
        ("DOB 12/03/1987", DOB, "12/03/1987"),
        ("d.o.b. 12-03-87", DOB, "12-03-87"),
        ("date of birth: 1.4.1990", DOB, "1.4.1990"),
        ("she was born on 12 March 1987", DOB, "12 March 1987"),
        ("born 3rd of March", DOB, "3rd of March"),
        ("birthday is June 5th", DOB, "June 5th"),
        ("12 March 1987 is on the form", DOB, "12 March 1987"),
        ("on file: 12/03/1987", DOB, "12/03/1987"),
        ("DOB 1987-03-12", DOB, "1987-03-12"),
    ],
)
def test_an_identifier_in_free_text_is_found(text: str, kind: IdentifierKind, found: str) -> None:
    findings = find_identifiers(text, today=TODAY)

    assert [(finding.kind, finding.text) for finding in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5918 fails the check digit",
        "9434765918",
        "943 476 591 is only nine digits",
        "1234567890",
        "report it within 72 hours",
        "see DQ402 and DQ199.1",
        "the meeting is at 14:30",
        "the DSPT is due by 30 June",
        "on 12/03/2026 I sent an email to the wrong person",
        "records are updated within 48 hours",
        "policy version 1.2.1",
        "the 8th principle",
        "we have 95% trained",
        "ring me at 2pm",
        "BG 12 34 56 A is not allocated",
        "QQ 12 34 56 C has a prefix never used",
        "AO 12 34 56 C has O second",
        "AB 12 34 56 E has no valid suffix",
        "07700 9001234 is one digit too long",
        "room 101, floor 2",
        "the data protection act 2018",
        "the first of March",
        "£1,250.00 of equipment",
    ],
)
def test_a_look_alike_is_not_flagged(text: str) -> None:
    assert find_identifiers(text, today=TODAY) == []


def test_every_identifier_in_a_message_is_redacted_with_its_label() -> None:
    message = (
        "Client DOB 12/03/1987, NHS 943 476 5919, lives at M1 1AE, "
        "mobile 07700 900123, email sam@example.org, NI JG103759A"
    )

    assert redact(message, today=TODAY) == (
        "Client DOB [date of birth], NHS [NHS number], lives at [postcode], "
        "mobile [phone number], email [email address], NI [National Insurance number]"
    )


def test_text_without_identifiers_is_returned_unchanged() -> None:
    text = "Can I email a care plan to a GP? It's been 72 hours since DQ402 training at 14:30."

    assert redact(text, today=TODAY) == text


def test_findings_come_in_order_and_do_not_overlap() -> None:
    findings = find_identifiers("07700 900123 then 943 476 5919", today=TODAY)

    assert [finding.kind for finding in findings] == [PHONE, NHS]
    assert findings[0].end <= findings[1].start


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("4010238712", True),
        ("0101011237", True),
        ("9434765910", False),
        ("943476591", False),
        ("94347659190", False),
        ("943476591X", False),
    ],
)
def test_the_modulus_11_check_digit(digits: str, valid: bool) -> None:
    assert has_valid_check_digit(digits) is valid


def test_a_number_whose_check_digit_would_be_ten_is_never_valid() -> None:
    prefixes = (f"{n:09d}" for n in range(100))
    ten = next(p for p in prefixes if (11 - sum(int(d) * w for d, w in zip(p, range(10, 1, -1))) % 11) == 10)

    assert not any(has_valid_check_digit(ten + str(last)) for last in range(10))
