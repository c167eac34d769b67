"""A desk checks a source in Chinese (or Japanese, or Thai) as it checks one in French: names linked
where they occur, every sentence accounted for, long quotes translated, readable claim ids."""

from __future__ import annotations

import re

import pytest

from conftest import ScratchRepo
from factdesk import cli
from factdesk.coverage import sentences
from factdesk.repository import load_repository
from factdesk.scaffold import suggest_id
from factdesk.segmentation import WordBoundaries, is_word_edge, letters_without_spaces, spaced
from factdesk.site import build_site
from factdesk.standards import standards_problems

# A news item on the ministry's January 2017 notice, written for these tests.
NEWS = (
    "新华社北京1月22日电 据工信部网站消息，工信部日前发布《关于清理规范互联网网络接入服务市场的通知》，"
    "决定自即日起至2018年3月31日，在全国范围内开展互联网网络接入服务市场清理规范工作。\n\n"
    "通知指出，未经电信主管部门批准，不得自行建立或租用专线（含虚拟专用网络VPN）等其他信道开展跨境经营活动。"
    "基础电信企业向用户出租的国际专线，应集中建立用户档案，向用户明确使用用途仅供其内部办公所用。\n\n"
    "工信部有关负责人表示，此次清理规范工作旨在进一步规范市场秩序，维护网络信息安全。"
    "工信部长苗圩此前曾表示，外资企业的正常业务不会受到影响。英国电信（BT）在上海自贸区提出的申请仍在审批中。\n\n"
    "这是否意味着VPN将被全面禁止？工信部对此未作回应。\n"
)
RULE = "未经电信主管部门批准，不得自行建立或租用专线（含虚拟专用网络VPN）等其他信道开展跨境经营活动。"


def words(text: str, language: str) -> list[str]:
    """The text cut at its word boundaries."""
    boundaries = WordBoundaries(text, language)
    cuts = [position for position in range(len(text) + 1) if boundaries.at(position)]
    return [text[start:end] for start, end in zip(cuts, cuts[1:])]


@pytest.fixture
def desk(repo: ScratchRepo) -> ScratchRepo:
    repo.source("miit-vpn", NEWS, language="zh-Hans")
    repo.entity("miit", "Ministry of Industry and Information Technology", aliases=["工信部"])
    repo.entity("xinhua", "Xinhua", aliases=["新华社"])
    repo.entity("bt-group", "BT Group", aliases=[{"text": "BT", "whole_word": True, "case_sensitive": True}])
    repo.entity("shanghai-ftz", "Shanghai Free-Trade Zone", aliases=["上海自贸区"])
    return repo


# --- Word boundaries --------------------------------------------------------------------------------

def test_chinese_japanese_and_thai_are_cut_into_words_by_dictionary():
    assert words("据工信部消息", "zh") == ["据", "工", "信", "部", "消息"]
    assert words("新华社北京1月22日电", "zh")[:2] == ["新华社", "北京"]
    assert words("東京都に住んでいます", "ja")[:2] == ["東京", "都"]
    assert words("สวัสดีครับ", "th") == ["สวัสดี", "ครับ"]


def test_positions_count_characters_beyond_the_basic_plane_once():
    """ICU counts in UTF-16 code units; an emoji or a rare character before the text would shift every
    boundary by one if they were taken as they come."""
    assert words("😀𠀀据工信部消息", "zh") == ["😀", "𠀀", "据", "工", "信", "部", "消息"]
    assert words("\ud800据消息", "zh") == ["\ud800", "据", "消息"]  # a lone surrogate is one character too


def test_a_name_ends_where_its_script_meets_another_or_the_dictionary_ends_a_word():
    boundaries = WordBoundaries("BT公司在工信部长", "zh")
    text = boundaries.text
    assert is_word_edge(text, 2, boundaries)  # BT|公司: two scripts
    assert is_word_edge(text, 5, boundaries)  # 在|工
    assert not is_word_edge(text, 8, boundaries)  # 部|长: 部长 ("minister") is one word


# --- Entity mentions --------------------------------------------------------------------------------

def test_names_are_linked_inside_chinese_text_but_not_inside_a_longer_word(desk: ScratchRepo):
    model = build_site(load_repository(desk.root))
    mentions = {(m.entity_id, NEWS[m.span.start:m.span.end], m.span.start) for m in model.mentions["miit-vpn"]}
    miit = [match.start() for match in re.finditer("工信部", NEWS)]
    minister = NEWS.index("工信部长")
    assert {start for entity, _, start in mentions if entity == "miit"} == set(miit) - {minister}
    assert len(miit) - 1 == 4
    assert ("xinhua", "新华社", 0) in mentions
    assert ("bt-group", "BT", NEWS.index("BT")) in mentions  # between brackets, beside Chinese
    assert ("shanghai-ftz", "上海自贸区", NEWS.index("上海自贸区")) in mentions


def test_an_alias_matched_inside_words_is_linked_inside_a_longer_word_too(repo: ScratchRepo):
    repo.source("s", NEWS, language="zh")
    repo.entity("miit", "MIIT", aliases=[{"text": "工信部", "whole_word": False, "case_sensitive": True},
                                          {"text": "vpn", "whole_word": True, "case_sensitive": False}])
    model = build_site(load_repository(repo.root))
    found = [NEWS[m.span.start:m.span.end] for m in model.mentions["s"]]
    assert found.count("工信部") == NEWS.count("工信部")
    assert found.count("VPN") == 2  # any case, as the alias says; "VPN）" and "VPN将" end the word


def test_a_thai_name_is_linked_as_a_word(repo: ScratchRepo):
    text = "กระทรวงดิจิทัลแถลงว่า สวัสดีครับ ทุกคน"
    repo.source("th", text, language="th")
    repo.entity("greeting", "Greeting", aliases=["สวัสดี"])
    repo.entity("part", "Part", aliases=["สวัส"])  # ends inside the word สวัสดี: never linked
    model = build_site(load_repository(repo.root))
    assert [(m.entity_id, m.span.start) for m in model.mentions["th"]] == [("greeting", text.index("สวัสดี"))]


# --- Sentences --------------------------------------------------------------------------------------

def test_sentences_end_at_the_scripts_own_marks():
    assert [s.text for s in sentences("他说：“我们会遵守。”工信部表示将加强监管！你同意吗？同意。", "zh")] == [
        "他说：“我们会遵守。”", "工信部表示将加强监管！", "你同意吗？", "同意。"]
    assert [s.text for s in sentences("東京は晴れ。「明日は雨です。」本当？", "ja")] == ["東京は晴れ。", "「明日は雨です。」", "本当？"]
    assert [s.text for s in sentences("यह एक वाक्य है। यह दूसरा है।", "hi")] == ["यह एक वाक्य है।", "यह दूसरा है।"]
    assert [s.text for s in sentences("هل هذا صحيح؟ نعم", "ar")] == ["هل هذا صحيح؟", "نعم"]
    assert [s.text for s in sentences("Բարև։ Ինչպե՞ս ես", "hy")] == ["Բարև։", "Ինչպե՞ս ես"]


def test_latin_sentences_keep_their_rule():
    """ICU also ends a sentence after "M." and inside « Non. »; the Latin rule stays as it was."""
    text = "Il a dit « Non. » Puis il est parti. Le chiffre est de 12.5 milliards.\n\nFin"
    assert [s.text for s in sentences(text, "fr")] == ["Il a dit « Non. »", "Puis il est parti.",
                                                       "Le chiffre est de 12.5 milliards.", "Fin"]


def test_an_unchecked_chinese_sentence_is_reported(desk: ScratchRepo):
    start = NEWS.index(RULE)
    desk.claim("rule", "miit-vpn", RULE, start, start + len(RULE), translation="Without approval, no private lines.")
    model = build_site(load_repository(desk.root))
    reported = [p for p in standards_problems(model) if "no claim covers the sentence" in p.message]
    assert len(reported) == len(sentences(NEWS, "zh")) - 1 == 7
    assert not any(RULE[:20] in p.message for p in reported)
    assert any("'工信部对此未作回应。'" in p.message for p in reported)
    assert all(p.severity == "warning" for p in reported)
    desk.replace("sources/miit-vpn.yml", "language:", 'assessment: {"verdict": "accurate", "summary": "S."}\nlanguage:')
    model = build_site(load_repository(desk.root))
    assert [p.severity for p in standards_problems(model) if "no claim covers" in p.message] == ["error"] * 7


# --- Translations -----------------------------------------------------------------------------------

def test_a_chinese_quote_longer_than_a_name_needs_a_translation(desk: ScratchRepo):
    start = NEWS.index(RULE)
    desk.claim("rule", "miit-vpn", RULE, start, start + len(RULE), translation=None)
    name = NEWS.index("工信部")
    desk.claim("name", "miit-vpn", "工信部", name, name + 3, translation=None)
    clause = NEWS.index("工信部日前发布")  # seven letters: a name and a verb, still short
    desk.claim("short", "miit-vpn", "工信部日前发布", clause, clause + 7, translation=None)
    assert letters_without_spaces(RULE) == 41
    problems = [p for p in standards_problems(build_site(load_repository(desk.root))) if "translation" in p.message]
    assert [p.path for p in problems] == ["claims/miit-vpn/rule.yml"]
    assert "the quote is in 'zh-Hans': add `translation`" in problems[0].message


# --- Suggested ids ----------------------------------------------------------------------------------

def test_suggested_ids_are_transliterated_words():
    assert suggest_id("英国电信", set()) == "yingguo-dianxin"
    assert suggest_id("Москва сказала", set()) == "moskva-skazala"
    assert suggest_id("สวัสดีครับ", set()) == "swasdi-khrab"
    assert suggest_id("réalisé l’acquisition", set()) == "realise-lacquisition"  # as before: accents and apostrophes go
    assert suggest_id("英国电信", {"yingguo-dianxin"}) == "yingguo-dianxin-2"
    assert suggest_id("「」。", set()) == "claim"


def test_factcheck_new_gives_a_chinese_quote_a_valid_readable_id(desk: ScratchRepo, capsys):
    code = cli.main(["--root", str(desk.root), "new", "miit-vpn", RULE, "--today", "2026-12-01"])
    assert code == 0, capsys.readouterr()
    [written] = (desk.root / "claims/miit-vpn").glob("*.yml")
    assert written.stem == "weijing-dianxin-zhuguan-bumen-pizhun-bude"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", written.stem)
    assert f"id: {written.stem}\n" in written.read_text(encoding="utf-8")


# --- Search text ------------------------------------------------------------------------------------

def test_words_are_separated_for_search_by_an_invisible_space():
    assert spaced("据工信部消息，BT公司 VPN").split("\u200b") == ["据", "工", "信", "部", "消息", "，BT", "公司 VPN"]
    assert spaced("Aucun mot chinois ici.") == "Aucun mot chinois ici."
