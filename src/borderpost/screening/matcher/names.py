"""Name normalisation: any script -> comparable keys per name part.

Pipeline for one name string (``parse_name``):

1. Unicode NFKC; recognise the ICAO MRZ form ``SURNAME<<GIVEN<NAMES`` (optionally with the
   ``P<ISS`` prefix of an MRZ line) and the list form ``SURNAME, Given Names``.
2. Split into parts on spaces, hyphens, '<', commas, dots; drop apostrophes and modifier
   letters (Georgian k', BGN soft sign ', Arabic ʿ).
3. Each part is transliterated to lower-case ASCII ("latin"): Cyrillic, Armenian, Georgian,
   Greek via rigour's transliterator (BGN-like, Rust, ~0.3 µs a token); Arabic via the
   table below (consonant skeleton: Arabic script has no short vowels); Latin with
   diacritics via the pre-map below (ş->sh, ž->zh, ə->a, ß->ss ...), then accents stripped;
   anything else via rigour's ``ascii_text`` (ICU).
4. ``phonetic_key`` folds the known transliteration variants of the same sound into one
   class (sh/sch/ch/š/ж/zh/tsch -> X, kh/h/g/gh/x- -> H, y/j/i glides -> I, w -> V, ou -> U,
   ue/oe/ae (ICAO umlauts) -> U/O/A, ts/tz/z/s -> S, q/ck -> K ...) and collapses doubles.
   ``skeleton`` is the key without vowels: Алиев, Əliyev, Aliyev, Alijew all give ALIEV/LV.
5. Particles (bin, ibn, oğlu, qızı, оглы ...) are dropped and mark the neighbouring part as
   patronymic; Arabic articles and ``Abd``/``Abu`` are fused to the next part (Al-Masri,
   El Masry, المصري -> one part each); Russian-style patronymics (-ovich, -evna, -ovych,
   -ovitch, -owitsch ...) are recognised on the key.

Everything here is pure and cached per distinct token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from unidecode import unidecode

__all__ = [
    "NameToken",
    "ParsedName",
    "detect_script",
    "name_tokens",
    "parse_name",
    "phonetic_key",
    "skeleton",
    "split_name",
    "split_parts",
    "to_latin",
    "token_info",
    "token_key",
]

# --------------------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------------------

_SCRIPT_RANGES = (
    (0x0041, 0x024F, "Latin"),
    (0x0250, 0x02AF, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1C90, 0x1CBF, "Georgian"),
    (0x2D00, 0x2D2F, "Georgian"),
)


def detect_script(text: str) -> str:
    """The script of the first letter of ``text`` ("Latin", "Cyrillic", ... or "Other")."""
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        for lo, hi, name in _SCRIPT_RANGES:
            if lo <= cp <= hi:
                return name
        return "Other"
    return "Other"


# --------------------------------------------------------------------------------------
# Transliteration to lower-case ASCII
# --------------------------------------------------------------------------------------

# Latin letters with diacritics whose plain base letter would lose a distinction that
# transliteration schemes make (ISO 9 š = BGN sh, Turkish ş = sh, Azerbaijani ə ~ a/e).
_LATIN_PREMAP = {
    "ə": "a",
    "ş": "sh",
    "ș": "sh",
    "š": "sh",
    "ž": "zh",
    "č": "ch",
    "ç": "ch",
    "ć": "ch",
    "ğ": "gh",
    "ġ": "gh",
    "ı": "i",
    "ŝ": "shch",
    "ǰ": "j",
    "ĵ": "j",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ŋ": "ng",
    "x̌": "kh",
    "ħ": "h",
    "ĥ": "h",
    "ṭ": "t",
    "ḳ": "k",
    "ṗ": "p",
    "q̇": "q",
    "č̣": "ch",
    "c̣": "ts",
    "ẓ": "z",
    "ṣ": "s",
    "ḍ": "d",
    "ḥ": "h",
    "ẖ": "h",
    "ṙ": "r",
    "â": "ya",
    "û": "yu",  # ISO 9 я, ю (Tatʹâna, Ûrij)
}
_LATIN_PREMAP_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_LATIN_PREMAP, key=len, reverse=True))
)
# Azerbaijani/Turkish letters: if a token has one, its c is /dʒ/ and its x is /x/.
_AZ_TR_LETTERS = frozenset("əışğçİ")

_ARABIC = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ٱ": "a",
    "ء": "",
    "ئ": "i",
    "ؤ": "u",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "dzh",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "ى": "a",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ک": "k",
    "ی": "i",
    "ـ": "",
}
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")


def _arabic_to_latin(token: str) -> str:
    token = _ARABIC_MARKS.sub("", token).replace("الله", "ﷲ")
    out: list[str] = []
    n = len(token)
    for i, ch in enumerate(token):
        prev = token[i - 1] if i else ""
        if ch == "و":
            # consonant w at the start, after alif or doubled; otherwise the long vowel u
            out.append("w" if i == 0 or prev in "اأإآوعء" or (i == n - 1 and prev == "ا") else "u")
        elif ch == "ي":
            out.append("y" if i == 0 or prev in "اأإآعء" else "i")
        elif ch == "ﷲ":
            out.append("allah")
        else:
            out.append(_ARABIC.get(ch, ""))
    return "".join(out)


_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "yo",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
        "ў": "w",
        "ј": "j",
        "љ": "lj",
        "њ": "nj",
        "џ": "dzh",
        "ђ": "dj",
        "ћ": "ch",
        "ќ": "k",
        "ѓ": "g",
        "ә": "a",
        "ө": "o",
        "ү": "u",
        "ұ": "u",
        "қ": "k",
        "ғ": "gh",
        "ң": "ng",
        "һ": "h",
        "ҳ": "h",
        "ӣ": "i",
        "ӯ": "u",
        "ҷ": "j",
    }
)
_ARMENIAN = str.maketrans(
    {
        "ա": "a",
        "բ": "b",
        "գ": "g",
        "դ": "d",
        "ե": "e",
        "զ": "z",
        "է": "e",
        "ը": "y",
        "թ": "t",
        "ժ": "zh",
        "ի": "i",
        "լ": "l",
        "խ": "kh",
        "ծ": "ts",
        "կ": "k",
        "հ": "h",
        "ձ": "dz",
        "ղ": "gh",
        "ճ": "ch",
        "մ": "m",
        "յ": "y",
        "ն": "n",
        "շ": "sh",
        "ո": "o",
        "չ": "ch",
        "պ": "p",
        "ջ": "dzh",
        "ռ": "r",
        "ս": "s",
        "վ": "v",
        "տ": "t",
        "ր": "r",
        "ց": "ts",
        "ւ": "v",
        "փ": "p",
        "ք": "k",
        "օ": "o",
        "ֆ": "f",
        "և": "ev",
    }
)
_GEORGIAN = str.maketrans(
    {
        "ა": "a",
        "ბ": "b",
        "გ": "g",
        "დ": "d",
        "ე": "e",
        "ვ": "v",
        "ზ": "z",
        "თ": "t",
        "ი": "i",
        "კ": "k",
        "ლ": "l",
        "მ": "m",
        "ნ": "n",
        "ო": "o",
        "პ": "p",
        "ჟ": "zh",
        "რ": "r",
        "ს": "s",
        "ტ": "t",
        "უ": "u",
        "ფ": "p",
        "ქ": "k",
        "ღ": "gh",
        "ყ": "q",
        "შ": "sh",
        "ჩ": "ch",
        "ც": "ts",
        "ძ": "dz",
        "წ": "ts",
        "ჭ": "ch",
        "ხ": "kh",
        "ჯ": "dzh",
        "ჰ": "h",
        "ჱ": "e",
        "ჲ": "y",
        "ჳ": "w",
        "ჴ": "q",
        "ჵ": "o",
    }
)


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 18)
def to_latin(token: str, script: str | None = None) -> str:
    """Lower-case ASCII form of one name part (letters only)."""
    script = script or detect_script(token)
    if script == "Latin":
        az = any(c in _AZ_TR_LETTERS for c in token)
        low = unicodedata.normalize("NFC", token.lower())
        if az:
            # Azerbaijani/Turkish spelling: c = дж, x = х.
            low = low.replace("c", "dzh").replace("x", "kh")
        low = _LATIN_PREMAP_RE.sub(lambda m: _LATIN_PREMAP[m.group(0)], low)
        text = _strip_marks(low)
    elif script == "Arabic":
        text = _arabic_to_latin(token)
    elif script == "Cyrillic":
        low = token.lower()
        if "ь" in low or "ъ" in low:  # BGN: Савельев -> savelyev, Татьяна -> tatyana
            low = low.replace("ье", "ye").replace("ъе", "ye").replace("ьё", "yo")
        text = low.translate(_CYRILLIC)
    elif script == "Armenian":
        text = token.lower().replace("\u0578\u0582", "u").translate(_ARMENIAN)
    elif script == "Georgian":
        text = token.lower().translate(_GEORGIAN)
    else:
        text = unidecode(token)
    if not text.isascii():
        text = unidecode(text)
    return "".join(c for c in text.lower() if "a" <= c <= "z")


# --------------------------------------------------------------------------------------
# Phonetic key
# --------------------------------------------------------------------------------------

_VOWELS = frozenset("AEIOU")

# Context rules applied to the lower-case ASCII form before the class mapping.
_CONTEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^x"), "kh"),  # word-initial x: Azerbaijani/ISO x = kh
    (re.compile(r"^(?:ye|je|ie)"), "e"),  # Yelena / Jelena / Ielena ~ Elena
    (re.compile(r"^(?:yo|jo|io)(?!u)"), "o"),
    (re.compile(r"(?<=i)ne$"), "n"),  # French -ine for -ин (Chtchoukine, Poutine)
    (re.compile(r"gu(?=[eiy])"), "g"),  # French Guéorgui, Sergueï
    # ю/ё after a consonant: Vyugar/Viugar/Wjugar ~ Vugar (Vüqar), Konyul ~ Konul (Könül)
    (re.compile(r"(?<=[bcdfgklmnprstvwxz])(?:[yij](?=u)|[yj](?=o))"), ""),
    (re.compile(r"(?:^|(?<=[aeiou]))ou(?=[aeiy])"), "w"),  # French Aouad, Oualid
    (re.compile(r"(?<=[aeiou])h$"), ""),  # Hamzah ~ Hamza, Abdullah ~ Abdulla
    (re.compile(r"ow(?=[bcdfghjklmnpqrstvxz])"), "u"),  # ISO 9985 ow = u
    (re.compile(r"(?<=[aeiouy])ss(?=[aeiouy])"), "s"),  # French/German -ss- for с
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"(?<=[aeo])ff$"), "v"),  # Rachmaninoff
)

_CLASS_MAP = {
    # Щ and friends
    "schtsch": "X",
    "shtsch": "X",
    "chtch": "X",
    "shch": "X",
    "stsch": "X",
    "sch": "X",
    "tsch": "X",
    "tch": "X",
    # Дж (a consonant class of its own; a bare j is a glide, its дж reading is the alt key)
    "dzh": "J",
    "dsch": "J",
    "dzs": "J",
    "dj": "J",
    # sibilants / affricates
    "zh": "X",
    "sh": "X",
    "ch": "X",
    "cz": "X",
    "sz": "X",
    "zs": "X",
    "ts": "S",
    "tz": "S",
    "dz": "DS",
    # gutturals
    "kh": "H",
    "gh": "H",
    "h": "H",
    "g": "H",
    "x": "KS",
    # others
    "ph": "F",
    "th": "T",
    "dh": "D",
    "ck": "K",
    "qu": "K",
    "q": "K",
    "c": "K",
    "k": "K",
    "w": "V",
    "v": "V",
    "f": "F",
    "z": "S",
    "s": "S",
    "j": "I",
    "y": "I",
    # vowels (ICAO umlaut expansions, French ou, English oo/ee)
    "ou": "U",
    "oo": "U",
    "ee": "I",
    "a": "A",
    "e": "E",
    "i": "I",
    "o": "O",
    "u": "U",
    "b": "B",
    "d": "D",
    "l": "L",
    "m": "M",
    "n": "N",
    "p": "P",
    "r": "R",
    "t": "T",
}
_CLASS_RE = re.compile("|".join(re.escape(k) for k in sorted(_CLASS_MAP, key=len, reverse=True)))
_DOUBLE_RE = re.compile(r"(.)\1+")
_GLIDE_E = re.compile(r"(?<=[BDFHJKLMNPRSTVX])IE")


# Context rules are applied only when their trigger substring occurs (cheap pre-check).
_CONTEXT_TRIGGERS = ("x", "e", "o", "ne", "gu", "", "ou", "h", "ow", "ss", "c", "ff")
_MULTI = tuple(
    sorted((k for k in _CLASS_MAP if len(k) > 1), key=lambda k: (-len(k), k[0] in "aeiou"))
)
_SINGLE = str.maketrans({k: v for k, v in _CLASS_MAP.items() if len(k) == 1})


@lru_cache(maxsize=1 << 18)
def phonetic_key(latin: str) -> str:
    """Fold transliteration variants of one lower-case ASCII name part into a key."""
    text = latin
    for (pat, rep), trig in zip(_CONTEXT_RULES, _CONTEXT_TRIGGERS, strict=True):
        if trig in text:
            text = pat.sub(rep, text)
    for k in _MULTI:
        if k in text:
            text = text.replace(k, _CLASS_MAP[k])
    text = text.translate(_SINGLE)
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch != prev:
            out.append(ch)
            prev = ch
    key = "".join(out)
    if "IE" in key:  # the glide before e after a consonant: Grigoryev ~ Grigorev (ICAO)
        key = _GLIDE_E.sub("E", key)
    return key


# Two alternative readings, each applied as a group: (1) the second reading of letters that
# schemes use differently (German ch = х, Azerbaijani q = г and x = х, Arabic th ~ s, Turkish
# silent ğ, ICAO umlaut expansions Ü -> UE); (2) the дж reading of j and c (English Jamal,
# Khadija; Azerbaijani/Turkish c after MRZ folding).
_ALT_GROUPS: tuple[tuple[tuple[re.Pattern[str], Any], ...], ...] = (
    (
        (re.compile(r"(?<![sthc])ch"), "kh"),
        (re.compile(r"q"), "g"),
        (re.compile(r"(?<=.)x"), "kh"),
        (re.compile(r"th"), "s"),
        (re.compile(r"gh"), ""),
        (re.compile(r"(?:(?<=[^aeiou])ue|oe|ae)"), lambda m: m.group(0)[0]),
    ),
    (
        (re.compile(r"c(?![hkzeiy])"), "dzh"),
        (re.compile(r"(?<![dz])j"), "dzh"),
    ),
)
_ALT_TRIGGERS = (
    re.compile(r"(?<![sthc])ch|q|(?<=.)x|th|gh|ue|oe|ae"),
    re.compile(r"c(?![hkzeiy])|(?<![dz])j"),
)


@lru_cache(maxsize=1 << 18)
def alternate_key(latin: str) -> str:
    """Other keys for spellings whose letters are ambiguous between schemes, joined by '|',
    or ''. ``ch`` is Ч in English but Х in German; ``j`` is a glide in German and ISO 9 but
    дж in English; ``q``, ``c`` and ``x`` are г, дж and х in Azerbaijani."""
    primary = phonetic_key(latin)
    alts: list[str] = []
    for trigger, rules in zip(_ALT_TRIGGERS, _ALT_GROUPS, strict=True):
        if not trigger.search(latin):
            continue
        text = latin
        for pat, rep in rules:
            text = pat.sub(rep, text)
        alt = phonetic_key(text)
        if alt != primary and alt not in alts:
            alts.append(alt)
    return "|".join(alts)


@lru_cache(maxsize=1 << 18)
def skeleton(key: str) -> str:
    """The key without vowels (and without the I glide), doubles collapsed."""
    sk = _DOUBLE_RE.sub(r"\1", "".join(c for c in key if c not in _VOWELS))
    return sk or key


# --------------------------------------------------------------------------------------
# Parsing a full name
# --------------------------------------------------------------------------------------

# Parts that are not names but connectors; keys are phonetic keys.
_PATRONYMIC_MARKERS_AFTER = frozenset(  # "Əli oğlu", "Sona Xəyal qızı": marks the part before
    {"OHLU", "OHLI", "OLU", "KISI", "HISI", "KIS", "UHLI", "UHLU"}
)
_PATRONYMIC_MARKERS_BEFORE = frozenset(  # "bin Ali", "ibn", "bint", "ben": marks the next part
    {"BIN", "IBN", "BINT", "BEN", "BN", "IBNU", "BENT"}
)
_ARTICLES = frozenset({"al", "el", "ul"})
_SUN_ARTICLES = frozenset({"at", "ad", "ar", "as", "ash", "az", "an", "ath", "adh"})
_ALLAH = frozenset({"allah", "ullah", "ulla", "allakh"})
_FUSE_NEXT = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abu", "abou", "abo", "bu"})
_PATRONYMIC_RE = re.compile(r"(?:VIX|VNA|IXNA|IKNA|ILIX|ILIK|VIS|VIXS|.{5,}VIK)$")
_MRZ_PREFIX_RE = re.compile(r"^[PIACV][A-Z<][A-Z<]{3}(?=[A-Z])")


class NameToken(NamedTuple):
    """One comparable part of a name."""

    raw: str  # as written (after splitting), for explanations
    script: str
    latin: str  # lower-case ASCII transliteration
    key: str  # phonetic key
    skel: str  # consonant skeleton
    role: str  # "surname", "given", "patronymic" or "" when unknown
    alt: str = ""  # alternate key for ambiguous letters (see alternate_key)

    @property
    def arabic(self) -> bool:
        return self.script == "Arabic"

    @property
    def optional(self) -> bool:
        """Whether a missing counterpart costs little (patronymics, nasab)."""
        return self.role == "patronymic"


@dataclass(frozen=True, slots=True)
class ParsedName:
    original: str
    tokens: tuple[NameToken, ...]
    form: str  # "mrz", "list" (Surname, Given) or "plain"


@lru_cache(maxsize=1 << 18)
def token_info(raw: str) -> NameToken | None:
    """The comparable token (role unset) of one raw name part, or None if it has no letters."""
    script = detect_script(raw)
    latin = to_latin(raw, script)
    if not latin:
        return None
    key = phonetic_key(latin)
    return NameToken(raw, script, latin, key, skeleton(key), "", alternate_key(latin))


def token_key(raw: str) -> tuple[str, str, str, str]:
    """(script, latin, key, skeleton) of one raw name part."""
    t = token_info(raw)
    if t is None:
        return detect_script(raw), "", "", ""
    return t.script, t.latin, t.key, t.skel


def _fuse_arabic(
    raws: list[str], lats: list[str], roles: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """Fuse Arabic articles and Abd/Abu to the following part (Al Masri -> AlMasri) and
    "Allah" to the preceding one (Nasr Allah -> Nasrallah)."""
    out_r: list[str] = []
    out_l: list[str] = []
    out_o: list[str] = []
    i = 0
    n = len(raws)
    while i < n:
        r, lat, role = raws[i], lats[i], roles[i]
        if i + 1 < n and lat:
            nxt = lats[i + 1]
            is_article = lat in _ARTICLES or (lat in _SUN_ARTICLES and nxt.startswith(lat[1:]))
            if is_article and nxt and len(nxt) > 1:
                if lat in _SUN_ARTICLES:
                    lat = "al"
                raws[i + 1] = r + "-" + raws[i + 1]
                lats[i + 1] = lat + nxt
                i += 1
                continue
            if (lat in _FUSE_NEXT or r in _ARABIC_FUSE) and nxt and len(nxt) > 1:
                raws[i + 1] = r + " " + raws[i + 1]
                lats[i + 1] = lat + nxt
                i += 1
                continue
        if lat in _ALLAH and out_l:
            out_r[-1] = out_r[-1] + " " + r
            out_l[-1] = out_l[-1] + lat
            i += 1
            continue
        out_r.append(r)
        out_l.append(lat)
        out_o.append(role)
        i += 1
    return out_r, out_l, out_o


_FUSE_TRIGGERS = _ARTICLES | _SUN_ARTICLES | _FUSE_NEXT | _ALLAH


_SPLIT_TABLE = str.maketrans(
    {
        **{c: " " for c in '\t\n\r-‐‑–—<,./;:()[]"_+&'},
        **{c: None for c in "'’‘`´ʹʺʻʼʽʾʿ\u02bc\u0301\u00b7"},
    }
)


def split_name(text: str) -> list[str]:
    """Split a name into raw parts on spaces, hyphens, '<', commas, dots ...; drop
    apostrophes and modifier letters."""
    return text.translate(_SPLIT_TABLE).split()


_split = split_name
_ARABIC_FUSE = frozenset({"عبد", "أبو", "ابو"})


@lru_cache(maxsize=1 << 16)
def parse_name(text: str) -> ParsedName:
    """Parse a name in any script, order or MRZ form into comparable tokens."""
    form, raws, roles = split_parts(text)
    return ParsedName(text, name_tokens(raws, roles, form), form)


def split_parts(text: str) -> tuple[str, list[str], list[str]]:
    """The form ("mrz", "list" or "plain") of a name, its raw parts and their roles as
    written ("surname", "given" or "" when the form does not say): the first step of
    ``parse_name``, shared with the index build."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
    if "<" not in text and "," not in text:
        raws = _split(text)
        return "plain", raws, [""] * len(raws)
    if "<" in text:
        form = "mrz"
        line = text.replace(" ", "").upper()
        if len(line) in (36, 44):  # a whole MRZ line 1 (TD2/TD3): document code + issuer
            line = _MRZ_PREFIX_RE.sub("", line)
        sur, _, given = line.partition("<<")
    else:
        form = "list"
        sur, _, given = text.partition(",")
    sur_parts = _split(sur)
    given_parts = _split(given)
    return (
        form,
        sur_parts + given_parts,
        ["surname"] * len(sur_parts) + ["given"] * len(given_parts),
    )


def name_tokens(raws: list[str], roles: list[str], form: str) -> tuple[NameToken, ...]:
    """The comparable tokens of a name's raw parts (``split_parts``): the second step of
    ``parse_name`` (Arabic fusing, particles, patronymics). The lists are not changed."""
    infos = [token_info(r) for r in raws]
    if any(i is None for i in infos):
        keep = [k for k, i in enumerate(infos) if i is not None]
        raws = [raws[k] for k in keep]
        roles = [roles[k] for k in keep]
        infos = [infos[k] for k in keep]
    toks: list[NameToken] = [i for i in infos if i is not None]
    if len(toks) > 1 and any(t.latin in _FUSE_TRIGGERS or t.raw in _ARABIC_FUSE for t in toks):
        lats = [t.latin for t in toks]
        raws2, lats2, roles2 = _fuse_arabic(list(raws), lats, list(roles))
        if lats2 != lats:
            toks = []
            for r, lat, role in zip(raws2, lats2, roles2, strict=True):
                key = phonetic_key(lat)
                toks.append(
                    NameToken(
                        r, detect_script(r), lat, key, skeleton(key), role, alternate_key(lat)
                    )
                )
            roles = roles2
    if form != "plain":
        toks = [t._replace(role=role) if role else t for t, role in zip(toks, roles, strict=True)]

    tokens: list[NameToken] = []
    before: dict[int, str] = {}  # index -> role before a suffix-based patronymic guess
    mark_next = False
    for t in toks:
        key = t.key
        if key in _PATRONYMIC_MARKERS_AFTER and tokens:
            tokens[-1] = tokens[-1]._replace(role="patronymic")
            continue
        if key in _PATRONYMIC_MARKERS_BEFORE:
            mark_next = True
            continue
        if mark_next:
            t = t._replace(role="patronymic")
        elif t.role != "surname" and len(key) > 4 and _PATRONYMIC_RE.search(key):
            before[len(tokens)] = t.role
            t = t._replace(role="patronymic?")  # by suffix: confirmed below
        mark_next = False
        tokens.append(t)
    if before:
        # A suffix-detected patronymic (-ovich, -ovna ...) only counts as one when at least
        # two other parts remain: "Marko Petrović" keeps its surname.
        n_core = sum(1 for t in tokens if not t.role.startswith("patronymic"))
        for i, role in before.items():
            tokens[i] = tokens[i]._replace(role="patronymic" if n_core >= 2 else role)
    return tuple(tokens)
