"""Which language a reply is in: the message's script, then the stored choice, then Telegram."""

from __future__ import annotations

import pytest

from bot.core.language import OTHER, Guess, detect, from_telegram, guess, resolve


@pytest.mark.parametrize(("text", "lang"), [
    ("ខ្ញុំចង់ទៅធ្វើការនៅថៃ", "km"),
    ("我想去柬埔寨工作", "zh"),
    ("這個工作是真的嗎", "zh"),
    ("Is this job real?", "en"),
    ("job online នៅថៃពិតឬអត់", "km"),  # Khmer with English words: Khmer letters are the majority
    ("ผมอยากทำงาน", OTHER),  # Thai
    ("ຂ້ອຍຕ້ອງການວຽກ", OTHER),  # Lao
    ("ကျွန်တော်အလုပ်လိုချင်တယ်", OTHER),  # Burmese
    ("Tôi muốn đi làm việc ở Campuchia", OTHER),  # Vietnamese
    # Romanized Khmer
    ("knhom jong tov thver ka nov thai", "km"),
    ("chuoy knhom phong", "km"),
    ("orkun", "km"),
    ("hello bong sok sabay te", "km"),
    # Mixed scripts: the language with the most words, Khmer and Chinese words counting double
    ("menu បង", "km"),
    ("ខ្ញុំជាប់នៅ compound នៅ KK park", "km"),
    ("legal work visa ថៃ ធ្វើនៅណា", "km"),
    ("hello你好", "zh"),
    ("passport被老板收了怎么办", "zh"),
    ("I saw the word 工作 in the ad, what does it mean?", "en"),
])
def test_detect_by_script(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["/start", "😀🙏", "123", "ok", "", "   "])
def test_messages_that_say_nothing_about_language(text):
    assert detect(text) is None


def test_a_clear_message_language_beats_the_stored_choice():
    assert resolve("zh", "km", "en") == "zh"


@pytest.mark.parametrize(("text", "lang"), [
    ("knhom chong tov thver ka nov thai", "km"),
    ("bong knhom jong dak pakyphneu nov kompany", "km"),
    ("ខ្ញុំចង់ទៅធ្វើការនៅថៃ", "km"),
    ("I want to find a job in Thailand", "en"),
    ("they took my passport and I can't leave", "en"),
    ("tell me", "en"),
    ("book now", "en"),
    ("so us", "en"),  # not joined into the Khmer "sous"
    ("我想去柬埔寨工作", "zh"),
])
def test_a_clear_language_overrides_what_the_person_was_using(text, lang):
    said = guess(text)
    assert said == Guess(lang, True)
    for before in ("km", "en", "zh"):
        assert resolve(said.language, before, "en", said.clear) == lang


@pytest.mark.parametrize(("text", "guessed"), [
    ("sousdey", "km"),  # an English speaker greets in Khmer too
    ("thank you bong", "en"),  # a Khmer speaker thanks in English
    ("hi bong", "en"),
    ("menu", "en"),
    ("help", "en"),
    ("change language tov English", "en"),
    ("how to use bot នេះ", "en"),  # a Latin majority beside Khmer script
    ("look", "en"),  # not the Khmer "lok" with a letter doubled
    ("tell bong", "en"),
    ("88", "zh"),  # "bye-bye" in Chinese chat, or a number
])
def test_a_short_or_mixed_message_keeps_the_language_the_person_was_using(text, guessed):
    said = guess(text)
    assert (said.language, said.clear) == (guessed, False)
    assert resolve(said.language, "km", "en", said.clear) == "km"
    assert resolve(said.language, "en", "km", said.clear) == "en"
    # Nothing known yet: the guess is better than Telegram's language.
    assert resolve(said.language, None, "zh", said.clear) == guessed


def test_stored_choice_beats_telegram():
    assert resolve(None, "zh", "en") == "zh"


def test_telegram_language_when_nothing_else_is_known():
    assert resolve(None, None, "zh-hans") == "zh"
    assert resolve(None, None, "en-GB") == "en"
    assert resolve(None, None, "km") == "km"


def test_khmer_is_the_default():
    assert resolve(None, None, None) == "km"
    assert resolve(None, None, "fr") == "km"
    assert resolve(OTHER, None, None) == "km"


def test_from_telegram_ignores_languages_prayat_does_not_speak():
    assert from_telegram("th") is None
    assert from_telegram(None) is None


@pytest.mark.parametrize("text", [
    "I mean the job is far away", "Can you help me check a job in Thailand?",
    "tell me about marriage brokers", "my son wants to go to Korea, is that ok?",
])
def test_english_is_not_mistaken_for_romanized_khmer(text):
    assert detect(text) == "en"


@pytest.mark.parametrize("text", [
    # spellings in no word list, known by their letters (kgnom, tvea, srolanh)
    "kgnom jong tvea kar nov kore",
    "bong srolanh oun te",
    # words that are English too count half: "men" (not), "ban" (can), "mean" (have)
    "men hoy",
    "ot mean luy te",
    # English loanwords and place names count for neither side
    "knhom jong apply job nov korea",
    # a word that is also English, alone: an answer in Khmer ("bat" = yes)
    "bat",
    "men",
    # a tie with at least two Khmer words goes to Khmer
    "ke thar job customer service nov sihanoukville",
    # letters stretched for feeling, and words split where people split them
    "orkunnn bonggg",
    "jasss",
    "or kun bong",
    "yang mech dae",
])
def test_romanized_khmer_in_any_spelling(text):
    assert detect(text) == "km"


@pytest.mark.parametrize("text", [
    "I mean it, the men can ban you",
    "thanks bong",  # one Khmer word in an English message
    "free visa free ticket",  # only loanwords: nothing says Khmer
    "my name is Sokha and I live in Poipet",
    # "a" and a phone's curly apostrophe are English, not Khmer letters
    "I’m in a compound",
    "a friend offered a job",
    # one word the lists do not know is not read as Khmer by its letters alone
    "haha", "omg", "Sokha",
])
def test_english_with_khmer_looking_words_stays_english(text):
    assert detect(text) == "en"


def test_the_word_lists_do_not_overlap():
    """A word in two lists would count twice; scripts/english_words.py keeps them apart."""
    from bot.core.language import (
        ENGLISH_WORDS,
        KHMER_ENGLISH_HOMOGRAPHS,
        LOANWORDS,
        ROMANIZED_KHMER,
        _word_list,
    )

    english = _word_list(ENGLISH_WORDS)
    for other in (ROMANIZED_KHMER, KHMER_ENGLISH_HOMOGRAPHS, LOANWORDS):
        assert english & _word_list(other) == set(), other.name
    assert _word_list(ROMANIZED_KHMER) & _word_list(KHMER_ENGLISH_HOMOGRAPHS) == set()


def test_letters_tell_khmer_from_english():
    from bot.core.language import _letter_evidence

    assert min(map(_letter_evidence, ["khnhum", "chhnam", "srolanh"])) > 0
    assert max(map(_letter_evidence, ["beautiful", "what", "passport"])) < 0


def test_romanized_khmer_and_english_development_set():
    """tests/data/language_dev.yml: messages written apart from the word lists (romanized Khmer in
    many spellings, English as Cambodians write it, Khmer with English words). A change to the
    word lists that makes the bot answer many of them in the wrong language fails here, on a
    first message (the guess) or, stricter, in a conversation (a clear but wrong language)."""
    import yaml

    from bot import PROJECT_ROOT

    data = yaml.safe_load((PROJECT_ROOT / "tests/data/language_dev.yml").read_text("utf-8"))
    first, conversation = {}, {}
    for group, texts in data.items():
        lang = "km" if group.startswith(("km", "mixed_km")) else "en"
        said = [guess(str(text)) for text in texts]
        first[group] = sum(g.language == lang for g in said) / len(said)
        conversation[group] = sum(resolve(g.language, lang, None, g.clear) == lang
                                  for g in said) / len(said)
    assert set(first) == {"km_latin", "en", "mixed_km_en", "en_texting", "km_latin_intents",
                          "en_cambodian", "km_latin_a", "km_latin_b", "km_latin_d", "en_c", "en_d"}
    floor = {"km_latin_intents": 0.95, "km_latin_a": 0.92}  # "hi bong", "menu": ties, no words
    assert {g: m for g, m in first.items() if m < floor.get(g, 0.97)} == {}, first
    assert {g: m for g, m in conversation.items() if m < 0.99} == {}, conversation


def test_reply_language_numbers_count_what_the_bot_would_answer():
    """`prayat eval`'s reply-language numbers: a short message is right in a conversation in
    its language, a guess on a first message, and wrong for someone switching to it."""
    from bot.tools.evaluation import language_match

    examples = [("km", "ask_jobs", "knhom chong tov thver ka nov thai"),
                ("km", "help", "menu"),
                ("en", "greet", "sousdey"),  # in the English file, but written in Khmer
                ("en", "ask_jobs", "is this job real?"),
                ("zh", "greet", "你好"),
                ("km", "thanks", "thank you bong")]  # in no single language
    match = language_match(examples, {"sousdey": "km", "thank you bong": "none"})
    assert match["in_conversation"] == {"km": 1.0, "en": 1.0, "zh": 1.0}  # 4 km messages
    # "menu" reads as English; "thank you bong" (also English on its own) is left out: 2 of 3
    assert match["first_message"] == {"km": 0.667, "en": 1.0, "zh": 1.0}
    assert match["switching"] == {"km": 0.333, "en": 1.0, "zh": 1.0}
    by_file = language_match(examples)  # "sousdey" counted as English
    assert by_file["in_conversation"]["en"] == 1.0  # an English speaker's greeting stays English
    assert by_file["first_message"]["en"] == 0.5


def test_every_written_language_correction_is_a_held_out_message_of_another_file():
    from bot.tools.evaluation import HELDOUT, heldout_examples, written_languages

    files = {text: lang for lang, _, text in heldout_examples()}
    written = written_languages(HELDOUT)
    assert written
    assert [text for text in written if text not in files] == []
    assert [text for text, lang in written.items() if files[text] == lang] == []
