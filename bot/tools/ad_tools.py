"""`prayat check-ad` for outreach workers and `prayat eval-ads` for the team: the same checker the
chat uses (bot/checkers/red_flags.py), on one ad, on a CSV file of ads, or on the labelled development set.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.checkers.red_flags import RedFlagChecker
from bot.content import Library, load_library
from bot.settings import Settings

DEV_SET = PROJECT_ROOT / "eval" / "job_ads"
# written apart from the rules and DEV_SET, never tuned on: scored only as docs/evaluation.md says, and
# only the shares are printed, never an ad
HELDOUT_SET = PROJECT_ROOT / "eval" / "job_ads_heldout"
# A second one, written the same way by another helper after the first had been scored twice.
HELDOUT2_SET = PROJECT_ROOT / "eval" / "job_ads_heldout2"
SETS = {"dev": DEV_SET, "heldout": HELDOUT_SET, "heldout2": HELDOUT2_SET}
TARGETS = {"scam_high_risk": (">=", 0.85), "scam_no_flags": ("<=", 0.03),
           "ordinary_high_risk": ("<=", 0.05), "ordinary_no_flags": (">=", 0.60)}


def _library() -> Library:
    library = load_library(Settings().content_dir)
    if library.errors:
        for problem in library.errors:
            print(problem, file=sys.stderr)
        raise SystemExit("The content has errors (see above); run `prayat content check`.")
    return library


def check_one(checker: RedFlagChecker, stream=sys.stdin) -> int:
    print(checker.check(stream.read()).as_json())
    return 0


def check_csv(checker: RedFlagChecker, source: Path, target: Path) -> int:
    """Every row of `source` (a CSV with a `text` column) with `verdict` and `flags` added."""
    from tqdm import tqdm

    with source.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            print(f"{source}: needs a column named `text`", file=sys.stderr)
            return 2
        rows = list(reader)
        fields = list(reader.fieldnames)
    fields += [f for f in ("verdict", "flags") if f not in fields]
    with target.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        for row in tqdm(rows, desc="Checking ads", unit="ad", file=sys.stderr):
            check = checker.check(row.get("text") or "")
            row["verdict"] = check.verdict
            row["flags"] = json.dumps([{"id": f.id, "evidence": f.evidence} for f in check.flags],
                                      ensure_ascii=False)
            writer.writerow(row)
    counts = Counter(row["verdict"] for row in rows)
    print(f"{len(rows)} ads checked: " + ", ".join(f"{counts[v]} {v}" for v in
                                                   ("high_risk", "caution", "no_flags")),
          file=sys.stderr)
    return 0


def evaluate(checker: RedFlagChecker, folder: Path = DEV_SET) -> dict[str, dict[str, float]]:
    """Per language: the shares the issue sets targets for, and the flags found most often."""
    results: dict[str, dict[str, float]] = {}
    for path in sorted(folder.glob("*.yml")):
        ads = yaml.safe_load(path.read_text(encoding="utf-8"))
        verdicts: dict[str, Counter] = {"scam": Counter(), "ordinary": Counter()}
        for ad in ads:
            verdicts[ad["label"]][checker.check(ad["text"]).verdict] += 1
        scam, ordinary = verdicts["scam"], verdicts["ordinary"]
        results[path.stem] = {
            "ads": len(ads),
            "scam_high_risk": scam["high_risk"] / max(1, sum(scam.values())),
            "scam_no_flags": scam["no_flags"] / max(1, sum(scam.values())),
            "ordinary_high_risk": ordinary["high_risk"] / max(1, sum(ordinary.values())),
            "ordinary_no_flags": ordinary["no_flags"] / max(1, sum(ordinary.values())),
        }
    return results


def meets(metric: str, value: float) -> bool:
    op, target = TARGETS[metric]
    return value >= target if op == ">=" else value <= target


def check_image(checker: RedFlagChecker, path: Path) -> int:
    """The same JSON as for text, plus what was read: the text, the confidence, and whether it was
    good enough for the chat to give a verdict (it asks for the text otherwise)."""
    from bot.checkers import ocr

    try:
        reading = ocr.read(path.read_bytes())
    except OSError as error:
        print(f"{path}: {error.strerror or error}", file=sys.stderr)
        return 2
    except ocr.NotAnImage:
        print(f"{path}: not an image that can be read", file=sys.stderr)
        return 2
    except ocr.OcrUnavailable as error:
        print(f"Cannot read images: {error}", file=sys.stderr)
        return 2
    result = json.loads(checker.check(reading.text).as_json())
    result["read"] = {"text": reading.text, "confidence": reading.confidence,
                      "languages": reading.languages, "readable": reading.readable}
    if not reading.readable:
        result["verdict"], result["flags"] = None, []  # as in the chat: too little read to judge
    print(json.dumps(result, ensure_ascii=False))
    return 0


def main_check(args: argparse.Namespace) -> int:
    checker = RedFlagChecker(_library())
    if getattr(args, "image", None):
        return check_image(checker, Path(args.image))
    if args.csv:
        if not args.out:
            print("--csv needs --out FILE", file=sys.stderr)
            return 2
        return check_csv(checker, Path(args.csv), Path(args.out))
    return check_one(checker)


def main_eval(args: argparse.Namespace) -> int:
    folder = SETS[getattr(args, "set", "dev")]
    results = evaluate(RedFlagChecker(_library()), folder)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    name = "the development set" if folder == DEV_SET else "a HELD-OUT set (never tune on it)"
    print(f"Job-ad checker on {name} ({folder.relative_to(PROJECT_ROOT)}/)")
    print(f"{'lang':5} {'ads':>4} {'scam→high':>10} {'scam→none':>10} {'ord→high':>9} {'ord→none':>9}")
    ok = True
    for lang, r in results.items():
        cells = []
        for metric in TARGETS:
            good = meets(metric, r[metric])
            ok = ok and good
            cells.append(f"{r[metric]:>8.0%}{' ' if good else '✗'}")
        print(f"{lang:5} {int(r['ads']):>4}  " + "  ".join(cells))
    print("targets: scam→high ≥85%, scam→none ≤3%, ord→high ≤5%, ord→none ≥60%"
          + ("" if ok else "  (✗: missed)"))
    return 0
