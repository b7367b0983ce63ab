"""The facts of a text an edit must not change by accident: numbers as values, link targets,
names and invisible characters, and the one-line summary a reviewer reads."""

from __future__ import annotations

import pytest

from staging import facts


def _keys(text: str) -> list[tuple[str, str, str]]:
    return [n.key for n in facts.numbers(text)]


@pytest.mark.parametrize("one, other", [
    ("40 percent", "40%"), ("five minutes", "5 minutes"), ("forty-three teams", "43 teams"),
    ("four thousand", "4,000"), ("4k", "4000"), ("199 dollars", "$199"), ("a six-month project", "a 6-month project"),
    ("1.5 million", "1,500,000"), ("two hundred fifty", "250"),
])
def test_a_number_is_its_value_however_it_is_written(one, other):
    assert _keys(one) == _keys(other)


@pytest.mark.parametrize("one, other", [
    ("$199", "$1,199"), ("46%", "146%"), ("400", "4000"), ("$149", "$49"), ("60 days", "60 hours"),
    ("two minutes", "two seconds"), ("$199", "199"), ("Q4", "Q1"), ("three plans", "thirty plans"),
])
def test_a_different_number_is_never_the_same_one(one, other):
    assert _keys(one) != _keys(other)


def test_1199_dollars_is_one_number_not_a_199_inside_it():
    assert _keys("HelpHive Pro is $1,199.") == [("$", "1199", "")]
    assert _keys("someone, anyone, tension") == []


@pytest.mark.parametrize("text, found", [
    ("claim it at www.partner-offers.example.", ("link", "www.partner-offers.example")),
    ("see partner-offers.example/claim!", ("link", "partner-offers.example/claim")),
    ("[Re-login](https://evil.example)", ("link", "https://evil.example")),
    ("[here](/claim)", ("link", "/claim")),
    ("write to Deals@Partner-Offers.example", ("e-mail address", "deals@partner-offers.example")),
    ("call (415) 555-0134 today", ("phone number", "+14155550134")),
    ("or +44 20 7946 0958", ("phone number", "+442079460958")),
])
def test_every_kind_of_target_is_found(text, found):
    assert found in facts.targets(text)


def test_dates_counts_and_versions_are_not_phone_numbers_or_domains():
    assert facts.targets("Launch date: 2022-03-01, 50 to 5,000 articles, TLS 1.2+, e.g. version 3.9") == []


def test_names_are_capitalised_words_that_do_not_just_start_a_sentence():
    text = "Customers like Acme Corp and Globex use HelpHive. Then I read it."
    assert [w for _, w in facts.names(text)] == ["Acme", "Corp", "Globex", "HelpHive"]
    assert [w for _, w in facts.names("Globex saw 46%.", frozenset({"Globex"}))] == ["Globex"]
    assert facts.name_changes("Acme Corp saw 46%.", "Globex saw 46%.", frozenset({"Acme"})) == (["Acme", "Corp"], ["Globex"])
    assert facts.name_changes("then show them setup", "Then show them Setup") == ([], [])


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200e", "\u200b", "\u2060", "\ufeff", "\x1b", "\x00", "\u2028"])
def test_control_bidi_and_zero_width_characters_are_invisible(char):
    assert facts.invisible(f"a{char}b") == [f"U+{ord(char):04X}"]
    assert facts.invisible("line\nnext\tcell, café, 🤝") == []


def test_the_summary_names_what_else_changed_in_one_line():
    summary = facts.what_else_changed("More than 400 support teams; Acme Corp saw 46%.",
                                      "More than 4000 support teams; Globex saw 46%, see www.x.example\u202e")
    assert summary == ("numbers -400 +4000; links +www.x.example; names -Acme -Corp +Globex; "
                       "invisible characters +U+202E")
    assert facts.what_else_changed("the chatbot", "the assistant") == "no numbers, links or names changed"
    assert "\n" not in facts.what_else_changed("a\nb 5", "a\nb 6")
