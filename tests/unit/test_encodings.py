"""Legacy encodings: guessed right on real-language samples, and a wrong declared one refused."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from cdx.core.errors import SourceEncoding, SourceMojibake
from cdx.packaging.tabular import normalise_table, sniff_format

# What the coalitions' partners write, in the code page their spreadsheet saves in.
SAMPLES = {
    "windows-1252": "county,comment\nKisumu,très loin, accès difficile\n"
    "Nairobi,le centre de santé est fermé le dimanche\n"
    "Turkana,pas d'électricité, l'infirmière vient une fois par semaine\n",
    "windows-1250": "okres,poznámka\nPraha,zdravotní středisko je příliš daleko\n"
    "Brno,čekárna je malá a lékař přichází jen v úterý\n"
    "Ostrava,pro vozíčkáře není bezbariérový vstup\n",
    "windows-1250 (Polish)": "powiat,uwagi\n"
    "Kraków,ośrodek zdrowia jest zamknięty w niedzielę, brak lekarza\n"
    "Łódź,dojazd dla osób z niepełnosprawnością jest bardzo trudny\n",
    "windows-1256": "المحافظة,ملاحظات\nنابلس,المركز الصحي بعيد جدا عن القرية\n"
    "الخليل,لا توجد كهرباء والطبيب يأتي مرة في الأسبوع\n",
    "windows-1258": "tỉnh,ghi chú\nHà Giang,trạm y tế ở quá xa, đường đi rất khó khăn\n"
    "Điện Biên,người khuyết tật không được hỗ trợ đi lại\n",
    "latin-1": "municipio,comentario\n"
    "Sevilla,el centro de salud está muy lejos y la atención es difícil\n"
    "Granada,no hay médico por la noche y la señora mayor no puede ir a la clínica\n",
    "latin-1 (Portuguese)": "município,comentário\n"
    "Lisboa,não há médico à noite, a senhora idosa não consegue ir à clínica\n"
    "Porto,o posto de saúde fica muito longe da aldeia\n",
}
TONES = "\u0300\u0301\u0303\u0309\u0323"


def encoded(text: str, encoding: str) -> bytes:
    """The text as the code page writes it; windows-1258 writes tones as separate marks."""
    if encoding != "windows-1258":
        return text.encode(encoding)
    out = []
    for ch in text:
        marks = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in TONES))
        out.append((base + "".join(c for c in marks if c in TONES)).encode(encoding))
    return b"".join(out)


def code_page(sample: str) -> str:
    return sample.split(" ")[0]


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_advice_for_a_legacy_file_reads_it_as_written(tmp_path: Path, sample: str) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(encoded(SAMPLES[sample], code_page(sample)))
    with pytest.raises(SourceEncoding) as caught:
        normalise_table(source, tmp_path / "out.csv")
    advised = re.search(r"--encoding (\S+)\)", caught.value.hint or "")
    assert advised, caught.value.hint
    assert "it looks like" in caught.value.message
    table = normalise_table(source, tmp_path / "out.csv", encoding=advised.group(1))
    assert table.path.read_text(encoding="utf-8") == SAMPLES[sample]


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("declared", ["windows-1252", "windows-1250", "windows-1256", "latin-1"])
def test_a_wrong_declared_code_page_is_refused_or_reads_the_same(
    tmp_path: Path, sample: str, declared: str
) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(encoded(SAMPLES[sample], code_page(sample)))
    try:
        table = normalise_table(source, tmp_path / "out.csv", encoding=declared)
    except SourceMojibake as refused:
        assert refused.code == "source-encoding-mismatch"
        assert f"as {declared}:" in refused.message or "as latin-1:" in refused.message
        return
    except SourceEncoding:
        return  # bytes the code page has no letter for: refused as unreadable
    assert table.path.read_text(encoding="utf-8") == SAMPLES[sample]


def test_french_windows_1252_declared_as_windows_1250_shows_the_line_both_ways(
    tmp_path: Path,
) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(SAMPLES["windows-1252"].encode("cp1252"))
    with pytest.raises(SourceMojibake) as caught:
        normalise_table(source, tmp_path / "out.csv", encoding="cp1250")
    message = caught.value.message
    assert "as windows-1250: Kisumu,trčs loin, accčs difficile" in message
    assert "as windows-1252: Kisumu,très loin, accès difficile" in message
    assert "`encoding: windows-1252`" in (caught.value.hint or "")
    assert not (tmp_path / "out.csv").exists()


def test_the_briefest_french_line_is_still_guessed_right(tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes("county,comment\nKisumu,très loin, accès difficile\n".encode("cp1252"))
    with pytest.raises(SourceEncoding) as caught:
        normalise_table(source, tmp_path / "out.csv")
    assert caught.value.message.endswith("it looks like windows-1252")


def test_an_ambiguous_guess_shows_a_line_read_each_way(tmp_path: Path) -> None:
    """Two words and no common one: French `accès` or Czech-looking `accčs`, by eye."""
    source = tmp_path / "comments.csv"
    source.write_bytes("county,comment\nKisumu,accès difficile\n".encode("cp1252"))
    with pytest.raises(SourceEncoding) as caught:
        normalise_table(source, tmp_path / "out.csv")
    message = caught.value.message
    assert "which read line 2 differently" in message
    assert "as windows-1252: Kisumu,accès difficile" in message
    assert "as windows-1250: Kisumu,accčs difficile" in message


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_utf16_with_or_without_a_byte_order_mark_is_read(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    text = SAMPLES["windows-1256"] + SAMPLES["windows-1258"]
    source = tmp_path / "unicode.txt"
    source.write_bytes(bom + text.encode(encoding))
    assert sniff_format(source) == "csv"
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.path.read_text(encoding="utf-8") == text
    declared = normalise_table(source, tmp_path / "declared.csv", encoding="utf-16")
    assert declared.path.read_text(encoding="utf-8") == text


def test_utf8_with_a_byte_order_mark_is_read_without_it(tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(b"\xef\xbb\xbf" + SAMPLES["windows-1258"].encode("utf-8"))
    table = normalise_table(source, tmp_path / "out.csv")
    assert table.path.read_text(encoding="utf-8") == SAMPLES["windows-1258"]


def test_vietnamese_tones_are_published_composed(tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(encoded(SAMPLES["windows-1258"], "windows-1258"))
    table = normalise_table(source, tmp_path / "out.csv", encoding="windows-1258")
    text = table.path.read_text(encoding="utf-8")
    assert "Hà Giang" in text and unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("sample", SAMPLES)
def test_a_right_declared_code_page_is_never_second_guessed(tmp_path: Path, sample: str) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(encoded(SAMPLES[sample], code_page(sample)))
    table = normalise_table(source, tmp_path / "out.csv", encoding=code_page(sample))
    assert table.path.read_text(encoding="utf-8") == SAMPLES[sample]
