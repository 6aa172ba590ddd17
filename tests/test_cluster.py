"""The clusterer: variants of an unknown name share one stable cluster ID; DESIGN's must-not-merge pairs stay apart."""

from __future__ import annotations

import json
import sys

import pytest
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm.cli import app, cluster_cmd  # noqa: F401  (registers the command)
from translitnorm.cluster import cluster_id, cluster_names, name_keys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import cluster_quality  # noqa: E402


def groups(names_with_counts):
    return sorted(sorted(name for name, _ in c.members) for c in cluster_names(names_with_counts))


def test_spellings_of_one_name_share_a_cluster_with_the_most_frequent_as_representative():
    clusters = cluster_names({"Daniyar Usenov": 3, "Daniar Ussenov": 1, "Daniyar Oussenov": 1, "Usenov, Daniyar": 2,
                              "Felix Kulov": 2})
    assert [(c.representative, c.count) for c in clusters] == [("Daniyar Usenov", 7), ("Felix Kulov", 2)]
    assert [name for name, _ in clusters[0].members] == [
        "Daniyar Usenov", "Usenov, Daniyar", "Daniar Ussenov", "Daniyar Oussenov"]
    assert clusters[0].id.startswith("~") and clusters[0].id == cluster_id(clusters[0].key)


def test_representative_ties_go_to_the_alphabetically_first_spelling():
    [cluster] = cluster_names({"Temir Sarijew": 2, "Temir Sariyev": 2})
    assert cluster.representative == "Temir Sarijew"


def test_one_edit_apart_joins_long_parts_but_not_short_ones():
    assert groups({"Tekebayev": 1, "Tekebaev": 1, "Tekbayev": 1}) == [["Tekbayev", "Tekebaev", "Tekebayev"]]
    assert groups({"Ivan Kim": 1, "Ivan Kum": 1}) == [["Ivan Kim"], ["Ivan Kum"]]
    assert groups({"Abdrakhmanov": 1, "Abdrahmanov": 1, "Abdrakhmanow": 1, "Abdurakhmanov": 1}) == [
        ["Abdrahmanov", "Abdrakhmanov", "Abdrakhmanow", "Abdurakhmanov"]]


def test_must_not_merge_sibilants_gender_forms_and_digits():
    assert groups({"Sasha Petrenko": 1, "Chacha Petrenko": 1}) == [["Chacha Petrenko"], ["Sasha Petrenko"]]
    assert groups({"Olga Ivanova": 1, "Olga Ivanov": 1}) == [["Olga Ivanov"], ["Olga Ivanova"]]
    assert groups({"Daniyar Usenov": 1, "Daniyar Usenova": 1}) == [["Daniyar Usenov"], ["Daniyar Usenova"]]
    assert groups({"Tomsk-7": 1, "Tomsk-8": 1, "Tomsk-7 ": 1}) == [["Tomsk-7", "Tomsk-7 "], ["Tomsk-8"]]
    assert groups({"Zhukov": 1, "Shukov": 1}) == [["Shukov"], ["Zhukov"]]
    assert groups({"Roman Antonov": 1, "Romana Antonov": 1}) == [["Roman Antonov"], ["Romana Antonov"]]
    assert groups({"Halina Belkevics": 1, "Kalina Belkevics": 1}) == [["Halina Belkevics"], ["Kalina Belkevics"]]


def test_two_misspelt_parts_are_two_other_names_not_variants():
    assert groups({"Agafia Lesina": 1, "Agapiya Levina": 1}) == [["Agafia Lesina"], ["Agapiya Levina"]]
    assert groups({"Agafia Lesina": 1, "Agafia Levina": 1}) == [["Agafia Lesina"], ["Agafia Levina"]]
    assert groups({"Agafia Lesinova": 1, "Agafia Lessinowa": 1, "Agafia Lesinowa": 1}) == [
        ["Agafia Lesinova", "Agafia Lesinowa", "Agafia Lessinowa"]]


def test_typos_join_but_other_letters_and_endings_do_not():
    assert groups({"Dinara Nabieva": 2, "Dinara Nabirva": 1, "Arlin Radugina": 1, "Arlin Raduguina": 1,
                   "Melenti Korjavin": 1, "Melenti Korjavine": 1}) == [
        ["Arlin Radugina", "Arlin Raduguina"], ["Dinara Nabieva", "Dinara Nabirva"],
        ["Melenti Korjavin", "Melenti Korjavine"]]
    assert groups({"Kristina Astahova": 1, "Kristina Astapova": 1}) == [["Kristina Astahova"], ["Kristina Astapova"]]
    assert groups({"Germann Alekseev": 1, "Aleksei German": 1}) == [["Aleksei German"], ["Germann Alekseev"]]


def test_cyrillic_and_latin_spellings_meet_and_order_is_free():
    assert groups({"Курманбек Бакиев": 1, "Bakiev, Kurmanbek": 1, "Kurmanbek Bakiyev": 1}) == [
        ["Bakiev, Kurmanbek", "Kurmanbek Bakiyev", "Курманбек Бакиев"]]


def test_empty_names_are_left_out_and_unkeyable_ones_stay_alone():
    assert groups({"": 3, "  ": 1, "???": 1, "!!!": 1}) == [["!!!"], ["???"]]


VARIANTS = ["Daniyar Usenov", "Daniar Ussenov", "Usenov, Daniyar", "Felix Kulov", "Feliks Kulow", "Olga Ivanova",
            "Olga Ivanov", "Temir Sariyev", "Temir Sarijew", "Omurbek Tekebayev", "Omurbek Tekebaev", "Tomsk-7",
            "Sasha Petrenko", "Chacha Petrenko", "Жаныш Бакиев", "Janysh Bakiyev"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VARIANTS), st.integers(1, 5)), min_size=1, max_size=30), st.randoms())
def test_cluster_ids_do_not_depend_on_input_order(pairs, random):
    shuffled = list(pairs)
    random.shuffle(shuffled)
    first = {(c.id, c.representative, c.members) for c in cluster_names(pairs)}
    second = {(c.id, c.representative, c.members) for c in cluster_names(shuffled)}
    assert first == second


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VARIANTS), st.integers(1, 5)), min_size=1, max_size=30), st.randoms())
def test_names_read_beforehand_cluster_as_names_read_here(pairs, random):
    # clean reads the names in the processes that resolved them and hands their keys over
    read = {name: name_keys(name) for name, _ in pairs if random.random() < 0.5}
    assert cluster_names(pairs, keys=read) == cluster_names(pairs)


def test_cluster_command_lists_clusters_as_table_and_json(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("Daniyar Usenov\nDaniar Ussenov\nDaniyar Usenov\nFelix Kulov\n\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["cluster", str(names), "--json"])
    assert result.exit_code == 0, result.output
    clusters = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(c["representative"], c["count"]) for c in clusters] == [("Daniyar Usenov", 3), ("Felix Kulov", 1)]
    assert clusters[0]["members"] == [{"name": "Daniyar Usenov", "count": 2}, {"name": "Daniar Ussenov", "count": 1}]
    table = runner.invoke(app, ["cluster", str(names)])
    assert table.exit_code == 0 and "Daniar Ussenov" in table.stdout and clusters[0]["id"] in table.stdout


def test_cluster_command_reads_a_column_and_names_missing_ones(tmp_path):
    data = tmp_path / "people.csv"
    data.write_text("id,full_name\n1,Felix Kulov\n2,Feliks Kulow\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["cluster", str(data), "--column", "full_name", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["count"] == 2
    missing = runner.invoke(app, ["cluster", str(data), "--column", "name"])
    assert missing.exit_code == 2
    assert "pass --column full_name" in missing.output


# -- meeting on Cyrillic (back-transliteration) -------------------------------------------------

def test_spellings_from_different_conventions_meet_on_their_cyrillic_source():
    assert groups({"Chekhov": 1, "Tchekhov": 1, "Czechow": 1, "Tschechow": 1, "Čechov": 1}) == [
        ["Chekhov", "Czechow", "Tchekhov", "Tschechow", "Čechov"]]
    assert groups({"Djalal-Abad": 1, "Dzhalal-Abad": 1, "Dschalal-Abad": 1}) == [
        ["Djalal-Abad", "Dschalal-Abad", "Dzhalal-Abad"]]
    assert groups({"Ivanov Petr": 1, "Ivanoff Pyotr": 1}) == [["Ivanoff Pyotr", "Ivanov Petr"]]
    assert groups({"Gorbachev": 1, "Gorbatschow": 1, "Gorbaczow": 1}) == [["Gorbachev", "Gorbaczow", "Gorbatschow"]]


def test_kyrgyz_and_russian_forms_of_one_place_meet_through_the_cross_language_correspondence():
    # Jalal-Abad reads as the Kyrgyz Жалал-Абад (BGN ж = j), Dzhalal-Abad as the Russian Джалал-Абад;
    # crosslang's rule "Kazakh and Kyrgyz ж for the Russian дж that starts a word" joins them.
    assert groups({"Jalal-Abad": 1, "Dzhalal-Abad": 1}) == [["Dzhalal-Abad", "Jalal-Abad"]]
    assert groups({"Zhumagul Kulibaeva": 1, "Dzhumagul Kulibaeva": 1}) == [["Dzhumagul Kulibaeva", "Zhumagul Kulibaeva"]]
    # only дж ~ ж at a word start: ж ш ч stay apart, and so do other letters
    assert groups({"Jalal-Abad": 1, "Dzhalal-Abad": 1, "Shalal-Abad": 1, "Chalal-Abad": 1}) == [
        ["Chalal-Abad", "Shalal-Abad"], ["Dzhalal-Abad", "Jalal-Abad"]]
    assert groups({"Zhukov": 1, "Shukov": 1, "Chukov": 1}) == [["Chukov"], ["Shukov"], ["Zhukov"]]
    assert groups({"Adzhiev": 1, "Azhiev": 1}) == [["Adzhiev"], ["Azhiev"]]


def test_fuzzy_blocks_find_the_same_neighbours_as_comparing_every_pair():
    from rapidfuzz.distance import Levenshtein

    from translitnorm.cluster import name_key
    from translitnorm.cluster_fuzzy import fuzzy_pairs, neighbours

    rows = cluster_quality.id_rows(n_people=300, n_rows=3000)
    keys = sorted({name_key(name) for name in rows} | {part for name in rows for part in name_key(name).split()})
    blocked = set(fuzzy_pairs(keys))
    every_pair = set()
    for index, first in enumerate(keys):
        for second in keys[index + 1:]:
            shorter, longer = sorted((first, second), key=lambda key: (len(key), key))
            if Levenshtein.distance(shorter, longer) <= 2 and neighbours(shorter, longer):
                every_pair.add((shorter, longer))
    assert len(every_pair) > 20 and blocked == every_pair


def test_meeting_on_cyrillic_keeps_what_the_matcher_keeps_apart():
    assert groups({"Tschechowa": 1, "Chekhov": 1}) == [["Chekhov"], ["Tschechowa"]]            # female / male
    assert groups({"Schukow": 1, "Zhukov": 1, "Shukov": 1, "Chukov": 1}) == [                  # ж ш ч apart
        ["Chukov"], ["Schukow", "Zhukov"], ["Shukov"]]
    assert groups({"Tomsk-7": 1, "Tomsk-8": 1}) == [["Tomsk-7"], ["Tomsk-8"]]                   # digits
    assert groups({"Galina Petrova": 1, "Kalina Petrova": 1}) == [["Galina Petrova"], ["Kalina Petrova"]]


def test_a_spelling_read_otherwise_joins_the_reading_two_other_spellings_agree_on():
    # Cehov reads best as Цехов, next as Чехов: the Czech spelling without its háček
    assert groups({"Cehov": 1, "Chekhov": 1, "Tschechow": 1}) == [["Cehov", "Chekhov", "Tschechow"]]
    assert groups({"Kostomuksa": 1, "Kostomukscha": 1, "Kostomukša": 1}) == [
        ["Kostomuksa", "Kostomukscha", "Kostomukša"]]
    # one other spelling is no evidence of which letter was meant
    assert groups({"Cehov": 1, "Chekhov": 1}) == [["Cehov"], ["Chekhov"]]
    assert groups({"Chukov": 1, "Shukov": 1}) == [["Chukov"], ["Shukov"]]


def test_a_spelling_with_an_ending_another_language_added_joins_the_bare_name():
    assert groups({"Maikopas": 1, "Maikop": 1}) == [["Maikop", "Maikopas"]]              # Lithuanian -as
    assert groups({"Omska": 1, "Omsko": 1, "Omsk": 1}) == [["Omsk", "Omska", "Omsko"]]    # Latvian, Esperanto
    assert groups({"Čehovs": 1, "Chekhov": 1}) == [["Chekhov", "Čehovs"]]                 # Latvian -s
    assert groups({"Vladimiras Putinas": 1, "Vladimir Putin": 1}) == [["Vladimir Putin", "Vladimiras Putinas"]]
    # what must stay apart: a woman's surname, a town named after a family, a short stem, two fits
    assert groups({"Ivanova": 1, "Ivanov": 1, "Ivanovo": 1}) == [["Ivanov"], ["Ivanova"], ["Ivanovo"]]
    assert groups({"Romana": 1, "Roman": 1}) == [["Roman"], ["Romana"]]
    assert groups({"Taras": 1, "Tara": 1}) == [["Tara"], ["Taras"]]
    assert groups({"Ivanovas": 1, "Ivanov": 1, "Ivanovo": 1}) == [["Ivanov"], ["Ivanovas"], ["Ivanovo"]]


def test_a_place_name_with_a_generic_word_joins_the_bare_name():
    # text.GENERIC_PLACE_WORDS, the list the matcher sets aside ("Бишкек шаары" meets "Бишкек")
    assert groups({"Bishkek shaary": 1, "Bishkek": 1}) == [["Bishkek", "Bishkek shaary"]]
    assert groups({"Horad Barysaw": 1, "Barysaw": 1}) == [["Barysaw", "Horad Barysaw"]]
    # the generic word links nothing by itself
    assert groups({"Bishkek shaary": 1, "Osh shaary": 1}) == [["Bishkek shaary"], ["Osh shaary"]]


def test_short_forms_join_the_one_person_they_can_stand_for():
    assert groups({"Kurmanbek Bakiev": 1, "K. Bakiyev": 1, "Bakiyev": 1}) == [
        ["Bakiyev", "K. Bakiyev", "Kurmanbek Bakiev"]]
    # two Bakievs: the initial still tells them apart, the bare surname cannot
    assert groups({"Kurmanbek Bakiev": 1, "Janysh Bakiyev": 1, "K. Bakiyev": 1, "Bakiyev": 1}) == [
        ["Bakiyev"], ["Janysh Bakiyev"], ["K. Bakiyev", "Kurmanbek Bakiev"]]
    # a given name alone is not a surname, and a woman's surname is not a man's
    assert groups({"Ekaterina Ivanova": 1, "Ekaterina": 1, "Ivanov": 1}) == [
        ["Ekaterina"], ["Ekaterina Ivanova"], ["Ivanov"]]


def test_an_id_comes_from_the_names_own_cyrillic_reading_not_from_the_other_members():
    alone = {name: cluster_names({name: 1})[0].id for name in ("Tschechow", "Chekhov", "Czechow")}
    together = cluster_names({"Tschechow": 5, "Chekhov": 1, "Czechow": 2})
    assert len(together) == 1 and set(alone.values()) == {together[0].id}
    assert together[0].key == "чехов" and together[0].id == cluster_id("чехов")


def test_cleaning_in_halves_gives_the_same_ids():
    # Rows with many variants, cleaned whole and in two halves (benchmarks/cluster_quality.py, IDs
    # across files). Figures reached, with the letter model of the current lexicons and the
    # passport, Latvian, Lithuanian, Tajik Latin and Kazakh German schemes among the channels that
    # read Latin names back into Cyrillic: 0.445 % of rows get another ID in their half than in the
    # whole file, 1.73 % of the names seen in both halves have two IDs (0.415 % and 1.73 % before
    # four more heads of state and of government added 7 Cyrillic words; 0.375 % and 2.19 % when IDs
    # came from the key most spellings read as). The letter model is counted from the lexicons'
    # Cyrillic names: before the heads of state and of government since 1991 joined them (264 new
    # words, 66 of them Serbian Cyrillic with ђ ћ џ љ њ ј) the same code gave 0.375 % and 1.336 %;
    # without those 66 words, 0.40 % and 1.57 %. What remains is by design: a bare surname joins a
    # full name only in a file where that person is the only one of the name, and a half that lacks
    # a cluster's best-read spelling anchors on the best it holds. Joining a spelling by its next
    # readings (cluster._join_alternative_readings) raised these from 0.275 % and 1.10 %: a half that
    # lacks the two spellings agreeing on the reading keeps the spelling apart (Aqqoja Aşirov
    # joins Aqqoscha Aschirow and Akkozha Ashirov in the whole file only).
    rows = cluster_quality.id_rows(n_people=1000, n_rows=20000)
    changed_rows, split_names = cluster_quality.id_stability(rows, cluster_quality.translitnorm_ids)
    assert changed_rows <= 0.00445 and split_names <= 0.0173


def test_labelled_variants_cluster_with_high_precision_and_recall(capsys):
    # tests/data/cluster/variant-groups.tsv, B-cubed over both files, dev and hold-out entities.
    # Figures reached: P 1.000 / R 0.954 (all; 0.899 before spellings joined by their next
    # readings, 0.893 without the Kazakh/Kyrgyz join and the narrow reading beam, with the letter
    # model of the current lexicons); best baseline at P ≥ 0.98: levenshtein≤1, R 0.526 (1.82×; the
    # issue asks for 2×, which no recall can reach here once a baseline passes 0.5).
    totals = cluster_quality.clustering_table("all")
    precision, recall = totals["translitnorm"]
    assert precision >= 0.999 and recall >= 0.9542
    assert recall >= 1.81 * max(r for s, (p, r) in totals.items() if p >= 0.98 and s not in ("translitnorm", "latin-keys"))


def test_city_spellings_are_labelled_as_the_benchmark_says():
    # tests/data/cluster/city-spellings.tsv (benchmarks/make_city_spellings.py): each place has two
    # or more spellings distinct after case-folding, no spelling names two places, a place lies
    # wholly in dev or in hold-out, and every spelling is Latin script.
    rows = cluster_quality.city_rows()
    by_place: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    owner: dict[str, str] = {}
    for row in rows:
        folded = row["spelling"].casefold()
        assert folded not in by_place.get(row["geonameid"], set()), row
        assert owner.setdefault(folded, row["geonameid"]) == row["geonameid"], row
        by_place.setdefault(row["geonameid"], set()).add(folded)
        parts.setdefault(row["geonameid"], set()).add(row["part"])
        assert not any("\u0400" <= char <= "\u052f" for char in row["spelling"]), row
    assert len(rows) > 12000 and len(by_place) > 1300
    assert all(len(spellings) >= 2 for spellings in by_place.values())
    assert all(len(found) == 1 for found in parts.values())


def test_city_spellings_cluster_with_high_precision_and_twice_the_best_baselines_recall(capsys):
    # B-cubed on the dev places of city-spellings.tsv (GeoNames' Latin names in many languages).
    # Figures reached: P 0.9944 / R 0.4326 (0.4310 with a letter model that never saw the places'
    # Russian names; P 0.9945 / R 0.4293 before the heads of state and of government since 1991
    # joined the lexicons the letter model is counted from); the best baseline at P ≥ 0.98 is
    # ngram-fingerprint, R 0.157 (2.73×);
    # levenshtein≤1 reaches R 0.497 at P 0.970, below the precision that counts.
    totals = cluster_quality.cities_table("dev")
    precision, recall = totals["translitnorm"]
    assert precision >= 0.9944 and recall >= 0.4326
    assert totals["translitnorm, no leak"][1] >= 0.4310
    best = max(r for s, (p, r) in totals.items() if p >= 0.98 and s in cluster_quality.BASELINES)
    assert recall >= 2.73 * best


def test_scale_benchmark_runs_and_reports_memory(capsys):
    cluster_quality.main(["--skip-quality", "--scale", "300"])
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 300 |")]
    assert [line.split(" | ")[1] for line in table] == ["translitnorm", "latin-keys"]
    assert all(float(line.split(" | ")[-1].strip(" |")) > 0 for line in table)


def test_docstring_examples_run():
    import doctest

    import translitnorm.cluster as module

    assert doctest.testmod(module).failed == 0
