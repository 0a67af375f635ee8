"""Personal data in cell values: phone numbers, e-mails, ID numbers, addresses, coordinates.

Pattern rules, written for the coalitions' countries (Bangladesh, India, Kenya, Malawi,
Nepal, Nigeria, Palestine, Vietnam) and their scripts: `\\d` matches Devanagari and
Bengali digits too, and every number is normalised to ASCII digits before it is judged.
Names are found by cdx/protect/person_names.py, only where the schema asks for it.

A column is scanned as one string (cells joined by NUL), so the regular expressions run
in C over the whole column instead of once per cell in Python; each match is mapped back
to its row. Dates and times are blanked first: they are the commonest long digit runs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cdx.protect.person_names import find_names, may_name_someone

DETECTOR = "cdx-patterns"
DETECTOR_VERSION = "1.0"
DIGIT = re.compile(r"\d")
CELL = "\x00"  # never in a pattern, never whitespace: matches cannot cross cells

# Every pattern starts with a literal or a character class, and checks the character
# before it with a lookbehind placed after that first character: Python's engine then
# skips ahead to candidate characters in C instead of trying the pattern at every
# position (docs/decisions/0041-privacy-scan-regex-shapes.md).
EMAIL_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
DATE_OR_TIME = re.compile(
    r"\d(?<!\d\d)(?:\d{3}[-/.]\d{1,2}[-/.]\d{1,2}|\d?[-/.]\d{1,2}[-/.]\d{4}|\d?:\d{2}(?::\d{2})?)"
    r"(?!\d)"
)
# Seven or more digits, grouped by spaces, dashes or brackets: phones and ID numbers.
NUMBER_RUN = re.compile(r"[+\d](?<![\w+][+\d])(?:[ \t\-–()]{0,2}\d){6,20}(?!\w)")
# Passport-like (one or two letters and 6–9 digits) and India's PAN.
DOCUMENT_NUMBER = re.compile(r"[A-Z](?<!\w[A-Z])(?:[A-Z]?\d{6,9}|[A-Z]{4}\d{4}[A-Z])(?!\w)")
# Malawi's national ID: eight letters and digits, both present (checked after matching).
MALAWI_ID = re.compile(r"[A-Z0-9](?<!\w[A-Z0-9])[A-Z0-9]{7}(?!\w)")
COORDINATE_PAIR = re.compile(
    r"([-\d](?<![\w.][-\d])\d{0,2})\.(\d+)°?[ \t]*[NS]?[ \t]*[,;/]?[ \t]*(-?\d{1,3})\.(\d+)°?"
    r"(?![\d.])"
)
DMS = re.compile(
    r"\d(?<!\d\d)\d{0,2}°[ \t]*\d{1,2}['′’](?:[ \t]*(\d{1,2}(?:\.\d+)?)[\"″”])?[ \t]*[NSEW]"
)
PLUS_CODE = re.compile(
    r"[2-9CFGHJMPQRVWX](?<!\w[2-9CFGHJMPQRVWX])[2-9CFGHJMPQRVWX]{3,7}\+[2-9CFGHJMPQRVWX]{2,3}(?!\w)"
)
DDA = "(?:ড়|ড়)"  # ড় is written both as one code point and as ড + nukta
ADDRESSES = [
    re.compile(r"[Pp](?<!\w[Pp])\.?[ \t]?[Oo]\.?[ \t]*[Bb][Oo][Xx][ \t]*\d+"),
    re.compile(
        r"[HhPpFfAaDd](?<!\w[HhPpFfAaDd])(?i:ouse|lot|lat|partment|pt|se|oor)\b"
        r"[ \t]*(?i:no\.?|number|#)?[ \t]*\d+"
    ),
    re.compile(
        r"\d(?<!\w\d)\d{0,4}[A-Za-z]?,?[ \t]+(?:[A-Z][\w'-]*[ \t]+){1,3}"
        r"(?i:street|st\.?|road|rd\.?|avenue|ave\.?|lane|drive|close|crescent|highway)\b"
    ),
    re.compile(r"[Nn](?<!\w[Nn])yumba[ \t]+(?i:namba|nambari|na\.?|no\.?)[ \t]*\d+"),
    re.compile(r"[Ss](?<!\w[Ss])ố[ \t]*nhà[ \t]*\d+"),
    re.compile(r"\d(?<!\w\d)[\w/]*[ \t]+(?:đường|phố|Đường|Phố)[ \t]+\w+"),
    re.compile(r"[NnHhKk](?<!\w[NnHhKk])(?:gõ|ẻm|gách|iệt)[ \t]*\d+"),
    re.compile(r"[घम](?:र|कान)[ \t]*(?:नं\.?|नम्बर|नंबर)[ \t]*\d+"),
    re.compile(rf"[বহরস](?:া{DDA}ি|াসা|োল্ডিং|োড|{DDA}ক)[ \t]*(?:নং|নম্বর|নাম্বার)[ \t.:]*\d+"),
    re.compile(r"[شعم](?:ارع|مارة|نزل)[ \t]*(?:رقم[ \t]*)?\d+"),
]
EMAIL_LOCAL = frozenset("._+-")
# National phone formats, on the digits alone (trunk 0 optional where people drop it),
# with the country code written without + or 00 as people also do.
NATIONAL_PHONES = {
    "KE": r"(?:254|0)?[17]\d{8}",
    "NP": r"(?:977)?0?9[678]\d{8}|0\d{1,2}[-]?\d{6,7}",
    "VN": r"(?:84|0)[35789]\d{8}|(?:84|0)2\d{9}",
    "BD": r"(?:880|0)?1[3-9]\d{8}|02\d{7,8}",
    "IN": r"(?:91|0)?[6-9]\d{9}",
    "NG": r"(?:234|0)[789][01]\d{8}",
    "MW": r"(?:265|0)?(?:88|99|98|89|31)\d{7}|(?:265|0)1\d{6}",
    "PS": r"(?:970|972|0)?5[69]\d{7}|0[2489]\d{7}",
}
OTHER_COUNTRY_PHONE = r"0\d{8,11}"


@dataclass(frozen=True)
class Hit:
    """One piece of personal data in one cell; `start`/`end` index the cell's text."""

    row: int  # 0-based data row
    detector: str  # name, phone, email, id-number, address, coordinates
    start: int
    end: int


class PersonalDataScanner:
    """The pattern detectors for one coalition's country and one policy's precision."""

    def __init__(self, country: str, coordinate_decimals: int):
        self.country = country
        self.coordinate_decimals = coordinate_decimals
        self.national_phone = re.compile(NATIONAL_PHONES.get(country, OTHER_COUNTRY_PHONE))

    def scan_text_column(self, values: Sequence[str], *, names: bool) -> Iterator[Hit]:
        """Every hit in a column of text, by row."""
        joined = CELL.join(values)
        starts = [0]
        for value in values[:-1]:
            starts.append(starts[-1] + len(value) + 1)
        for detector, start, end in self.scan_text(joined):
            row = bisect.bisect_right(starts, start) - 1
            yield Hit(row, detector, start - starts[row], end - starts[row])
        if names and may_name_someone(joined):  # one C-level pass rules out most columns
            for row, value in enumerate(values):
                for start, end in find_names(value):
                    yield Hit(row, "name", start, end)

    def scan_text(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(detector, start, end) for every pattern hit in `text`."""
        for match in EMAIL_DOMAIN.finditer(text):
            start = match.start()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in EMAIL_LOCAL):
                start -= 1
            if start < match.start():
                yield "email", start, match.end()
        if DIGIT.search(text) is None:
            return
        # Same length, so positions still point into the original text.
        blanked = DATE_OR_TIME.sub(lambda m: " " * len(m.group()), text)
        for match in NUMBER_RUN.finditer(blanked):
            kind = self.classify_number(match.group())
            if kind:
                yield kind, match.start(), match.end()
        for match in DOCUMENT_NUMBER.finditer(text):
            yield "id-number", match.start(), match.end()
        if self.country == "MW":
            for match in MALAWI_ID.finditer(text):
                token = match.group()
                if not token.isdigit() and not token.isalpha():
                    yield "id-number", match.start(), match.end()
        for match in COORDINATE_PAIR.finditer(text):
            if self._too_precise_pair(match):
                yield "coordinates", match.start(), match.end()
        for match in DMS.finditer(text):
            finest = 4 if match.group(1) else 2  # seconds ≈ 30 m, minutes ≈ 1.8 km
            if finest > self.coordinate_decimals:
                yield "coordinates", match.start(), match.end()
        for match in PLUS_CODE.finditer(text):
            yield "coordinates", match.start(), match.end()
        for pattern in ADDRESSES:
            for match in pattern.finditer(text):
                yield "address", match.start(), match.end()

    def classify_number(self, written: str) -> str | None:
        """`phone`, `id-number`, or None for a run of digits as it was written."""
        digits = ascii_digits(written)
        if written.startswith("+"):
            return "phone" if 8 <= len(digits) <= 15 else "id-number"
        if written.startswith("00") and len(digits) >= 11 and not written.isdigit():
            return "phone"  # `00 254 …`: an unbroken 00… run is more often an ID (VN CCCD)
        if self.national_phone.fullmatch(digits):
            return "phone"
        return "id-number" if len(digits) >= 7 else None

    def too_precise(self, value: str) -> bool:
        """A coordinate written with more decimals than the policy publishes."""
        _, _, decimals = value.strip().partition(".")
        return len(decimals.rstrip("0")) > self.coordinate_decimals

    def _too_precise_pair(self, match: re.Match[str]) -> bool:
        try:
            latitude, longitude = abs(int(match.group(1))), abs(int(match.group(3)))
        except ValueError:  # a lone minus sign before the point
            return False
        if latitude > 90 or longitude > 180:
            return False
        finest = max(len(match.group(2).rstrip("0")), len(match.group(4).rstrip("0")))
        return finest > self.coordinate_decimals


def ascii_digits(text: str) -> str:
    """The digits of `text` in ASCII, whatever script they were written in (९ → 9)."""
    return "".join(str(unicodedata.decimal(ch)) for ch in text if unicodedata.decimal(ch, -1) >= 0)


def mask(text: str) -> str:
    """Enough of a value to find it in the source, not enough to reuse it: `+2••••••••78`."""
    if len(text) <= 3:
        return "•" * len(text)
    visible = 2 if len(text) >= 8 else 1
    middle = "".join(ch if ch in " -" else "•" for ch in text[visible:-visible])
    return text[:visible] + middle + text[-visible:]
