"""Vietnamese syllables: what a word typed without diacritics can spell at all."""
from __future__ import annotations

import re
from functools import lru_cache

# A folded Vietnamese syllable: an onset, then a vowel group. iê / uô / uyê and oo always take a
# final consonant, uy only ch / nh / p / t, others may; groups ending in a glide (ai, ao, eo, uu...)
# take none. yê starts a syllable or follows qu (yên, quyên; after a consonant it is spelt iê).
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_FINAL = r"(?:ch|ng|nh|[cmnpt])"
_CLOSED = rf"(?:uye|ie|uo|oo){_FINAL}|(?:oa|oe|ua|[aeiouy]){_FINAL}?|uy(?:ch|nh|[pt])?"
_OPEN = r"(?:oai|oay|oeo|uay|uoi|uou|uya|uyu|ieu|ai|ao|au|ay|eo|eu|ia|iu|oi|ui|uu|ue)"
_SYLLABLE = re.compile(f"{_ONSET}(?:{_CLOSED}|{_OPEN})|(?:qu)?(?:ye{_FINAL}|yeu)")


@lru_cache(maxsize=16384)
def is_syllable(word: str) -> bool:
    """Whether a folded word can be written in Vietnamese at all ("quang" yes; "qaun", "quaang",
    "thhao", "ngueyn" no: a word no Vietnamese could be named is a slip of the keyboard)."""
    return _SYLLABLE.fullmatch(word) is not None
