"""Share cards in the source's script: every character drawn with a glyph of a font that has it, a warning
at the field when a card cannot draw some, and the card's words in the site's language."""

from __future__ import annotations

import dataclasses
import io
import os
import unicodedata

import pytest
from PIL import Image, ImageDraw, features

from conftest import ScratchRepo, file_bytes, secret_from
from factdesk import cards, typefaces
from factdesk.cards import claim_card
from factdesk.cli import main
from factdesk.generation import generate
from factdesk.publishing import Publisher, SiteInfo, load_site_info
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.typefaces import card_fonts
from factdesk.validation import validate

SCRIPTS = {
    "Simplified Chinese": "部长说：2015年中国的经济增长了6.9%，这是二十五年来最慢的。",
    "Traditional Chinese": "部長說：經濟增長了6.9%，這是二十五年來最慢的。",
    "Japanese": "政府は2015年に、経済がゆっくり成長したと発表した。カタカナ。",
    "Korean": "정부는 2015년에 경제가 6.9% 성장했다고 말했다.",
    "Arabic": "قالت الحكومة إن الاقتصاد نما بنسبة 6.9% في عام 2015، وهو أبطأ معدل ۓ.",
    "Hebrew": "הממשלה אמרה שהכלכלה צמחה ב-2015 בשיעור של 6.9%.",
    "Cyrillic": "Правительство заявило, что экономика выросла на 6,9% в 2015 году.",
    "Greek": "Η κυβέρνηση είπε ότι η οικονομία αναπτύχθηκε κατά 6,9% το 2015.",
    "Devanagari": "सरकार ने कहा कि 2015 में अर्थव्यवस्था 6.9% बढ़ी, जो क्षत्रिय श्री द्वितीय है।",
    "Thai": "รัฐบาลกล่าวว่าเศรษฐกิจเติบโต 6.9% ในปี 2015",
    "Mixed": "The minister said 中文 and قالت الحكومة and हिन्दी and ภาษาไทย in 2015.",
}
NOWHERE = chr(0x10FFFD)  # a private-use character no font has: each font draws its .notdef box for it
INFO = SiteInfo("Checks", "", Publisher("Desk"))


@pytest.fixture(scope="module")
def fonts():
    found = card_fonts("zh")
    if typefaces.NOTO_CJK in found.absent:
        message = "Noto Sans CJK is not installed (apt-get install fonts-noto-cjk; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def rendering(face, text: str) -> bytes:
    image = Image.new("L", (400, 200))
    ImageDraw.Draw(image).text((100, 50), text, font=face, fill=255)
    return image.tobytes()


def claim_in(repo: ScratchRepo, claim: str):
    repo.source("doc", "A sentence.")
    path = repo.claim("c", "doc", "A sentence.", 0, 11, claim=claim)
    return build_site(load_repository(repo.root)).claims["c"], path


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_character_of_a_card_is_drawn_with_a_glyph_not_a_box(repo, fonts, script):
    text = SCRIPTS[script]
    item, _ = claim_in(repo, text)
    card = Image.open(io.BytesIO(claim_card(item, INFO)))
    assert card.size == (1200, 630)
    for size, bold in ((54, True), (30, True), (28, False)):
        face = cards._font(fonts, size, bold, text)
        for font, part in fonts.runs(text, bold):
            drawn_with = cards._fallback(fonts, size, bold).face(font) if isinstance(face, cards._Fallback) else face
            box = rendering(drawn_with, NOWHERE)
            for character in set(part) - {" "}:
                if unicodedata.category(character) in ("Cf", "Mn", "Mc"):
                    continue  # a mark alone is drawn on a dotted circle: its base shows it is drawn
                glyph = rendering(drawn_with, character)
                drawn = glyph != box and any(glyph)
                assert drawn, f"{script}: {character!r} (U+{ord(character):04X}) is a box"


def test_a_line_that_mixes_directions_shows_each_word_in_reading_order(fonts):
    """In a right-to-left line, an English name and its figures stay one left-to-right group, placed where
    the Arabic reading order puts them."""
    line = "قالت الحكومة 中文 إن BT 2015 هو"
    runs = cards._visual_order(cards._directional(fonts.runs(line, True), "R"), "R")
    shown = [part.strip() for _, part, _ in runs if part.strip()]
    assert shown == ["هو", "BT 2015", "إن", "中文", "قالت الحكومة"]


def test_right_to_left_claims_are_set_flush_right(repo):
    item, _ = claim_in(repo, "הממשלה אמרה.")
    image = Image.open(io.BytesIO(claim_card(item, INFO))).convert("L")
    claim_area = image.crop((30, 120, 1200, 440)).point(lambda level: 255 if level < 128 else 0)
    left, _, right, _ = claim_area.getbbox()
    assert 30 + right > 1200 - cards.MARGIN - 10 and 30 + left > 600, (left, right)


def without_cjk(monkeypatch):
    absent = dataclasses.replace(typefaces.NOTO_CJK, places=(("/nowhere/a.ttc", "/nowhere/b.ttc"),))
    monkeypatch.setattr(typefaces, "SYSTEM_TYPEFACES", (absent,))


def test_a_machine_without_cjk_fonts_builds_and_warns_at_the_claim(repo, monkeypatch, capsys):
    without_cjk(monkeypatch)
    repo.write("site.yml", "name: Checks\nlanguage: en\npublisher:\n  name: Desk\n")
    _, path = claim_in(repo, "The minister said 中文 twice: 中文.")
    line = path.read_text(encoding="utf-8").splitlines().index(next(
        text for text in path.read_text(encoding="utf-8").splitlines() if text.startswith("claim:"))) + 1
    warnings = [p for p in validate(repo.root, {}).problems if "share card" in p.message]
    assert [(w.path, w.line, w.field, w.severity) for w in warnings] == [("claims/doc/c.yml", line, "claim", "warning")]
    assert "'中' (U+4E2D), '文' (U+6587)" in warnings[0].message and "apt-get install fonts-noto-cjk" in warnings[0].message
    assert main(["--root", str(repo.root), "validate"]) == 0
    assert f"claims/doc/c.yml:{line}:1: warning: claim: the share card cannot draw" in capsys.readouterr().out
    site = generate(repo.root, {})
    assert any("fonts-noto-cjk" in w.message for w in site.warnings)
    assert Image.open(io.BytesIO(file_bytes(site.files()["cards/c.png"]))).size == (1200, 630), "the card is built all the same"


def test_characters_no_font_has_are_named_where_they_are(repo, monkeypatch):
    repo.write("site.yml", "name: \"Checks \U0001F4A5\"\nlanguage: en\npublisher:\n  name: Desk\n"
                           "share_card:\n  heading: \"\u2603\U0001FAE0 {site}\"\n")
    claim_in(repo, "Emoji \U0001F4A5 here")
    warnings = {(p.path, p.field): p for p in validate(repo.root, {}).problems if "share card" in p.message}
    assert set(warnings) == {("claims/doc/c.yml", "claim"), ("site.yml", "name"), ("site.yml", "share_card.heading")}
    assert "'\U0001F4A5' (U+1F4A5)" in warnings["claims/doc/c.yml", "claim"].message
    assert "no font the cards know has them" in warnings["claims/doc/c.yml", "claim"].message
    heading = warnings["site.yml", "share_card.heading"]
    assert heading.line == 6 and "U+1FAE0" in heading.message and "U+2603" not in heading.message


def test_text_every_font_draws_gives_no_warning(repo):
    repo.write("site.yml", "name: Checks\nlanguage: en\npublisher:\n  name: Desk\n")
    claim_in(repo, SCRIPTS["Arabic"] + " " + SCRIPTS["Devanagari"] + " " + SCRIPTS["Thai"] + " " + SCRIPTS["Greek"])
    assert [p for p in validate(repo.root, {}).problems if "share card" in p.message] == []


def test_without_complex_text_layout_right_to_left_claims_are_warned_about(repo, monkeypatch):
    check = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "raqm" else check(name))
    repo.write("site.yml", "name: Checks\nlanguage: en\npublisher:\n  name: Desk\n")
    claim_in(repo, SCRIPTS["Arabic"])
    [warning] = [p for p in validate(repo.root, {}).problems if "share card" in p.message]
    assert warning.field == "claim" and "unjoined" in warning.message and "libfribidi0" in warning.message


def test_the_cache_keeps_cards_drawn_with_other_fonts_apart(repo, fonts, tmp_path, monkeypatch):
    with secret_from(monkeypatch, tmp_path / "cache-home"):
        item, _ = claim_in(repo, SCRIPTS["Mixed"])
        with_cjk = claim_card(item, INFO, repo.root)
        without_cjk(monkeypatch)
        boxes = claim_card(item, INFO)
        assert boxes != with_cjk
        assert claim_card(item, INFO, repo.root) == boxes, "a card drawn with other fonts is not served"


def test_chinese_japanese_and_korean_glyphs_follow_the_sites_language(repo, fonts):
    item, _ = claim_in(repo, "骨 誤 說 直 海")
    drawn = {language: claim_card(item, dataclasses.replace(INFO, language=language))
             for language in ("zh", "zh-Hant", "ja", "ko")}
    assert len(set(drawn.values())) == 4, "each region's forms of the same characters"


def test_the_cards_words_come_from_site_yml(repo):
    repo.write("site.yml", "name: Vérifications\nlanguage: fr\npublisher:\n  name: Desk\n"
                           "share_card:\n  heading: \"Vérification · {site}\"\n  verdict: \"Verdict : {verdict}\"\n")
    info, problems = load_site_info(repo.root)
    assert problems == [] and info.card_heading_text() == "Vérification · Vérifications"
    assert info.card_verdict_text("Faux") == "Verdict : Faux"
    item, _ = claim_in(repo, "Les profits ont augmenté.")
    assert claim_card(item, info) != claim_card(item, dataclasses.replace(info, card_heading="Fact-check · {site}"))
    assert claim_card(item, info) != claim_card(item, dataclasses.replace(info, card_verdict="Verdict: {verdict}"))
    english = SiteInfo("Vérifications", "", Publisher("Desk"))
    assert (english.card_heading_text(), english.card_verdict_text("False")) == (
        "Fact-check · Vérifications", "Verdict: False")


@pytest.mark.parametrize("field, value, expected", [
    ("verdict", "Urteil", "has no {verdict}"),
    ("heading", " ", "must not be blank"),
    ("colour", "red", "unknown field"),
])
def test_bad_card_words_are_errors_at_their_line(repo, field, value, expected):
    repo.write("site.yml", f"name: Checks\nlanguage: en\npublisher:\n  name: Desk\nshare_card:\n  {field}: \"{value}\"\n")
    _, problems = load_site_info(repo.root)
    assert [(p.path, p.line, p.field, p.severity) for p in problems] == [("site.yml", 6, f"share_card.{field}", "error")]
    assert expected in problems[0].message


def test_placeholders_are_replaced_as_text_never_evaluated():
    info = SiteInfo("Checks", "", Publisher("Desk"), card_heading="{site.__class__} {0} {site}",
                    card_verdict="{verdict.__len__} {verdict}")
    assert info.card_heading_text() == "{site.__class__} {0} Checks"
    assert info.card_verdict_text("False") == "{verdict.__len__} False"


def test_the_site_cards_count_of_claims_takes_the_plural_the_sites_language_gives_it(repo):
    english = SiteInfo("Checks", "", Publisher("Desk"))
    assert [english.card_summary_text(count) for count in (0, 1, 2, 1000)] == [
        "No claims checked yet", "1 claim checked", "2 claims checked", "1000 claims checked"]
    repo.write("site.yml", "name: Vérifications\nlanguage: fr\npublisher:\n  name: Desk\nshare_card:\n  summary:\n"
                           "    none: \"Aucune affirmation vérifiée\"\n    one: \"{count} affirmation vérifiée\"\n"
                           "    other: \"{count} affirmations vérifiées\"\n")
    french, problems = load_site_info(repo.root)
    assert problems == []
    # French counts 0 and 1 as one; a site with no claims says so in its own words.
    assert [french.card_summary_text(count) for count in (0, 1, 2)] == [
        "Aucune affirmation vérifiée", "1 affirmation vérifiée", "2 affirmations vérifiées"]
    russian = dataclasses.replace(english, language="ru", card_summary=(
        ("one", "{count} утверждение"), ("few", "{count} утверждения"), ("other", "{count} утверждений")))
    assert [russian.card_summary_text(count) for count in (1, 3, 5, 21, 0)] == [
        "1 утверждение", "3 утверждения", "5 утверждений", "21 утверждение", "0 утверждений"]
    unknown = dataclasses.replace(russian, language="qaa")
    assert unknown.card_summary_text(1) == "1 утверждений", "a language CLDR does not know takes 'other'"


def test_the_site_card_shows_the_count_in_the_sites_words(repo, monkeypatch):
    claim_in(repo, "Les profits ont augmenté.")
    model = build_site(load_repository(repo.root))
    shown = []
    monkeypatch.setattr(cards, "_draw_site_card", lambda fonts, name, description, summary: shown.append(summary) or b"")
    french = dataclasses.replace(INFO, language="fr", card_summary=(("one", "{count} affirmation vérifiée"),
                                                                    ("other", "{count} affirmations vérifiées")))
    cards.site_card(model, french)
    cards.site_card(model, INFO)
    assert shown == ["1 affirmation vérifiée: 1 accurate.", "1 claim checked: 1 accurate."]


def test_card_count_words_without_count_are_an_error_at_their_line(repo):
    repo.write("site.yml", "name: Checks\nlanguage: en\npublisher:\n  name: Desk\nshare_card:\n  summary:\n"
                           "    one: \"One claim\"\n    other: \"Claims\"\n")
    _, problems = load_site_info(repo.root)
    assert [(p.line, p.field, p.severity) for p in problems] == [(8, "share_card.summary.other", "error")]
    assert "has no {count}" in problems[0].message


def test_count_words_no_font_has_are_named_where_they_are(repo):
    repo.write("site.yml", "name: Checks\nlanguage: en\npublisher:\n  name: Desk\nshare_card:\n  summary:\n"
                           "    other: \"{count} \U0001FAE0\"\n")
    claim_in(repo, "A claim.")
    [warning] = [p for p in validate(repo.root, {}).problems if "share card" in p.message]
    assert (warning.path, warning.line, warning.field) == ("site.yml", 7, "share_card.summary.other")
