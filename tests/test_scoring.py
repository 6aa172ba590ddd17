"""Candidates are scored lazily, best bound first: the best few are those a full scoring ranks first."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import example, given, settings
from hypothesis import strategies as st

from translitnorm.index import CompiledIndex
from translitnorm.lexicon import Lexicon, LexiconLine
from translitnorm.matcher import Matcher
from translitnorm.scoring import CandidatePool
from translitnorm.text import parse_name

GIVEN = ["Анна", "Алексей", "Андрей", "Борис", "Вера", "Иван", "Ирина", "Наталья", "Николай", "Павел"]
PATRONYMIC = ["Алексеевич", "Андреевна", "Борисович", "Ивановна", "Николаевич", "Павловна"]
SURNAMES = ["Иванов", "Иванова", "Петров"]


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    # Many people of three surnames, given names and patronymics sharing first letters: an
    # initial and a surname reach dozens of them, as a common surname does in a large lexicon.
    lines = []
    for number in range(120):
        name = f"{GIVEN[number % 10]} {PATRONYMIC[number * 7 % 6]} {SURNAMES[number % 3]}"
        if number % 4 == 0:
            name = f"{GIVEN[number % 10]} {SURNAMES[number % 3]}"  # no patronymic
        lines.append(LexiconLine(f"ru.p{number:03d}", "person", "ru", name, "source"))
    return Matcher(CompiledIndex.compile(Lexicon.from_lines(lines)))


initial = st.sampled_from("АБВИНПКЕ").map(lambda letter: letter + ".")
surname = st.sampled_from(["Ivanov", "Ivanova", "Ivanoff", "Petrov", "Petrova", "Иванов"])
queries = st.one_of(
    st.tuples(st.lists(initial, min_size=1, max_size=3), surname).map(lambda q: " ".join(q[0] + [q[1]])),
    st.tuples(surname, st.lists(initial, min_size=1, max_size=3)).map(lambda q: q[0] + " " + "".join(q[1])),
    st.tuples(st.sampled_from(["Ivan", "Anna", "Pavel"]), initial, surname).map(" ".join),
)


@settings(max_examples=150, deadline=None)
@given(query=queries, limit=st.integers(1, 4))
@example(query="А. Б. Ivanova", limit=1)  # Борис Андреевич fits both initials one by one, not both at once
@example(query="Anna Б. Petrov", limit=1)  # after a full given name, an initial is the patronymic
def test_the_best_candidates_are_those_a_full_scoring_ranks_first(query, limit):
    matcher = _matcher()
    parsed = parse_name(query)
    lazily = CandidatePool(matcher.scorer, parsed, matcher.has_whole_names).top(limit)
    everyone = CandidatePool(matcher.scorer, parsed, matcher.has_whole_names).top(None)
    assert [(c.id, c.score) for c in lazily] == [(c.id, c.score) for c in everyone[:limit]]
