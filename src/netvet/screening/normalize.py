"""Turning a company name into comparable tokens, with the field's libraries.

rigour does the heavy lifting: Unicode case folding and name tokenisation (`normalize` with the NAME
flag), transliteration of any script to ASCII (`ascii_text`, which gives pinyin for Chinese) and the
removal of legal forms from its database of company types (`remove_org_types`: Co., Ltd., Inc., GmbH,
AO, Oy ...). What rigour does not know is kept as data in data/screening.yaml: Chinese legal forms and
words (有限公司, 技术), canonical forms of words companies abbreviate (tech / technologies), and which
words are generic or places (they weigh less).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour._core import MAX_NAME_LENGTH
from rigour.names import remove_org_types
from rigour.text.normalize import Cleanup, Normalize, normalize
from rigour.text.translit import ascii_text

from netvet.screening.config import ScreeningConfig, default_config, is_country_name

_NAME_FLAGS = Normalize.CASEFOLD | Normalize.NAME
_C1_CONTROL = re.compile(r"[\x80-\x9f]")
# Han ideographs (CJK unified, extension A, compatibility) and Hangul syllables: scripts that write a
# company name without spaces (한국화웨이 is Korea + Huawei), segmented before transliterating.
_UNSPACED_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3]+")
# Latin letters or digits written against Japanese kana ("ZTEジャパン"): a word boundary that no space marks.
_KANA_BOUNDARY = re.compile(r"(?<=[A-Za-z0-9])(?=[\u3040-\u30ff])|(?<=[\u3040-\u30ff])(?=[A-Za-z0-9])")
# Runs of short tokens are joined back when the join is a known word: "you xian gong si" -> youxiangongsi.
_MAX_JOIN = 4
_SYLLABLE_MAX = 7
_MISSPELT_MIN = 7  # legal-form and canonical words this long are recognised one edit away
_MISSPELT_TWO_EDITS = 11  # ... and two edits away from this length
# A word of a name that is a host name, a URL or an e-mail address (www.huawei.com, support@zte.com.cn).
_HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]+@)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#].*)?$", re.I
)
# Where a name's location or branch tail begins: a comma, semicolon, bracket, or a dash between spaces.
_TAIL_SEPARATOR = re.compile(r"\s+[-\u2013\u2014|]\s+|[,;()\[\]]")
_POSTCODE_MIN = 4  # a number this long in a tail is a postcode or street number


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: its canonical tokens and how much each one counts."""

    original: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def text(self) -> str:
        """The normalised form shown in explanations."""
        return " ".join(self.tokens)

    @property
    def total_weight(self) -> float:
        return sum(self.weights)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)


class Normalizer:
    def __init__(self, config: ScreeningConfig | None = None) -> None:
        self.config = config or default_config()
        self._cached = lru_cache(maxsize=200_000)(self._form)
        self._joinable = frozenset(self.config.canonical) | self.config.extra_legal_forms
        self._repaired: dict[str, str] = {}
        targets: dict[str, list[tuple[str, str]]] = {}
        for form in self.config.extra_legal_forms:
            if len(form) >= _MISSPELT_MIN:
                targets.setdefault(form[0], []).append((form, ""))
        for form, target in self.config.canonical.items():
            if len(form) >= _MISSPELT_MIN:
                targets.setdefault(form[0], []).append((form, target))
        self._misspelling_targets = targets
        # Known words and places of the unspaced scripts, longest first: tried at every character of a run.
        words = (*self.config.cjk_words, *self.config.cjk_places)
        self._unspaced_vocabulary = tuple(sorted(words, key=len, reverse=True))

    def __call__(self, name: str) -> NameForm:
        return self._cached(name)

    def entry_form(self, name: str) -> NameForm:
        """A list entry's name: the same tokens, weighted as an entry's (see ScreeningConfig.weight_of)."""
        form = self(name)
        weights = tuple(self.config.weight_of(token, in_entry=True) for token in form.tokens)
        return form if weights == form.weights else NameForm(name, form.tokens, weights)

    def _form(self, name: str) -> NameForm:
        tokens = self.tokens(name)
        weights = tuple(self.config.weight_of(token) for token in tokens)
        return NameForm(original=name, tokens=tokens, weights=weights)

    def tokens(self, name: str) -> tuple[str, ...]:
        # rigour's own limit for a name; anything longer is not a company name and would only cost time.
        name = name[:MAX_NAME_LENGTH]
        if "." in name or "@" in name:
            name = " ".join(self.host_label(word) or word for word in name.split())
        if _C1_CONTROL.search(name):
            # Windows-1252 punctuation that went through a Latin-1 decode (the real CSL has "Gui\x92an").
            name = _C1_CONTROL.sub(_cp1252, name)
        if _UNSPACED_RUN.search(name):
            name = self._segment_unspaced(name)
        if not name.isascii():
            name = ascii_text(_KANA_BOUNDARY.sub(" ", name))
        text = normalize(name, _NAME_FLAGS, Cleanup.Noop) or ""
        without_forms = _join_initials(remove_org_types(text).split())
        raw = without_forms or text.split()
        tokens = self._canonical(raw)
        # A name made only of legal forms ("Limited Company") keeps its words rather than vanish.
        return tokens or tuple(raw)

    def host_label(self, word: str) -> str | None:
        """The registrable label of a host name, URL or e-mail address (e.huawei.com/en -> huawei,
        sales@zte.com.cn -> zte); None when the word is not one (Tech.Co, S.A.)."""
        found = _HOST.match(word)
        if found is None:
            return None
        labels = found.group(1).lower().split(".")
        cfg = self.config
        if labels[-1] not in cfg.top_level_domains:
            return None
        suffix = 2 if ".".join(labels[-2:]) in cfg.second_level_domains and len(labels) > 2 else 1
        return labels[-suffix - 1] if len(labels) > suffix else None

    def location_head(self, name: str) -> tuple[str, str] | None:
        """(head, tail) when the name ends in a location or branch tail ("Huawei Tech Co., Ltd. -
        Shenzhen, PRC", "ZTE Corporation (Nanjing Branch)"): the part after the name and its legal forms,
        holding a place, a postcode or an address or branch word. None when there is no such tail."""
        cuts = [(m.start(), m.end()) for m in _TAIL_SEPARATOR.finditer(name)]
        if not cuts:
            return None
        bounds = [0, *(e for _, e in cuts)]
        ends = [*(s for s, _ in cuts), len(name)]
        segments = [name[b:e] for b, e in zip(bounds, ends, strict=True)]
        head_end = 1
        while head_end < len(segments) and self._legal_form_only(segments[head_end]):
            head_end += 1
        head, tail = (
            name[: ends[head_end - 1]].strip(),
            name[bounds[head_end] :] if head_end < len(segments) else "",
        )
        if not tail.strip() or not head or not any(self._locates(s) for s in segments[head_end:]):
            return None
        return head, tail.strip()

    def _legal_form_only(self, segment: str) -> bool:
        text = normalize(segment, _NAME_FLAGS, Cleanup.Noop) or ""
        return all(self._repair(t) == "" for t in remove_org_types(text).split())

    def _locates(self, segment: str) -> bool:
        cfg = self.config
        for token in self.tokens(segment):
            if token in cfg.location_tail_words or token in cfg.places or is_country_name(token):
                return True
            if token.isdigit() and len(token) >= _POSTCODE_MIN:
                return True
        return False

    def _segment_unspaced(self, name: str) -> str:
        """Cut legal forms, known words and places out of Han and Hangul runs before transliteration, so
        华为技术有限公司 becomes "huawei tech" and not eight separate syllables, 한국화웨이 "korea hwawei"."""

        def segment(match: re.Match[str]) -> str:
            run = match.group(0)
            for form in self.config.cjk_legal_forms:
                run = run.replace(form, " ")
            pieces: list[str] = []
            i = 0
            chunk = ""
            while i < len(run):
                if run[i] == " ":
                    pieces.append(chunk)
                    chunk = ""
                    i += 1
                    continue
                word = next((w for w in self._unspaced_vocabulary if run.startswith(w, i)), None)
                if word is None:
                    chunk += run[i]
                    i += 1
                    continue
                pieces.append(chunk)
                chunk = ""
                pieces.append(self._cjk_replacement(word))
                i += len(word)
            pieces.append(chunk)
            # Each remaining chunk is one word: transliterate and join its syllables (华为 -> huawei).
            words = [p if p.isascii() else ascii_text(p).replace(" ", "") for p in pieces if p.strip()]
            return " " + " ".join(words) + " "

        return _UNSPACED_RUN.sub(segment, name)

    def _cjk_replacement(self, word: str) -> str:
        if word in self.config.cjk_words:
            return self.config.cjk_words[word]
        if len(word) == 1:  # 市 (city), 省 (province): administrative suffixes, dropped
            return ""
        return ascii_text(word).replace(" ", "")

    def _canonical(self, raw: list[str]) -> tuple[str, ...]:
        joined = _join_known(raw, self._joinable)
        out = []
        for token in joined:
            repaired = self._repaired.get(token)
            if repaired is None:
                repaired = self._repaired[token] = self._repair(token)
            if repaired:
                out.append(repaired)
        return tuple(out)

    def _repair(self, token: str) -> str:
        """The token's canonical form; "" for a legal form. Long words one edit away (two when very
        long) from a legal form or a word with a canonical form count as misspellings of it:
        "Corportion", "Technolgies", "Telecomunication"."""
        cfg = self.config
        if token in cfg.extra_legal_forms:
            return ""
        if token in cfg.canonical:
            return cfg.canonical[token]
        if len(token) < _MISSPELT_MIN:
            return token
        allowed = 2 if len(token) >= _MISSPELT_TWO_EDITS else 1
        # Misspellings rarely touch the first letter: compare only words that start alike.
        for form, target in self._misspelling_targets.get(token[0], ()):
            limit = 1 if target == "" else allowed
            if (
                abs(len(form) - len(token)) <= limit
                and OSA.distance(form, token, score_cutoff=limit) <= limit
            ):
                return target
        return token


def _cp1252(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return " "


def _join_initials(tokens: list[str]) -> list[str]:
    """Letters written apart are one word: "Z T E", "Z. T. E.", "S.M.I.C." -> zte, smic."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.extend(["".join(run)] if len(run) > 1 else run)
            run = []
        if token:
            out.append(token)
    return out


def _join_known(tokens: list[str], known: set[str] | frozenset[str]) -> list[str]:
    """Join runs of short tokens whose concatenation is a known word (pinyin syllables, R D)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_JOIN, len(tokens) - i), 1, -1):
            run = tokens[i : i + size]
            if all(len(t) <= _SYLLABLE_MAX for t in run) and "".join(run) in known:
                out.append("".join(run))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    return Normalizer()
