"""The places of the shipped lexicons as users meet them: namesakes told apart by population
(the prominence rule), and common English words that are also names of villages."""

from __future__ import annotations

import dataclasses

import pytest

from translitnorm import Normaliser
from translitnorm.common_words import is_common_word
from translitnorm.decision import PROMINENCE_RATIO


@pytest.fixture(scope="module")
def norm(shipped):
    return shipped


# A city far larger than every namesake (Donetsk, Ukraine: 901,645 people; Donetsk, Rostov
# oblast: 50,850) is what a reader means by the bare name; the explanation says why.
@pytest.mark.parametrize("query, expected", [
    ("Donetsk", "ua.donetsk"), ("Moskva", "ru.moscow"), ("Frunze", "kg.bishkek"),
    ("Sverdlovsk", "ru.yekaterinburg"), ("Kasan", "ru.kazan"), ("Lugansk", "ua.luhansk"),
    ("Berlin", "de.berlin"), ("Париж", "fr.paris"),
])
def test_a_far_larger_namesake_wins_a_tie(norm, query, expected):
    result = norm.resolve(query)
    assert result.id == expected
    assert len([c for c in result.candidates if result.candidates[0].score - c.score < norm.rule.margin]) >= 2
    (decision,) = norm.explain(query).of_stage("decision")
    assert decision.output == expected
    assert "namesake(s) within" in decision.evidence["prominent"] and f"≥ {PROMINENCE_RATIO}×" in decision.evidence["prominent"]


# Comparable towns of one name stay ambiguous: Zheleznogorsk (Krasnoyarsk krai, Kursk oblast),
# Kirovsk (Murmansk and Leningrad oblasts, Belarus), Karakol and Kara-Kul (3× apart).
@pytest.mark.parametrize("query", ["Zheleznogorsk", "Kirovsk", "Karakol", "Oktyabrsky"])
def test_comparable_namesakes_stay_ambiguous(norm, query):
    result = norm.resolve(query)
    assert result.id is None and result.reason == "ambiguous"
    assert len(result.candidates) >= 2


# A town's former name that is also a region's (and a lake's) name is no town's alone: GeoNames
# lists Issyk-Kul' and Ysyk-Köl among the names of Balykchy (so called 1989-1992).
@pytest.mark.parametrize("query", ["Issyk-Kul", "Issyk-Koul", "Ysyk-Köl", "Иссык-Куль", "Issyk-Kul Region"])
def test_a_regions_name_is_not_given_to_the_town_that_once_bore_it(norm, query):
    result = norm.resolve(query)
    assert result.id is None and result.reason == "ambiguous"
    assert {"kg.balykchy", "kg.ysyk-kol"} <= {c.id for c in result.candidates}


def test_the_ratio_is_the_rule_and_a_lower_one_decides_more(norm):
    # Karakol (84,351 people) and Kara-Kul (26,901): 3.1× apart, below the ratio
    lenient = Normaliser(norm.index, dataclasses.replace(norm.rule, prominence_ratio=3.0))
    assert norm.resolve("Karakol").id is None
    assert lenient.resolve("Karakol").id == "kg.karakol"


# Snow, Oil and Police are the names (or a rendering of the names) of villages: Сноў in Belarus,
# Ойыл in Kazakhstan, Polytsi (Police in Polish) in Ukraine. As one word they are the English
# word; so is Turn (an untagged alias of Angren, a city) and the German Bein (Beijing by key).
@pytest.mark.parametrize("query", ["Snow", "Oil", "Police", "snow", "POLICE", "Turn", "Bein", "Samen", "Berg"])
def test_a_common_word_is_not_a_village(norm, query):
    result = norm.resolve(query)
    assert result.id is None and result.reason == "common-word", result
    assert result.candidates
    (decision,) = norm.explain(query).of_stage("decision")
    assert decision.evidence["reason"] == "common-word" and "is a common word" in decision.evidence["common_word"]


# The case that must not break: a common word that names a large place, and the village's own spelling.
@pytest.mark.parametrize("query, expected", [
    ("Paris", "fr.paris"), ("Moscow", "ru.moscow"), ("Berlin", "de.berlin"), ("Moskau", "ru.moscow"),
    ("Brest", "by.brest"), ("Mary", "tm.mary"), ("Oral", "kz.oral"), ("Snov", "by.snow"),
    ("Polytsi", None),  # two villages, one without a population figure: that one never outweighs
])
def test_large_places_and_village_spellings_still_resolve(norm, query, expected):
    assert is_common_word(query) == (query not in ("Snov", "Polytsi"))
    assert norm.resolve(query).id == expected


@pytest.mark.parametrize("query, expected", [("Russia", "ru.country"), ("Ukraine", "ua.country")])
def test_a_common_word_naming_an_entity_without_population_is_not_concerned(norm, query, expected):
    # the curated countries state no population: they are never weighed
    assert is_common_word(query)
    assert norm.resolve(query).id == expected


def test_common_word_rule_is_one_figure(norm):
    # the village Сноў has 2,600 people: with no minimum it is given again
    anything = Normaliser(norm.index, dataclasses.replace(norm.rule, common_word_min_population=0))
    assert anything.resolve("Snow").id == "by.snow"


@pytest.mark.parametrize("query, expected", [
    ("Rostow am Don", "ru.rostov-on-don"),      # German exonym: Don is also a title (Spanish, Italian)
    ("Rostov na Donu", "ru.rostov-on-don"),
    ("Bishkek mayor", "kg.bishkek"),            # a title after a place's name is still a title
    ("Moscow governor", "ru.moscow"),
])
def test_a_title_word_after_the_first_word_can_belong_to_a_place_name(norm, query, expected):
    assert norm.resolve(query).id == expected


def test_a_title_word_before_a_name_stays_a_title(norm):
    assert norm.resolve("Don").method == "empty"
    kurmanbek = norm.resolve("Kurmanbek Bakiyev president")
    assert kurmanbek.id == "kg.bakiev.kurmanbek" and kurmanbek.method == "exact"
