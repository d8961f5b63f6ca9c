"""`prayat eval`: how well Prayat understands people, per language, in numbers.

- held-out: the trained model on tests/data/nlu_heldout, which is never used in training and
  whose misses are not studied (it measures; it does not guide);
- development set: tests/data/nlu_dev, an earlier held-out set whose misses were studied to
  choose training data, so its scores are optimistic;
- cross-validation: k stratified folds of the training data, trained and tested fold by fold;
- both for Prayat's pipeline and for Rasa's stock pipeline (eval/stock-config.yml), side by side.

Emergency is reported twice: by the model alone, and as the bot decides it (the model's intent
or the emergency patterns), which is what a person in danger actually gets.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

import yaml

from bot import LANGUAGES, PROJECT_ROOT
from bot.core.language import guess, resolve
from bot.core.safety import is_emergency
from bot.dialogue.model import cache_dir, ensure_model

HELDOUT = PROJECT_ROOT / "tests" / "data" / "nlu_heldout"
DEV = PROJECT_ROOT / "tests" / "data" / "nlu_dev"
# Messages in the registers of issue 18 (typos, romanized Khmer, Taiwan Chinese, relatives,
# survivors) with hard negatives marked `hard: true`: a held-out set and a development set,
# each written by writers who saw neither the training data nor the patterns.
PRESSURE_HELDOUT = PROJECT_ROOT / "tests" / "data" / "nlu_pressure" / "heldout"
PRESSURE_DEV = PROJECT_ROOT / "tests" / "data" / "nlu_pressure" / "dev"
STOCK_CONFIG = PROJECT_ROOT / "eval" / "stock-config.yml"
PRAYAT_CONFIG = PROJECT_ROOT / "config.yml"
EMERGENCY = "emergency"

Example = tuple[str, str, str]  # (language, intent, text)


def read_nlu(path: Path, lang: str) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            text = line.strip()
            if text.startswith("- "):
                examples.append((lang, block["intent"], text[2:].strip()))
    return examples


def hard_negatives(folder: Path) -> set[str]:
    """The messages of a folder's `hard: true` blocks: not emergencies, though they use the
    words of one ("I escaped six months ago", "my facebook is locked")."""
    texts = set()
    for lang in LANGUAGES:
        path = folder / f"{lang}.yml"
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
        for block in data.get("nlu", []):
            if block.get("hard"):
                texts |= {line.strip()[2:].strip() for line in str(block["examples"]).splitlines()
                          if line.strip().startswith("- ")}
    return texts


def training_examples() -> list[Example]:
    return [ex for lang in LANGUAGES
            for path in sorted((PROJECT_ROOT / "nlu" / lang).glob("*.yml"))
            for ex in read_nlu(path, lang)]


def heldout_examples(folder: Path = HELDOUT) -> list[Example]:
    return [ex for lang in LANGUAGES if (folder / f"{lang}.yml").exists()
            for ex in read_nlu(folder / f"{lang}.yml", lang)]


def write_nlu(examples: list[Example], path: Path) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for _, intent, text in examples:
        by_intent[intent].append(text)
    data = {"version": "3.1", "nlu": [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}
        for intent, texts in sorted(by_intent.items())]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def train_nlu(config: Path, nlu: Path, out: Path, name: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config), "--nlu", str(nlu),
         "--out", str(out), "--fixed-model-name", name],
        cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return out / f"{name}.tar.gz"


async def predict(model: Path, texts: list[str]) -> list[str]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level otherwise
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = Agent.load(str(model))
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def scores(examples: list[Example], predicted: list[str], hard: set[str] | None = None
           ) -> dict[str, dict]:
    """Per language: accuracy (the model's intent, and as the bot decides: the emergency
    patterns first), intent macro-F1, worst confusions, emergency recall/precision, and the
    false-alarm rate: the share of messages that are no emergency but get the emergency answer
    (of all of them, and of the hard negatives among them)."""
    from sklearn.metrics import accuracy_score, f1_score

    result = {}
    for lang in LANGUAGES:
        rows = [(ex, p) for ex, p in zip(examples, predicted, strict=True) if ex[0] == lang]
        if not rows:
            continue
        truth = [ex[1] for ex, _ in rows]
        guess = [p for _, p in rows]
        labels = sorted(set(truth))
        confusions = Counter((t, g) for t, g in zip(truth, guess, strict=True) if t != g)

        def emergency(flags: list[bool], truth: list[str] = truth) -> dict[str, float]:
            actual = [t == EMERGENCY for t in truth]
            hit = sum(a and f for a, f in zip(actual, flags, strict=True))
            return {"recall": round(hit / max(1, sum(actual)), 3),
                    "precision": round(hit / max(1, sum(flags)), 3)}

        model_flags = [g == EMERGENCY for g in guess]
        bot_flags = [g == EMERGENCY or is_emergency(ex[2]) for (ex, _), g in zip(rows, guess,
                                                                                  strict=True)]
        calm = [t != EMERGENCY for t in truth]
        alarms = [c and f for c, f in zip(calm, bot_flags, strict=True)]
        hard_rows = [i for i, (ex, _) in enumerate(rows) if ex[2] in (hard or set())]
        decided = [EMERGENCY if f else g for f, g in zip(bot_flags, guess, strict=True)]
        result[lang] = {
            "examples": len(rows),
            "accuracy": round(accuracy_score(truth, guess), 3),
            "accuracy_bot": round(accuracy_score(truth, decided), 3),
            "false_alarms": round(sum(alarms) / max(1, sum(calm)), 3),
            "hard_negatives": len(hard_rows),
            "false_alarms_hard": round(sum(alarms[i] for i in hard_rows) / max(1, len(hard_rows)),
                                       3),
            "false_alarm_messages": [ex[2] for (ex, _), a in zip(rows, alarms, strict=True) if a],
            "macro_f1": round(f1_score(truth, guess, labels=labels, average="macro",
                                       zero_division=0), 3),
            "worst_confusions": [f"{t} → {g} ×{n}" for (t, g), n in confusions.most_common(4)],
            "emergency_model": emergency(model_flags),
            "emergency_bot": emergency(bot_flags),
            "missed_emergencies": [ex[2] for (ex, _), f in zip(rows, bot_flags, strict=True)
                                   if ex[1] == EMERGENCY and not f],
        }
    return result


# For "switching": the language a person had been using before they wrote this message.
_BEFORE = {"km": "en", "en": "km", "zh": "km"}


NO_SINGLE_LANGUAGE = "none"


def written_languages(folder: Path) -> dict[str, str]:
    """Messages of the folder whose written language is not their file's, or that are in no
    single language ("none": "hi bong", "hey bot"), from written_language.yml."""
    path = folder / "written_language.yml"
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    unknown = set(data) - set(LANGUAGES) - {NO_SINGLE_LANGUAGE}
    if unknown:
        raise ValueError(f"{path}: {sorted(unknown)} are neither languages Prayat speaks nor "
                         f"'{NO_SINGLE_LANGUAGE}'")
    return {str(text): lang for lang, texts in data.items() for text in texts or []}


def language_match(examples: list[Example], written: dict[str, str] | None = None
                   ) -> dict[str, dict[str, float]]:
    """Share of messages answered in the language they are written in (their file's language,
    or the one `written` gives; a message `written` marks as in no single language counts only
    in a conversation, in its file's language), three ways:

    - in_conversation: the person has been using that language (stored), as after a first
      message: only a clear detection of another language can go wrong;
    - first_message: nothing stored and no Telegram language: every guess counts, and a message
      too short to tell ("ok", "hi", emoji) is answered in Khmer, the default;
    - switching: the person had been using another language (Khmer for en and zh, English for
      km): only a clear detection answers right, so this is the share that switches a person's
      language.
    """
    result: dict[str, dict[str, float]] = {"in_conversation": {}, "first_message": {},
                                           "switching": {}}
    written = written or {}
    for lang in LANGUAGES:
        rows = []  # (guess, the language the message is written in, or NO_SINGLE_LANGUAGE)
        for file_lang, _, text in examples:
            written_as = written.get(text, file_lang)
            if (file_lang if written_as == NO_SINGLE_LANGUAGE else written_as) == lang:
                rows.append((guess(text), written_as))
        for way, stored in (("in_conversation", lang), ("first_message", None),
                            ("switching", _BEFORE[lang])):
            said = [g for g, written_as in rows
                    if way == "in_conversation" or written_as != NO_SINGLE_LANGUAGE]
            hits = sum(resolve(g.language, stored, None, g.clear) == lang for g in said)
            result[way][lang] = round(hits / len(said), 3) if said else 0.0
    return result


def folds(examples: list[Example], k: int, seed: int = 7) -> list[list[Example]]:
    """k folds, each with a share of every (language, intent)."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for ex in examples:
        groups[(ex[0], ex[1])].append(ex)
    parts: list[list[Example]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    for key in sorted(groups):
        items = groups[key][:]
        rng.shuffle(items)
        for i, ex in enumerate(items):
            parts[i % k].append(ex)
    return parts


def stock_model(work: Path) -> Path:
    """Rasa's stock pipeline trained on all the training data; cached like Prayat's model (it
    takes longer to train than Prayat's, and changes only when the data does)."""
    everything = work / "training.yml"
    write_nlu(training_examples(), everything)
    key = hashlib.sha256(STOCK_CONFIG.read_bytes() + everything.read_bytes()
                         + metadata.version("rasa").encode()).hexdigest()[:16]
    cached = cache_dir() / f"stock-{key}.tar.gz"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(train_nlu(STOCK_CONFIG, everything, work, "stock"), cached)
    return cached


async def heldout(work: Path) -> dict:
    """The held-out set and the development set, by both pipelines."""
    model, _ = ensure_model()
    stock = stock_model(work)
    results = {}
    for name, folder in (("heldout", HELDOUT), ("dev", DEV), ("pressure_heldout", PRESSURE_HELDOUT),
                         ("pressure_dev", PRESSURE_DEV)):
        examples = heldout_examples(folder)
        if not examples:
            continue
        texts = [ex[2] for ex in examples]
        hard = hard_negatives(folder)
        results[name] = {
            "prayat": scores(examples, await predict(model, texts), hard),
            "stock": scores(examples, await predict(stock, texts), hard),
            "reply_language_match": language_match(examples, written_languages(folder)),
            "reply_language_by_file": language_match(examples),
        }
    return results


async def cross_validation(work: Path, k: int) -> dict:
    examples = training_examples()
    parts = folds(examples, k)
    predictions: dict[str, list[tuple[Example, str]]] = {"prayat": [], "stock": []}
    for i in range(k):
        train = [ex for j, part in enumerate(parts) if j != i for ex in part]
        test = parts[i]
        data = work / f"fold{i}.yml"
        write_nlu(train, data)
        for name, config in (("prayat", PRAYAT_CONFIG), ("stock", STOCK_CONFIG)):
            model = train_nlu(config, data, work, f"{name}-fold{i}")
            guesses = await predict(model, [ex[2] for ex in test])
            predictions[name] += list(zip(test, guesses, strict=True))
            print(f"  fold {i + 1}/{k}: {name} done", file=sys.stderr, flush=True)
    return {name: scores([ex for ex, _ in rows], [g for _, g in rows])
            for name, rows in predictions.items()}


def report(title: str, results: dict, studied: bool = True) -> None:
    """`studied`: the set's misses may be read (a development set), so its false alarms are
    listed; a held-out set's are only counted."""
    print(f"\n## {title}")
    ours, stock = results["prayat"], results["stock"]
    print(f"{'lang':<5}{'n':>5}{'acc':>8}{'macroF1':>9}{'stock F1':>10}{'ratio':>7}"
          f"{'emerg. recall model/bot':>26}{'precision model/bot':>22}")
    for lang, row in ours.items():
        ratio = row["macro_f1"] / stock[lang]["macro_f1"] if stock[lang]["macro_f1"] else 0
        em, eb = row["emergency_model"], row["emergency_bot"]
        print(f"{lang:<5}{row['examples']:>5}{row['accuracy']:>8.3f}{row['macro_f1']:>9.3f}"
              f"{stock[lang]['macro_f1']:>10.3f}{ratio:>7.2f}"
              f"{em['recall']:>14.3f} / {eb['recall']:<9.3f}{em['precision']:>11.3f} / "
              f"{eb['precision']:.3f}")
    for lang, row in ours.items():
        print(f"  {lang} as the bot decides: topic {row['accuracy_bot']:.3f}, false alarms "
              f"{row['false_alarms']:.3f} (hard negatives {row['false_alarms_hard']:.3f} of "
              f"{row['hard_negatives']})")
        if studied and row["false_alarm_messages"]:
            print(f"  {lang} false alarms: {row['false_alarm_messages']}")
    for lang, row in ours.items():
        print(f"  {lang} worst confusions: {'; '.join(row['worst_confusions']) or 'none'}")
        if row["missed_emergencies"]:
            print(f"  {lang} MISSED EMERGENCIES: " + (str(row["missed_emergencies"]) if studied
                                                      else str(len(row["missed_emergencies"]))))
    if "reply_language_match" in results:
        for way, match in results["reply_language_match"].items():
            print(f"  reply language = message language, {way.replace('_', ' ')}: {match}")
        if results["reply_language_by_file"] != results["reply_language_match"]:
            for way, match in results["reply_language_by_file"].items():
                print(f"  (by the file's language, {way.replace('_', ' ')}: {match})")


def main(args: argparse.Namespace) -> int:
    async def run() -> dict:
        with tempfile.TemporaryDirectory(prefix="prayat-eval-") as tmp:
            results = await heldout(Path(tmp))
            if args.folds > 1:
                results["cross_validation"] = await cross_validation(Path(tmp), args.folds)
            return results

    results = asyncio.run(run())
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        report("Held-out test set (tests/data/nlu_heldout, never trained on)", results["heldout"])
        report("Development set (tests/data/nlu_dev; its misses were studied, so optimistic)",
               results["dev"])
        if "pressure_heldout" in results:
            report("Held-out set under pressure (tests/data/nlu_pressure/heldout, never studied)",
                   results["pressure_heldout"], studied=False)
        if "pressure_dev" in results:
            report("Development set under pressure (tests/data/nlu_pressure/dev; studied)",
                   results["pressure_dev"])
        if "cross_validation" in results:
            report(f"Cross-validation ({args.folds} folds of the training data)",
                   results["cross_validation"])
    return 0
