"""An explanation as data: the steps of one resolution (stage, input, output, evidence), what
each stage was given and found, and the text they render to."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm import DecisionRule
from translitnorm.cli import app
from translitnorm.decision import (
    CANDIDATE, CLEANING, DECISION, FORMS, PARTS, STAGES, Explanation, PartEvidence, QueryForms, Step,
)
from translitnorm.keys import folded_form, matching_key
from translitnorm.scoring import MAX_INITIALS_MATCHED, MAX_PARTS_MATCHED
from translitnorm.text import Token

BAKIEV = "kg.bakiev.kurmanbek"


def stages(explanation: Explanation) -> list[str]:
    return [step.stage for step in explanation.steps]


def test_each_stage_says_what_it_was_given_and_what_it_found(shipped):
    explanation = shipped.explain("President K. Bakijew")
    assert stages(explanation) == [CLEANING, PARTS, FORMS, CANDIDATE, DECISION]
    [cleaning] = explanation.of_stage(CLEANING)
    assert (cleaning.input, cleaning.output, cleaning.evidence["set_aside"]) == (
        "President K. Bakijew", "President K. Bakijew", ("President",))  # the title is set aside from the parts
    [parts] = explanation.of_stage(PARTS)
    assert parts.input == "President K. Bakijew"
    assert parts.output == (Token("K", initial=True), Token("Bakijew"))
    [forms] = explanation.of_stage(FORMS)
    assert forms.input == "Bakijew"
    assert forms.output == QueryForms("bakijew", "bakijew", "bakiev")
    [candidate] = explanation.of_stage(CANDIDATE)
    assert candidate.output == BAKIEV
    assert (candidate.evidence["scheme"], candidate.evidence["matched_form"]) == ("ky-de", "bakijew")  # German convention
    assert candidate.evidence["parts"] == (PartEvidence("Bakijew", "surname", "exact", 1.0, ""),
                                           PartEvidence("K.", "given name initial", "initial", 1.0, ""))
    [decision] = explanation.of_stage(DECISION)
    assert (decision.input, decision.output, decision.evidence["reason"]) == ((BAKIEV,), BAKIEV, None)
    assert decision.evidence["single"] and decision.evidence["threshold"] == shipped.rule.min_score_single
    assert explanation.resolution.id == BAKIEV


def test_the_forms_are_the_ones_the_lookup_uses(shipped):
    [forms] = shipped.explain("Otounbaïeva").of_stage(FORMS)
    assert forms.output.folded == folded_form("Otounbaïeva") == "otounbaieva"
    assert forms.output.key == matching_key("Otunbayeva")
    [cyrillic] = shipped.explain("Бакиев").of_stage(FORMS)
    assert cyrillic.evidence["latin"] == "Bakiyev"  # a Cyrillic query is read in BGN/PCGN letters
    assert cyrillic.output.key == matching_key("Bakiev")


def test_an_ambiguous_name_names_the_candidates_it_could_not_choose_between(devset):
    explanation = devset.explain("Klitschko")
    [decision] = explanation.of_stage(DECISION)
    assert decision.output is None and decision.evidence["reason"] == "ambiguous"
    assert set(decision.input[:2]) == {"klitschko_v", "klitschko_w"}
    assert [step.output for step in explanation.of_stage(CANDIDATE)] == list(decision.input)
    scores = [step.evidence["score"] for step in explanation.of_stage(CANDIDATE)]
    assert scores[0] - scores[1] < decision.evidence["margin"]


def test_a_score_below_the_threshold_is_shown_with_the_threshold(shipped):
    [decision] = shipped.explain("Maxim Bakiyev").of_stage(DECISION)
    assert decision.output is None and decision.evidence["reason"] == "below-threshold"
    assert decision.evidence["score"] < decision.evidence["threshold"] == shipped.rule.min_score
    assert decision.input[0] == BAKIEV  # the near entity is still shown


def test_a_name_with_nothing_left_ends_after_its_parts(shipped):
    explanation = shipped.explain("Mr.")
    assert stages(explanation) == [CLEANING, PARTS]
    assert explanation.of_stage(PARTS)[0].output == ()
    assert explanation.resolution.method == "empty" and explanation.resolution.reason == "empty"


def test_a_long_name_says_which_parts_were_matched(shipped):
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"][: MAX_PARTS_MATCHED + 2]
    initials = [f"{letter}." for letter in "ABCDEFG"[: MAX_INITIALS_MATCHED + 1]]
    [bounding] = shipped.explain(" ".join(initials + ["Kurmanbek", "Bakiev"] + words)).of_stage("bounding")
    assert bounding.evidence == {"max_parts": MAX_PARTS_MATCHED, "max_initials": MAX_INITIALS_MATCHED,
                                 "parts_cut": 4, "initials_cut": 1}
    assert bounding.output == ("Kurmanbek", "Bakiev", *words[: MAX_PARTS_MATCHED - 2])


def test_the_text_is_one_line_per_step_titles_aligned(shipped):
    explanation = shipped.explain("President K. Bakijew")
    lines = str(explanation).splitlines()
    assert len(lines) == len(explanation.steps)
    width = max(len(step.title) for step in explanation.steps)
    assert lines == [f"{step.title.ljust(width)}  {step.detail}" for step in explanation.steps]
    assert [step.title for step in explanation.steps] == ["cleaned", "parts", "  Bakijew", f"candidate {BAKIEV}", "decision"]


def test_asking_for_an_unknown_stage_is_a_clear_error(shipped):
    with pytest.raises(ValueError, match="unknown stage 'candidates'; stages are: cleaning, normalising"):
        shipped.explain("Bakiev").of_stage("candidates")


def test_the_json_of_an_explanation_holds_every_field():
    result = CliRunner().invoke(app, ["resolve", "--json", "--explain", "President K. Bakijew"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["id"] == BAKIEV
    steps = {step["stage"]: step for step in payload["steps"]}
    assert [step["stage"] for step in payload["steps"]] == [CLEANING, PARTS, FORMS, CANDIDATE, DECISION]
    assert steps[CLEANING]["evidence"] == {"set_aside": ["President"]}
    assert steps[PARTS]["output"] == [{"text": "K", "initial": True, "surname_hint": False},
                                      {"text": "Bakijew", "initial": False, "surname_hint": False}]
    assert steps[FORMS]["output"] == {"exact": "bakijew", "folded": "bakijew", "key": "bakiev"}
    assert steps[CANDIDATE]["evidence"]["parts"][0] == {"query": "Bakijew", "slot": "surname", "tier": "exact",
                                                        "score": 1.0, "note": ""}
    assert (steps[DECISION]["output"], steps[DECISION]["evidence"]["threshold"]) == (BAKIEV, DecisionRule().min_score_single)
    assert steps[DECISION]["step"] == "decision"  # the title and the text line are there too
    assert steps[DECISION]["detail"].startswith(BAKIEV)


def test_an_explanation_round_trips_through_json(shipped):
    explanation = shipped.explain("Бакиев К.С.")
    data = json.loads(json.dumps(explanation.as_dict(), ensure_ascii=False))
    assert data["query"] == "Бакиев К.С."
    assert data["resolution"]["id"] == explanation.resolution.id == BAKIEV
    assert [step["stage"] for step in data["steps"]] == stages(explanation)


names = st.lists(st.sampled_from(["Kurmanbek", "Bakiev", "Bakiyev", "K.", "S.", "Otunbayeva", "Roza", "President",
                                  "Almaty", "Бишкек", "Klitschko", "Tolstoy", "x1", ",", "-", "Mr."]),
                 min_size=0, max_size=8).map(" ".join) | st.text(max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names)
def test_hypothesis_an_explanation_agrees_with_the_resolution(shipped, name):
    explanation = shipped.explain(name)
    resolved = shipped.resolve(name)
    assert (explanation.resolution.id, explanation.resolution.method, explanation.resolution.score) == (
        resolved.id, resolved.method, resolved.score)
    assert explanation.steps[0].stage == CLEANING and all(step.stage in STAGES for step in explanation.steps)
    order = [STAGES.index(stage) for stage in stages(explanation)]
    assert order == sorted(order)  # the steps come in the order of the stages
    if resolved.method != "empty":
        [decision] = explanation.of_stage(DECISION)
        assert decision.output == resolved.id
        assert decision.evidence["reason"] == resolved.reason
    assert len(str(explanation).splitlines()) == len(explanation.steps)
    json.dumps(explanation.as_dict())


def test_a_step_renders_from_its_fields_alone():
    step = Step(CANDIDATE, "Bakiev", BAKIEV, {
        "canonical": "Kurmanbek Bakiyev", "score": 0.88, "method": "key", "scheme": None,
        "matched_name": "Бакиев (ky source)", "matched_form": "bakiev",
        "parts": (PartEvidence("Bakiev", "surname", "key", 0.88, ""),)})
    assert step.title == f"candidate {BAKIEV}"
    assert step.detail == "0.880  Бакиев (ky source) as 'bakiev'  [Bakiev → surname (key 0.88)]"


def test_resolving_builds_no_step(shipped, monkeypatch):
    # Explanations cost nothing on the resolving path: their steps are built only when asked for.
    from translitnorm import matcher

    def not_now(*args, **kwargs):
        raise AssertionError("an explanation step was built while resolving")

    for builder in ("cleaning_steps", "bounding_step", "candidate_step", "decision_step", "_query_forms"):
        monkeypatch.setattr(matcher, builder, not_now)
    long_name = " ".join(["A."] * 6 + ["Kurmanbek", "Bakiev"] + ["Alpha", "Bravo", "Charlie", "Delta", "Echo"])
    for name in ("President K. Bakijew", "Maxim Bakiyev", "", long_name):
        shipped.resolve(name)
    with pytest.raises(AssertionError, match="step was built"):
        shipped.explain("Bakiev")
