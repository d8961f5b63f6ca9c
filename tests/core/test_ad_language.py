"""The reply language for a message that carries a job ad: the person's own words around the ad
decide; with none, a person the bot knows keeps their language and a new one gets the ad's (with
the language choice beside the answer); a forwarded post holds nobody's own words."""

from __future__ import annotations

import pytest

from bot.core.prayat import Incoming

CHINESE_AD = ("高薪诚聘客服，月薪一万五，包机票，包吃住，无需经验，工作地点妙瓦底，名额有限，"
              "联系飞机 @kefu_888")
ENGLISH_AD = ("URGENT: customer service staff for a big company in Sihanoukville. Salary $1,800 "
              "per month, free flight and visa, no experience needed. Age 18-30. "
              "Contact Telegram @hr_goldjob")


@pytest.mark.parametrize(("text", "lang"), [
    (f"Can you check this ad? {CHINESE_AD}", "en"),
    (f"帮我看看这个招聘：{ENGLISH_AD}", "zh"),
    (f"ជួយមើលផ្សាយការងារនេះផង៖ {CHINESE_AD}", "km"),
    (f"{CHINESE_AD}\nis this real?", "en"),
])
async def test_the_persons_own_words_around_the_ad_decide(floor, text, lang):
    answer = await floor.handle(Incoming(user="new", text=text, telegram_language="km"))
    assert answer.lang == lang


@pytest.mark.parametrize(("ad", "lang"), [(ENGLISH_AD, "en"), (CHINESE_AD, "zh")])
async def test_a_new_person_with_only_an_ad_gets_the_ads_language_and_the_choice(floor, ad, lang):
    answer = await floor.handle(Incoming(user="new", text=ad))
    assert answer.lang == lang
    assert answer.replies[-1]["topic"] == "language"  # the language choice, beside the answer


async def test_a_known_person_keeps_their_language_when_the_ad_has_no_words_of_theirs(floor):
    await floor.handle(Incoming(user="sokha", text="សួស្តី ខ្ញុំចង់សួរអំពីការងារនៅថៃ"))
    assert (await floor.handle(Incoming(user="sokha", text=ENGLISH_AD))).lang == "km"
    assert (await floor.handle(Incoming(user="sokha", text=f"招聘：{CHINESE_AD}"))).lang == "km"


async def test_a_forwarded_post_holds_nobodys_own_words(floor):
    answer = await floor.handle(Incoming(user="new", text=f"Can you check this ad? {CHINESE_AD}",
                                          forwarded=True, telegram_language="km"))
    assert answer.lang == "km"
