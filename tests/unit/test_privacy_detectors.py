"""The detectors against a corpus of planted personal data and of clean citizen-data text."""

from __future__ import annotations

import pytest

from cdx.protect.detectors import PersonalDataScanner, ascii_digits, mask

# (country, cell text, planted item, detector). Free-text comments and structured cells,
# in Latin, Devanagari, Bengali and Vietnamese with diacritics.
PLANTED = [
    # Kenya
    ("KE", "Call the CHV on 0712 345 678 after the meeting", "0712 345 678", "phone"),
    ("KE", "+254 712 345678", "+254 712 345678", "phone"),
    ("KE", "Nambari yangu ni 0722-123-456", "0722-123-456", "phone"),
    ("KE", "254712345678", "254712345678", "phone"),
    ("KE", "Mama Achieng said the nurse was rude", "Mama Achieng", "name"),
    ("KE", "Dr. Otieno refused to see us", "Dr", "name"),
    ("KE", "jina langu ni Wanjiru", "Wanjiru", "name"),
    ("KE", "ID 23456789 was asked at the gate", "23456789", "id-number"),
    ("KE", "passport AK1234567", "AK1234567", "id-number"),
    ("KE", "write to grace.w@example.co.ke", "grace.w@example.co.ke", "email"),
    ("KE", "P.O. Box 1234 Kisumu", "P.O. Box 1234", "address"),
    ("KE", "She lives at 14 Oginga Odinga Street", "14 Oginga Odinga Street", "address"),
    ("KE", "nyumba namba 45 karibu na soko", "nyumba namba 45", "address"),
    ("KE", "We met at -0.0917, 34.7680 near the clinic", "-0.0917, 34.7680", "coordinates"),
    ("KE", "0°05'30\"S 34°46'05\"E", "0°05'30\"S", "coordinates"),
    # Nepal (Devanagari digits and names)
    ("NP", "मेरो नाम राम बहादुर थापा हो", "राम", "name"),
    ("NP", "फोन ९८४१२३४५६७ मा सम्पर्क गर्नुहोस्", "९८४१२३४५६७", "phone"),
    ("NP", "+977 9841234567", "+977 9841234567", "phone"),
    ("NP", "01-4412345", "01-4412345", "phone"),
    ("NP", "नागरिकता नं. २७-०१-७१-०५४३२", "२७-०१-७१-०५४३२", "id-number"),
    ("NP", "श्रीमती सीता श्रेष्ठले भनिन्", "श्रीमती सीता", "name"),
    ("NP", "घर नं. १२ मा बस्छिन्", "घर नं. १२", "address"),
    # Vietnam (diacritics)
    ("VN", "Chị Lan gọi số 0912 345 678", "0912 345 678", "phone"),
    ("VN", "Chị Lan gọi số 0912 345 678", "Chị Lan", "name"),
    ("VN", "Nguyễn Văn An đã phàn nàn về thái độ", "Nguyễn Văn", "name"),
    ("VN", "+84 912 345 678", "+84 912 345 678", "phone"),
    ("VN", "CCCD 001099012345", "001099012345", "id-number"),
    ("VN", "nhà ở số nhà 12 ngõ 34 phố Huế", "số nhà 12", "address"),
    ("VN", "email: tran.thi.mai@gmail.com", "tran.thi.mai@gmail.com", "email"),
    # Bangladesh (Bengali digits and names)
    ("BD", "আমার নাম সালমা বেগম", "সালমা", "name"),
    ("BD", "মোবাইল ০১৭১২-৩৪৫৬৭৮", "০১৭১২-৩৪৫৬৭৮", "phone"),
    ("BD", "+880 1712-345678", "+880 1712-345678", "phone"),
    ("BD", "NID 1990123456789", "1990123456789", "id-number"),
    ("BD", "বাড়ি নং ১২, রোড নং ৫", "বাড়ি নং ১২", "address"),
    ("BD", "জনাব করিম এসেছিলেন", "জনাব করিম", "name"),
    # India, Nigeria, Malawi, Palestine
    ("IN", "call 98765 43210", "98765 43210", "phone"),
    ("IN", "Aadhaar 2345 6789 0123", "2345 6789 0123", "id-number"),
    ("IN", "PAN ABCDE1234F", "ABCDE1234F", "id-number"),
    ("NG", "0803 123 4567", "0803 123 4567", "phone"),
    ("NG", "NIN 12345678901", "12345678901", "id-number"),
    ("MW", "0888 123 456", "0888 123 456", "phone"),
    ("MW", "ID card XK7H3M2P", "XK7H3M2P", "id-number"),
    ("PS", "0599 123 456", "0599 123 456", "phone"),
    ("PS", "اسمي فاطمة", "فاطمة", "name"),
    # Another country's phone in a Kenyan dataset is still caught (as a personal number).
    ("KE", "her brother in Kathmandu: 9841234567", "9841234567", "id-number"),
]

CLEAN = [
    "Medicines out of stock for weeks",
    "Score 3 on 2026-04-03, facility 0012, 25 people came at 10:30",
    "Sometimes good, sometimes not",
    "We waited 4 hours; 12 of 30 women were not served",
    "Facility 0031 scored 4.5 (up from 3.25) in Q1 2026",
    "Asked to pay KES 500 for free services",
    "Better since the new clinical officer came",
    "Nurses shout at us",
    "The ramp at Kisumu County Referral Hospital is broken",
    "स्वास्थ्य चौकीमा औषधि छैन, २५ जना आए",
    "वडा नं. ५ मा ४ घण्टा पर्खियौं",
    "স্বাস্থ্যকেন্দ্রে ৩ ঘণ্টা অপেক্ষা, ৫ জনের মধ্যে ২ জন ওষুধ পায়নি",
    "Chờ 2 tiếng, điểm 4/5 ngày 03/04/2026",
    "Trạm y tế xã thiếu thuốc, 15 người phải về",
    "SC-00001",
    "R-00042",
    "0012",
    "2026-04-01T00:00:00",
    "3.14",
]


@pytest.mark.parametrize(("country", "text", "planted", "detector"), PLANTED)
def test_every_planted_item_is_caught(country: str, text: str, planted: str, detector: str) -> None:
    scanner = PersonalDataScanner(country, coordinate_decimals=2)
    hits = list(scanner.scan_text_column(["clean first cell", text], names=True))
    found = {(h.detector, text[h.start : h.end]) for h in hits if h.row == 1}
    assert any(kind == detector and (planted in span or span in planted) for kind, span in found), (
        found
    )


@pytest.mark.parametrize("country", ["KE", "NP", "VN", "BD", "IN", "NG", "MW", "PS"])
def test_clean_text_does_not_trigger(country: str) -> None:
    scanner = PersonalDataScanner(country, coordinate_decimals=2)
    hits = list(scanner.scan_text_column(CLEAN, names=True))
    assert [(CLEAN[h.row], h.detector) for h in hits] == []


def test_hits_point_at_their_own_row_when_cells_are_scanned_together() -> None:
    scanner = PersonalDataScanner("KE", coordinate_decimals=2)
    cells = ["", "fine", "ring 0712345678", "", "mail a@b.org"]
    hits = sorted((h.row, h.detector) for h in scanner.scan_text_column(cells, names=False))
    assert hits == [(2, "phone"), (4, "email")]


def test_coordinates_within_the_policy_precision_pass() -> None:
    coarse = PersonalDataScanner("KE", coordinate_decimals=2)
    assert list(coarse.scan_text_column(["near -0.09, 34.77"], names=False)) == []
    assert coarse.too_precise("34.7680") and not coarse.too_precise("34.70")
    fine = PersonalDataScanner("KE", coordinate_decimals=4)
    assert list(fine.scan_text_column(["-0.0917, 34.7680"], names=False)) == []


def test_names_are_only_looked_for_where_the_schema_asks() -> None:
    scanner = PersonalDataScanner("KE", coordinate_decimals=2)
    assert list(scanner.scan_text_column(["Mama Achieng came"], names=False)) == []


def test_a_mask_keeps_too_little_to_reuse() -> None:
    assert mask("0712 345 678") == "07•• ••• •78"
    assert mask("grace.w@example.co.ke").count("•") > 10
    assert mask("Lan") == "•••"
    assert ascii_digits("९८४१ ০১৭") == "9841017"
