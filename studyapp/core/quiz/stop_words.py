"""Filler words, per language: what a long typed answer is not checked on (see ``answer_match.key_terms``).

A small built-in list for English, German, French and Spanish, written as compared (folded: lower case,
no accents, so "über" is "uber"). Which list applies is decided from the answer itself: text in the Latin
script takes the list of the language whose filler words it uses most (English when none or a tie);
text in any other script (Cyrillic, Greek, CJK...) has no filler words, so every word of it counts.
A word that is content in one language and filler in another ("die", "come", "con") is dropped only in
the language that makes it filler.

Negations are never filler ("no", "not", "nicht", "kein", "pas", "sans", "sin"...): "not guilty" is not
"guilty".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_LISTS = {
    "en": """
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each either even ever every few for from further had has
have having he her here hers herself him himself his how however i if in into is it its itself just may me might
more most must my myself now of off on once only or other our ours ourselves out over own same shall she should
so some such than that the their theirs them themselves then there these they this those through to too under
until up upon very was we were what when where which while who whom whose why will with within would yet you
your yours yourself yourselves
""",
    "de": """
der die das den dem des ein eine einen einem einer eines und oder aber denn sondern doch auch als wie wenn dass
ob weil ist sind war waren bin bist seid wird werden wurde wurden worden sein hat haben hatte hatten habe kann
konnen muss mussen soll sollen will wollen mag zu zum zur im in ins am an auf aus bei mit nach von vom vor uber
unter um durch fur gegen bis seit es er sie wir ihr ich du man sich sein seine seiner seinem seinen ihre ihrer
ihrem ihren ihres dieser diese dieses diesen diesem jener jene welche welcher welches so sehr noch schon nur hier
dort da dann also etwa
""",
    "fr": """
le la les l un une des du de d et ou mais donc or car ni a au aux en dans par pour sur sous avec chez vers entre
est sont etait etaient ete etre sera seront a ai as avons avez ont avait avaient avoir fait qui que qu quoi dont
ou ce cet cette ces c il elle ils elles on je j tu nous vous me m te t se s lui leur leurs son sa ses mon ma mes
ton ta tes notre nos votre vos y aussi tres plus bien comme si alors puis
""",
    "es": """
el la los las lo un una unos unas y e o u pero mas que de del a al en con por para sobre entre hasta desde hacia
segun tras es son era eran fue fueron ser sido siendo esta estan estaba estaban estar ha han habia habian haber
he has se su sus mi mis tu tus nuestro nuestra nuestros nuestras le les me te nos os yo el ella ellos ellas usted
ustedes este esta estos estas ese esa esos esas aquel aquella como cuando donde quien cual cuales muy tambien ya
""",
}
STOP_WORDS = {language: frozenset(text.split()) for language, text in _LISTS.items()}
_NEGATIONS_TEXT = (
    "no not nor without never nicht kein keine keinen keinem keiner nie ohne ne pas non sans jamais sin nunca"
)
NEGATIONS = frozenset([*_NEGATIONS_TEXT.split(), "nunca"])
for _language, _words in STOP_WORDS.items():
    assert not _words & NEGATIONS, _language  # a negation must never be dropped


def is_latin(text: str) -> bool:
    """Whether most letters of ``text`` are Latin letters (accented ones included)."""
    latin = other = 0
    for char in text:
        if char.isalpha():
            if unicodedata.name(char, "").startswith("LATIN"):
                latin += 1
            else:
                other += 1
    return latin > other


def language_of(words: Sequence[str]) -> str:
    """The language whose filler list covers most of ``words`` (folded); English on a tie or none."""
    best, best_count = "en", 0
    for language, stop in STOP_WORDS.items():
        count = sum(word in stop for word in words)
        if count > best_count:
            best, best_count = language, count
    return best


def stop_words_for(text: str, words: Sequence[str]) -> frozenset[str]:
    """The filler words of an answer: ``text`` as written (its script), ``words`` as compared (folded)."""
    if not is_latin(text):
        return frozenset()
    return STOP_WORDS[language_of(words)]
