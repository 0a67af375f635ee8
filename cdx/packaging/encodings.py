"""Which legacy encoding a CSV is in, and whether a declared one reads it as mojibake.

charset_normalizer's best guess on a short table is often the neighbouring code page
(French windows-1252 guessed as windows-1250, Czech windows-1250 as windows-1252: both
decode without error, and its scores tie). The code pages the coalitions' files come in
differ in a few letters, so the readings are compared on those letters (decision 0062):

- junk: control characters, a symbol inside a word (`Ã©`, `â€™`), a capital after a
  small letter (`HaÌ`, `ÇáãÍ`), two scripts in one word;
- the language: the reading's most frequent common words (`le`, `est`, `jest`, `và`,
  `في`); a word whose accented letters are not of that language is implausible
  (`trčs` in French), and without a language, one whose letters fit no single language.

The reading with the least junk and fewest implausible words wins when no other reading
ties with it; otherwise the person is shown a line read each way.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cdx.core.errors import SourceEncoding, SourceMojibake
from cdx.core.i18n import Lines, tr

# The code pages of the coalitions' files and their neighbours: Western and Central
# European, Cyrillic, Turkish, Arabic and Vietnamese Windows code pages, and ISO latin-1.
CANDIDATES = ("utf-8", "cp1252", "latin-1", "cp1250", "cp1251", "cp1254", "cp1256", "cp1258")
SAMPLE = 1024 * 1024
LINES = 5000  # lines with non-ASCII bytes compared, at most
SHOWN_CHARACTERS = 90

# Accented letters and common words, per language (lower case). The words decide which
# language a reading is in; the letters which of its words are plausible.
LANGUAGES: dict[str, tuple[str, str]] = {
    "French": (
        "àâæçéèêëîïôœùûüÿ",
        "le la les de des du un une et est pas pour que qui dans sur avec au aux très à été "
        "il elle ne par se",
    ),
    "Spanish": (
        "áéíóúñü",
        "el la los las de del y que en un una es por con para no muy está más se lo",
    ),
    "Portuguese": (
        "áâãàçéêíóôõú",
        "o a os as de do da dos das e que em um uma não é para com há muito",
    ),
    "Italian": ("àèéìíòóù", "il lo la di che e è per un una non sono gli del della"),
    "German": ("äöüß", "der die das und ist nicht zu den mit ein eine sehr"),
    "English": ("", "the and of to is in not for it with are very"),
    "Czech": ("áčďéěíňóřšťúůýž", "a je v na se z že to jen do k o ve s není příliš"),
    "Slovak": ("áäčďéíĺľňóôŕšťúýž", "a je v na sa z že to do k o s nie veľmi"),
    "Polish": ("ąćęłńóśźż", "w i z na się nie jest do to że o jak brak są bardzo"),
    "Hungarian": ("áéíóöőúüű", "a az és hogy nem is van egy nagyon"),
    "Romanian": ("ăâîșțşţ", "și în de la cu nu este o un care"),
    "Croatian": ("čćđšž", "je i u na se da ne za nije"),
    "Turkish": ("çğıöşüâî", "ve bir bu da de için çok değil yok"),
    "Vietnamese": (
        "",  # its letters are made below
        "và của là có không được người ở đi các những trong cho với một rất",
    ),
    "Arabic": ("", "في من على عن لا إلى ما هو هي مع"),
    "Russian": ("", "и в не на что с по это как нет"),
}
VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
WITHIN_WORD = re.compile(r"(?<=[^\W\d_])[^\w\s'’,.;:!?()\[\]\"/&%+=<>*#@-](?=[^\W\d_])")
SMALL_THEN_CAPITAL = re.compile(r"[a-z\u00df-\u00ff][\u00c0-\u00d6\u00d8-\u00de]")
NAMES = {
    "cp1250": "windows-1250",
    "cp1251": "windows-1251",
    "cp1252": "windows-1252",
    "cp1254": "windows-1254",
    "cp1256": "windows-1256",
    "cp1258": "windows-1258",
    "latin-1": "latin-1",
    "iso8859-1": "latin-1",
    "utf-8": "utf-8",
}


def display_name(encoding: str) -> str:
    """The name to write in coalition.yaml: `windows-1252` rather than Python's `cp1252`."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    return NAMES.get(name, name)


@cache
def _vietnamese_letters() -> frozenset[str]:
    letters = set("đ")
    for base in "aeiouy":
        for mark in VIETNAMESE_MARKS:
            letters.add(unicodedata.normalize("NFC", base + mark))
            for tone in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
                letters.add(unicodedata.normalize("NFC", base + mark + tone))
    return frozenset(ch for ch in letters if len(ch) == 1 and not ch.isascii())


@cache
def _alphabets() -> dict[str, frozenset[str]]:
    found = {name: frozenset(letters) for name, (letters, _) in LANGUAGES.items()}
    found["Vietnamese"] = _vietnamese_letters()
    return found


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    return {name: frozenset(words.split()) for name, (_, words) in LANGUAGES.items()}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "?"


@dataclass(frozen=True)
class Reading:
    """The file's lines with non-ASCII bytes, decoded one way, and how plausible they are."""

    encoding: str
    lines: tuple[tuple[int, str], ...]  # (line number from 1, text)
    junk: int
    implausible: int
    good: int

    @property
    def bad(self) -> int:
        return self.junk + self.implausible

    def rank(self) -> tuple[int, int]:
        return (self.bad, -self.good)


SCRIPTS = {"Arabic": "ARABIC", "Russian": "CYRILLIC"}  # the others are written in Latin


def decode(encoding: str, lines: list[tuple[int, bytes]]) -> tuple[tuple[int, str], ...] | None:
    """The lines read with `encoding` (composed, for windows-1258); None if it cannot."""
    try:
        texts = [(n, line.decode(encoding)) for n, line in lines]
    except (UnicodeDecodeError, LookupError):
        return None
    if codecs.lookup(encoding).name == "cp1258":
        texts = [(n, unicodedata.normalize("NFC", text)) for n, text in texts]
    return tuple(texts)


def _words(texts: tuple[tuple[int, str], ...]) -> list[str]:
    return [word for _, text in texts for word in WORD.findall(text)]


def _hits(words: list[str]) -> dict[str, int]:
    return {name: sum(w.lower() in found for w in words) for name, found in _stopwords().items()}


def languages_of(decoded: list[tuple[tuple[int, str], ...]]) -> list[str]:
    """The languages the text is in, by the common words of whichever reading shows them
    best (a wrong code page garbles them): those with at least half the common words of
    the first (a file may be in two; a single shared word does not count)."""
    best: dict[str, int] = {}
    for texts in decoded:
        for name, n in _hits(_words(texts)).items():
            best[name] = max(best.get(name, 0), n)
    most = max(best.values(), default=0)
    return [name for name, n in best.items() if most and n * 2 >= most]


def read_as(encoding: str, texts: tuple[tuple[int, str], ...], languages: list[str]) -> Reading:
    """The reading scored: junk, implausible words, plausible words and common words."""
    words = _words(texts)
    hits = _hits(words)
    alphabets = _alphabets()
    theirs = frozenset().union(*(alphabets[name] for name in languages))
    scripts_known = {SCRIPTS.get(name, "LATIN") for name in languages}
    junk = sum(_junk(text) for _, text in texts)
    implausible = 0
    plausible = 0
    for word in words:
        accented = {ch for ch in word.lower() if not ch.isascii()}
        if not accented:
            continue
        scripts = {_script(ch) for ch in word if ch.isalpha()}
        if len(scripts) > 1:
            junk += 1
        elif scripts_known and not scripts <= scripts_known:
            implausible += 1  # Cyrillic words in an Arabic text: a wrong code page
        elif scripts != {"LATIN"}:
            plausible += 1  # a word of one other script (Arabic, Cyrillic…)
        elif theirs:
            fits = accented <= theirs
            plausible += fits
            implausible += not fits
        elif any(accented <= letters for letters in alphabets.values() if letters):
            plausible += 1
        else:
            implausible += 1
    good = plausible + sum(hits[name] for name in languages)
    return Reading(display_name(encoding), texts, junk, implausible, good)


def _junk(text: str) -> int:
    controls = sum(
        1
        for ch in text
        if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\r\n") or ch == "\ufffd"
    )
    return controls + len(WITHIN_WORD.findall(text)) + len(SMALL_THEN_CAPITAL.findall(text))


def sample_lines(source: Path) -> list[tuple[int, bytes]]:
    """The first lines of the file with non-ASCII bytes (numbered from 1), whole lines only."""
    with source.open("rb") as handle:
        sample = handle.read(SAMPLE)
    if len(sample) == SAMPLE and b"\n" in sample:
        sample = sample[: sample.rfind(b"\n") + 1]
    found = []
    for number, line in enumerate(sample.split(b"\n"), 1):
        if not line.isascii():
            found.append((number, line.rstrip(b"\r")))
            if len(found) >= LINES:
                break
    return found


def readings(lines: list[tuple[int, bytes]], also: str | None = None) -> list[Reading]:
    """Every candidate's reading that decodes the lines, best first; readings that give
    the same text are one (the first candidate's name)."""
    decoded: dict[tuple[tuple[int, str], ...], str] = {}
    names = [also] if also else []
    for encoding in [*names, *CANDIDATES]:
        texts = decode(encoding, lines)
        if texts is not None and texts not in decoded:
            decoded[texts] = encoding
    languages = languages_of(list(decoded))
    found = [read_as(encoding, texts, languages) for texts, encoding in decoded.items()]
    return sorted(found, key=Reading.rank)


@dataclass(frozen=True)
class Guess:
    """What the file's bytes look like: one encoding, or several to choose from by eye."""

    best: Reading | None
    alternatives: list[Reading]  # readings as plausible as the best (ambiguous)

    @property
    def sure(self) -> bool:
        return self.best is not None and not self.alternatives


def guess_encoding(source: Path) -> Guess:
    """The encoding of a file that is not UTF-8, or the equally plausible ones."""
    options = [r for r in readings(sample_lines(source)) if r.encoding != "utf-8"]
    if not options:
        return Guess(None, [])
    best = options[0]
    ties = [r for r in options[1:] if r.bad == best.bad and (best.bad > 0 or r.good == best.good)]
    return Guess(best, ties[:2])


def mismatch(source: Path, declared: str) -> tuple[Reading, Reading] | None:
    """(the declared reading, a better one) when the declared encoding reads mojibake."""
    if codecs.lookup(declared).name not in {codecs.lookup(c).name for c in CANDIDATES}:
        return None  # a code page outside the candidates: nothing to compare it with
    lines = sample_lines(source)
    if not lines:
        return None
    options = readings(lines, also=declared)
    mine = next((r for r in options if r.encoding == display_name(declared)), None)
    if mine is None or mine.bad == 0:
        return None
    better = options[0]
    if better is mine or better.bad >= mine.bad:
        return None
    return mine, better


def first_difference(one: Reading, other: Reading) -> tuple[int, str, str]:
    """The first line the two readings read differently: (number, one's text, other's)."""
    for (number, mine), (_, theirs) in zip(one.lines, other.lines, strict=False):
        if mine != theirs:
            return number, _excerpt(mine, theirs), _excerpt(theirs, mine)
    number, text = one.lines[0]
    return number, _excerpt(text, text), _excerpt(other.lines[0][1], text)


def _excerpt(text: str, other: str) -> str:
    """At most SHOWN_CHARACTERS of the line, around where it differs from `other`."""
    at = next((i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b), 0)
    start = max(0, min(at - 20, len(text) - SHOWN_CHARACTERS))
    shown = text[start : start + SHOWN_CHARACTERS]
    return ("…" if start else "") + shown + ("…" if start + SHOWN_CHARACTERS < len(text) else "")


def utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when text without a byte-order mark is plainly UTF-16:
    the zero bytes of ASCII characters (commas, digits, line ends) all on one side."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, none, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if none.count(0) == 0 and zeros.count(0) >= len(zeros) * 0.3:
            text = codecs.getincrementaldecoder(encoding)("replace").decode(head)
            if not any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
                return encoding
    return None


class ComposedText:
    """Text in Unicode's composed form (NFC), fed in blocks. windows-1258 writes a
    Vietnamese tone as a separate mark after its letter (`a` + U+0300); published, `Hà`
    would not equal the `Hà` of a schema or of another file."""

    def __init__(self) -> None:
        self.carry = ""

    def feed(self, text: str, *, final: bool = False) -> str:
        text = self.carry + text
        cut = len(text)
        if not final:  # keep the last letter back: its marks may be in the next block
            while cut > 0 and unicodedata.combining(text[cut - 1]):
                cut -= 1
            cut = max(cut - 1, 0)
        self.carry = text[cut:]
        return unicodedata.normalize("NFC", text[:cut])


def line_of(source: Path, position: int) -> int:
    """The line (1 = the header) that holds byte `position` of the file, as a text editor
    or a spreadsheet's import counts them: a byte offset is no help to the person."""
    lines, left = 1, position
    with source.open("rb") as handle:
        while left > 0:
            block = handle.read(min(left, 1 << 20))
            if not block:
                break
            lines += block.count(b"\n")
            left -= len(block)
    return lines


def not_utf8(source: Path, position: int) -> SourceEncoding:
    """The error for a file that is not UTF-8: the encoding it looks like, or a line read
    each way when several are as plausible."""
    guess = guess_encoding(source)
    start = tr(
        "{file} is not UTF-8 (the first character that is not is on line {line:,})",
        file=source.name,
        line=line_of(source, position),
    )
    if guess.best is None:
        return SourceEncoding(
            start,
            hint=tr(
                "add `encoding: NAME` to this source in coalition.yaml (with `cdx validate "
                "FILE`: --encoding NAME), or save the file from your spreadsheet program as "
                "CSV (UTF-8)"
            ),
        )
    name = guess.best.encoding
    if guess.sure:
        return SourceEncoding(
            tr("{start}; it looks like {encoding}", start=start, encoding=name),
            hint=tr(
                "add `encoding: {encoding}` to this source in coalition.yaml (with `cdx "
                "validate FILE`: --encoding {encoding}), or save the file from your "
                "spreadsheet program as CSV (UTF-8)",
                encoding=name,
            ),
        )
    shown = [guess.best, *guess.alternatives]
    number, *_ = first_difference(shown[0], shown[1])
    read = Lines(
        tr(
            "as {encoding}: {line}",
            encoding=r.encoding,
            line=first_difference(r, shown[0 if r is not shown[0] else 1])[1],
        )
        for r in shown
    )
    names = ", ".join(r.encoding for r in shown)
    return SourceEncoding(
        tr(
            "{start}; it may be {encodings}, which read line {line:,} differently:{lines}",
            start=start,
            encodings=names,
            line=number,
            lines=read,
        ),
        hint=tr(
            "add `encoding:` with the name whose line reads right to this source in "
            "coalition.yaml (e.g. `encoding: {encoding}`; with `cdx validate FILE`: "
            "--encoding {encoding}), or save the file from your spreadsheet program as CSV "
            "(UTF-8)",
            encoding=name,
        ),
    )


def mojibake(source: Path, declared: Reading, better: Reading) -> SourceMojibake:
    number, mine, theirs = first_difference(declared, better)
    lines = Lines(
        tr("as {encoding}: {line}", encoding=reading.encoding, line=line)
        for reading, line in ((declared, mine), (better, theirs))
    )
    return SourceMojibake(
        tr(
            "{file} read as {declared} (its declared encoding) gives letters that do not "
            "belong together (mojibake); as {better} it reads as words. Line {line:,}:{lines}",
            file=source.name,
            declared=declared.encoding,
            better=better.encoding,
            line=number,
            lines=lines,
        ),
        hint=tr(
            "if the second line reads right, write `encoding: {better}` for this source in "
            "coalition.yaml (with `cdx validate FILE`: --encoding {better}); or save the file "
            "from your spreadsheet program as CSV (UTF-8) and remove `encoding:`",
            better=better.encoding,
        ),
    )
