"""Which one-letter differences between two matching keys are slips of typing or transliteration.

A one-word name found only fuzzily is given an ID when the difference is one such slip
and no other entity of the lexicon is near (see ``PartLookup.accepted_slip`` and ``Matcher._slip``). The kinds:
two neighbouring letters swapped (Krasnojarks), a letter dropped or added anywhere but
at the start or the end (Gagrin, Hertzen), a vowel for a vowel (Mendeleyv), and a consonant for one
that sounds alike (Turgenef, Kalashnicov). A different first letter is never a slip:
Leskov is not Peskov, Akunin not Bakunin, Slutsk not Lutsk; nor is a letter more or less at
the end, which makes a female form, a town or another surname (Gagarina, Pushkino, Bulgak).
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

# Keys are lower-case Latin letters plus Cyrillic class letters (ч ш ж х …), see keys.py.
_VOWELS = frozenset("aeiouyэы")
# Consonants that writers put for one another: f/v (Turgenef), c/k (Kalashnicov), c/z and
# z/s (German z for ц: Herzen). ч, ш, ж stay apart (see DESIGN: merging them multiplies
# false answers).
_SOUND_ALIKE = frozenset({frozenset("fv"), frozenset("ck"), frozenset("cz"), frozenset("sz")})


def slip_kind(typed: str, known: str) -> str | None:
    """The kind of slip that makes ``typed`` out of ``known`` (two matching keys), or None
    when they differ by more than one slip or by a change that makes another name.

    >>> slip_kind("gagrin", "gagarin"), slip_kind("krasnoiarks", "krasnoiarsk"), slip_kind("turgenef", "turgenev")
    ('letter dropped', 'letters swapped', 'like-sounding consonant')
    >>> slip_kind("leskov", "peskov"), slip_kind("akunin", "bakunin"), slip_kind("pushkino", "pushkin")
    (None, None, None)
    """
    if typed == known or OSA.distance(typed, known, score_cutoff=1) > 1:
        return None
    if len(typed) == len(known):
        differ = [i for i, (a, b) in enumerate(zip(typed, known)) if a != b]
        if len(differ) == 2:
            return "letters swapped"  # OSA distance 1 with two differences is a transposition
        (i,) = differ
        if i == 0:
            return None
        a, b = typed[i], known[i]
        if a in _VOWELS and b in _VOWELS:
            return "vowel for a vowel"
        return "like-sounding consonant" if frozenset((a, b)) in _SOUND_ALIKE else None
    shorter, longer = sorted((typed, known), key=len)
    i = next((i for i, (a, b) in enumerate(zip(shorter, longer)) if a != b), len(shorter))
    if i == 0 or i == len(shorter):
        return None  # at the end a letter is an ending: Gagarina, Pushkino, Bulgak are other names
    return "letter dropped" if len(typed) < len(known) else "letter added"


# The suffixes Russian surnames are made with, as matching keys write them (-ов/-ёв, -ев,
# -ин/-ын). Without its suffix a surname is the word it was made from, often a surname of
# its own (Булгак, Булгаков; Медведь, Медведев); a given name with a letter more at its end
# is usually the same name in another language (Antoni, Anton).
_SURNAME_SUFFIXES = ("ov", "ev", "in")


def only_ending_differs(typed: str, known: str) -> bool:
    """True when one key is the other with a surname suffix added or cut at its end: not a
    slip but another name (Булгак is a surname of its own, not Булгаков), so such a
    neighbour is no fuzzy evidence at all, in one word or in a longer name.

    >>> only_ending_differs("bulgak", "bulgakov"), only_ending_differs("mendeleiv", "mendeleev")
    (True, False)
    >>> only_ending_differs("antoni", "anton")
    False
    """
    shorter, longer = sorted((typed, known), key=len)
    return longer[len(shorter):] in _SURNAME_SUFFIXES and longer.startswith(shorter)
