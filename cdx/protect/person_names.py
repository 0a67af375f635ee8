"""Person names in text, for columns whose schema says names may appear (`cdx:detect`).

No statistical NER model can run here: spaCy and Presidio need model downloads at run
time, and the models they offer are for European languages, not Swahili, Nepali,
Bengali or Vietnamese. So names are found by cues a data officer would also use:

- a title or form of address before a name (Mr, Mama, Mzee, श्री, জনাব, chị, ông…);
- "my name is …" in the coalitions' languages;
- a common given name or surname of the coalitions' countries (a small gazetteer);
- a Vietnamese family name followed by a capitalised syllable (Nguyễn Văn An).

Latin-script names must be capitalised, which keeps words like "banda" (a shed) out.
Recall is limited to these cues; the README says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Letters with the combining vowel signs of Devanagari, Bengali and Arabic: Python's \w
# alone splits "थापा" into pieces.
TOKEN = re.compile(
    r"[^\W\d_][\w\u0900-\u0963\u0971-\u097F\u0980-\u09E5\u09F0-\u09FF\u064B-\u065F]*"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Forms of address; the next word is a name. Casefolded.
TITLES = _words(
    """mr mrs ms miss dr doctor nurse madam mama baba mzee bwana shri smt sri alhaji
    alhaja mallam pastor chief hajia
    anh chị ông bà cô chú bác
    श्री श्रीमती सुश्री डा डाक्टर दिदी दाइ
    জনাব জনাবা শ্রী শ্রীমতী মিসেস ডাঃ ডা আপা
    السيد السيدة الحاج"""
)
# Vietnamese family names: with a capitalised syllable after them they are a full name.
VIETNAMESE_FAMILY = _words("nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý")
# Common names in the coalitions' countries, chosen not to be ordinary words too
# (no Grace, Faith, Islam, সরকার "government", नेपाली "Nepali").
GAZETTEER = _words(
    """otieno achieng wanjiru kamau mwangi odhiambo ochieng atieno akinyi onyango wafula
    chebet kiprono mutua njoroge kariuki wambui njeri auma adhiambo kibet cheruiyot omondi
    owino nyambura muthoni wekesa barasa nafula kiptoo wanjiku mumbua
    adebayo oluwaseun chukwu okafor ibrahim abubakar aliyu okonkwo nwosu ngozi chinedu
    emeka funmilayo yusuf
    banda phiri mwale tembo chirwa mbewe kumwenda nyirenda gondwe chisale chimwemwe
    sharma singh kumar patel gupta yadav devi priya
    rahman hossain akter begum khatun chowdhury uddin
    thapa shrestha gurung tamang magar adhikari poudel bahadur basnet khadka karki bhattarai
    mohammed muhammad ahmad khalil hamdan saleh fatima
    थापा श्रेष्ठ गुरुङ तामाङ मगर शर्मा अधिकारी पौडेल बस्नेत खड्का कार्की भट्टराई यादव
    विश्वकर्मा परियार बहादुर कुमारी प्रसाद वर्मा सिंह गुप्ता देवी
    রহমান হোসেন আহমেদ আক্তার বেগম খাতুন চৌধুরী উদ্দিন মোহাম্মদ
    محمد أحمد خليل فاطمة مريم"""
)
NAME_PHRASES = re.compile(
    r"(?i:my name is|i am called|i'm called|jina langu ni|naitwa|tên (?:tôi |em |của tôi )?là"
    r"|मेरो नाम|मेरा नाम|আমার নাম|اسمي)\s+(\S+)"
)
# Tokens that make a cell worth a closer look; checking this set first keeps clean text
# at two C-level calls per cell.
TRIGGERS = (
    TITLES | VIETNAMESE_FAMILY | GAZETTEER | _words("name called jina naitwa tên नाम নাম اسمي")
)
UNCASED_SCRIPTS = re.compile(r"[\u0600-\u06FF\u0900-\u097F\u0980-\u09FF]")


def _is_name_word(word: str) -> bool:
    """A capitalised Latin word, or any word in a script without letter case."""
    return word[:1].isupper() or bool(UNCASED_SCRIPTS.match(word))


# Punctuation (and the NUL between cells of a joined column) becomes a space, so
# `str.split` (in C) yields words in every script, combining vowel signs included. A
# regular expression does this faster than str.translate on non-ASCII text
# (docs/decisions/0041-privacy-scan-regex-shapes.md).
SPACING = re.compile(r"""[\x00.,;:!?()\[\]{}"'“”‘’«»/\\|।॥،؟\-–—…*#]""")


def may_name_someone(text: str) -> bool:
    """Cheap test: does any word of `text` (or of a whole column) start a name cue?"""
    return not TRIGGERS.isdisjoint(SPACING.sub(" ", text.casefold()).split())


def find_names(text: str) -> Iterator[tuple[int, int]]:
    """Spans (start, end) of likely person names in `text`."""
    if not may_name_someone(text):
        return
    covered = -1  # one hit per name: "Mama Achieng" is a title and a gazetteer name
    for match in NAME_PHRASES.finditer(text):
        covered = match.end(1)
        yield match.start(1), covered
    tokens = list(TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        if token.start() < covered:
            continue
        word = token.group()
        folded = word.casefold()
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            (folded in TITLES or folded in VIETNAMESE_FAMILY)
            and following is not None
            and _is_name_word(following.group())
        ):
            # The title and the word after it: enough to point at, and to mask.
            covered = following.end()
            yield token.start(), covered
        elif folded in GAZETTEER and _is_name_word(word):
            covered = token.end()
            yield token.start(), covered
