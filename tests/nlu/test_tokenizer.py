"""The script-aware tokenizer: Khmer through khmer-nltk, Han through jieba, the rest on words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.training_data.message import Message

from nlu.components.script_tokenizer import ScriptAwareTokenizer, tokenize_text


def words(text: str) -> list[str]:
    return [t.text for t in tokenize_text(text)]


def assert_substrings(text: str) -> None:
    for token in tokenize_text(text):
        assert text[token.start:token.end] == token.text


def test_khmer_without_spaces_is_split_into_words():
    assert words("ខ្ញុំចង់ទៅធ្វើការនៅថៃ") == ["ខ្ញុំ", "ចង់", "ទៅ", "ធ្វើការ", "នៅ", "ថៃ"]


def test_chinese_is_split_into_words():
    assert words("我想去柬埔寨工作") == ["我", "想", "去", "柬埔寨", "工作"]


def test_traditional_chinese_is_split():
    tokens = words("這個工作是真的嗎")
    assert "工作" in tokens and len(tokens) >= 4


def test_traditional_chinese_is_counted_as_simplified():
    """The featurizers count lemmas: "護照被老闆扣了" and "护照被老板扣了" are the same words."""
    traditional = tokenize_text("護照被老闆扣了")
    plain = tokenize_text("护照被老板扣了")
    assert [t.text for t in traditional] == ["護照", "被", "老闆", "扣", "了"]
    assert [t.lemma for t in traditional] == [t.text for t in plain]
    assert_substrings("護照被老闆扣了")


def test_simplified_and_other_scripts_keep_their_own_lemma():
    assert all(t.lemma == t.text for t in tokenize_text("我想去柬埔寨工作 job ការងារ"))


def test_mixed_khmer_and_english_keeps_each_script_whole():
    tokens = words("job online នៅ Thailand ពិតឬអត់")
    assert tokens[:2] == ["job", "online"]
    assert "Thailand" in tokens and "ពិត" in tokens
    assert_substrings("job online នៅ Thailand ពិតឬអត់")


def test_money_and_contractions_stay_whole():
    assert words("Pay $1,500/month, don't wait! 1.5k") == [
        "Pay", "1,500", "month", "don't", "wait", "1.5k"]
    assert words("工资8000-15000元") == ["工资", "8000-15000", "元"]


def test_khmer_digits_are_a_token():
    assert "១២០០" in words("ប្រាក់ខែ ១២០០ ដុល្លារ")


def test_emoji_only_message_is_one_token():
    assert words("😀🙏") == ["😀🙏"]


def test_emoji_between_words_are_dropped():
    assert words("help 🙏 me") == ["help", "me"]


def test_zero_width_spaces_separate_khmer_words():
    text = "ខ្ញុំ\u200bចង់\u200bទៅ"
    assert words(text) == ["ខ្ញុំ", "ចង់", "ទៅ"]
    assert_substrings(text)


def test_empty_text_has_no_tokens():
    assert words("") == []
    assert words("   ") == []


def test_the_rasa_component_sets_offsets_rasa_can_use():
    tokenizer = ScriptAwareTokenizer(ScriptAwareTokenizer.get_default_config())
    message = Message.build(text="ខ្ញុំចង់ job 我想去")
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    assert [t.text for t in tokens] == ["ខ្ញុំ", "ចង់", "job", "我", "想", "去"]
    assert all(message.get("text")[t.start:t.end] == t.text for t in tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    list("ខ្ញុំចង់ទៅធ្វើការនៅថៃ我想去柬埔寨工作護照這個檢查abc 123,.!?😀\u200b\n។៣")), max_size=60))
def test_every_token_is_an_exact_substring(text):
    assert_substrings(text)
