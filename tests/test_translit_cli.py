"""`translitnorm translit`: a thin command over translitnorm.romanise."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from translitnorm.cli import app

runner = CliRunner()


def test_all_schemes_side_by_side():
    result = runner.invoke(app, ["translit", "Курманбек Бакиев", "--scheme", "all"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for rendering in ["Kurmanbek Bakiyev", "Kurmanbek Bakiev", "Kurmanbek Bakijew", "Kourmanbek Bakiev",
                      "Kurmanbiek Bakijew", "Kurmanbek Bakijev", "Koermanbek Bakijev"]:
        assert rendering in result.output
    for scheme_id in ["ru-en", "ru-bgn", "ru-scientific", "ru-de", "ru-fr", "ru-pl", "ru-cs", "ru-nl"]:
        assert scheme_id in result.output


def test_json_output_is_the_library_result():
    from translitnorm.romanise import romanisations

    result = runner.invoke(app, ["translit", "Шевченко", "--lang", "uk", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == romanisations("Шевченко", lang="uk")


def test_one_scheme():
    result = runner.invoke(app, ["translit", "Чехов", "--scheme", "ru-de"])
    assert result.exit_code == 0
    assert result.output.strip() == "Tschechow"
    result = runner.invoke(app, ["translit", "Чехов", "--scheme", "ru-de", "--json"])
    assert json.loads(result.output) == {"ru-de": "Tschechow"}


def test_unknown_scheme_exits_2_with_a_suggestion():
    result = runner.invoke(app, ["translit", "Бакиев", "--scheme", "bgn"])
    assert result.exit_code == 2
    assert "did you mean 'ru-bgn'?" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_unknown_language_exits_2_with_a_suggestion():
    result = runner.invoke(app, ["translit", "Бакиев", "--lang", "kz"])
    assert result.exit_code == 2
    assert "did you mean 'kk'?" in result.stderr


def test_help_has_an_example():
    result = runner.invoke(app, ["translit", "--help"])
    assert result.exit_code == 0
    assert "Example: translitnorm translit" in result.output


def test_without_lang_the_letters_choose_the_language_and_it_is_said():
    from translitnorm.romanise import romanisations

    for text, lang in [("Київ", "uk"), ("Эмомалӣ Раҳмон", "tg"), ("Магілёў", "be"), ("Қарағанды", "kk")]:
        result = runner.invoke(app, ["translit", text, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == romanisations(text, lang=lang)
        assert f"source language: {lang} (told by its letters)" in result.stderr


def test_without_lang_shared_letters_assume_russian_and_say_so():
    result = runner.invoke(app, ["translit", "Минск", "--json"])
    assert result.exit_code == 0, result.output
    assert "ru-bgn" in json.loads(result.stdout)
    assert "source language: ru (assumed" in result.stderr and "--lang" in result.stderr


def test_help_lists_every_language_the_schemes_cover():
    from translitnorm.romanise import schemes

    result = runner.invoke(app, ["translit", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for lang in sorted({scheme.lang for scheme in schemes()}):
        assert f" {lang}" in result.output, lang
