"""`prayat`: one verb for each thing a maintainer or an editor does."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys

from bot import private_logs
from bot.settings import Settings

# The verbs that handle people's messages: their log lines hold none of their words. The
# maintainers' verbs (validate, train, eval, ...) read training data and keep Rasa's full messages.
SERVING = {"run", "chat", "serve", "bench"}


def _logging(verbose: bool, quiet: bool = False, serving: bool = True) -> None:
    if serving:
        private_logs.install()
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("httpx", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.telegram_token:
        return cmd_serve(args)
    print("TELEGRAM_BOT_TOKEN is not set: opening the terminal chat instead.", file=sys.stderr)
    return cmd_chat(args)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.terminal import chat_jsonl, chat_terminal
    from bot.runner import open_prayat

    settings = Settings()
    settings.private_data_dir()

    async def main() -> None:
        async with open_prayat(settings) as prayat:
            await (chat_jsonl(prayat) if args.jsonl else chat_terminal(prayat))

    asyncio.run(main())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.telegram_token:
        print("Set TELEGRAM_BOT_TOKEN to serve Telegram (see .env.example).", file=sys.stderr)
        return 2
    if not settings.pepper:
        print(_NO_PEPPER + (f" The pepper of an earlier run is in {settings.legacy_pepper}: use "
                            "its value and delete the file." if settings.legacy_pepper.is_file()
                            else ""), file=sys.stderr)
        return 2
    if settings.webhook_url and not _WEBHOOK_SECRET.match(settings.webhook_secret or ""):
        # Checked before anything starts: Telegram's setWebhook would refuse it only later.
        print("PRAYAT_WEBHOOK_URL needs PRAYAT_WEBHOOK_SECRET: 1 to 256 letters, digits, _ or -.",
              file=sys.stderr)
        return 2
    from bot.handoff.desk import handoff_problem

    if problem := handoff_problem(settings):
        print(problem, file=sys.stderr)
        return 2
    settings.private_data_dir()

    from bot.channels.telegram import serve_telegram
    from bot.runner import open_prayat

    async def main() -> None:
        async with open_prayat(settings) as prayat:
            await serve_telegram(prayat, settings)

    asyncio.run(main())
    return 0


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram's setWebhook accepts
_NO_PEPPER = ("PRAYAT_PEPPER is not set: `prayat serve` needs the secret key that hashes Telegram "
              "ids; make one with `python -c \"import secrets; print(secrets.token_hex(32))\"`, set "
              "it as PRAYAT_PEPPER and keep it (changing it makes every user new).")


def cmd_train(args: argparse.Namespace) -> int:
    from bot.dialogue.model import ensure_model

    path, seconds = ensure_model(force=args.force)
    print(f"{path} ({f'trained in {seconds:.0f} s' if seconds else 'up to date'})")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.storage import UserStore, make_engine

    settings = Settings()
    days = settings.retention_days if args.days is None else args.days
    gone = UserStore(make_engine(settings.db_url)).purge(days)
    print(f"Deleted what was older than {days} days: {gone['users']} people, "
          f"{gone['conversation_events']} conversation events, {gone['cases']} closed "
          "hand-off cases.")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.tools.evaluation import main

    return main(args)


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.tools.validate import main

    return main()


def cmd_content(args: argparse.Namespace) -> int:
    from bot.tools import content_tools

    return content_tools.main(args)


def cmd_check_ad(args: argparse.Namespace) -> int:
    from bot.tools.ad_tools import main_check

    return main_check(args)


def cmd_eval_ads(args: argparse.Namespace) -> int:
    from bot.tools.ad_tools import main_eval

    return main_eval(args)


def cmd_eval_ocr(args: argparse.Namespace) -> int:
    from bot.tools.ocr_eval import main

    return main(args)


def cmd_cards(args: argparse.Namespace) -> int:
    from bot.outreach.cards import main

    return main(args)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.outreach.report import main

    return main(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.tools.bench import main

    return main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prayat", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    verbs = parser.add_subparsers(dest="verb", required=True)

    verbs.add_parser("run", help="serve Telegram if TELEGRAM_BOT_TOKEN is set, else chat here"
                     ).set_defaults(func=cmd_run, jsonl=False)
    chat = verbs.add_parser("chat", help="chat in the terminal over the full pipeline")
    chat.add_argument("--jsonl", action="store_true",
                      help="machine interface: JSON lines in on stdin, JSON lines out")
    chat.set_defaults(func=cmd_chat)
    verbs.add_parser("serve", help="serve Telegram (polling, or a webhook if configured)"
                     ).set_defaults(func=cmd_serve)
    train = verbs.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if a model is cached")
    train.set_defaults(func=cmd_train)

    purge = verbs.add_parser("purge", help="delete conversations and people past the retention")
    purge.add_argument("--days", type=int, default=None,
                       help="retention in days; 0 deletes everything before today "
                       "(default: PRAYAT_RETENTION_DAYS, else 30)")
    purge.set_defaults(func=cmd_purge)
    evaluate = verbs.add_parser("eval", help="intent and emergency scores per language")
    evaluate.add_argument("--folds", type=int, default=3, help="cross-validation folds (1: none)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(func=cmd_eval)
    verbs.add_parser("validate", help="validate the domain, rules, stories and NLU data"
                     ).set_defaults(func=cmd_validate)

    content = verbs.add_parser("content", help="check, list and preview the content")
    content_verbs = content.add_subparsers(dest="content_verb", required=True)
    content_verbs.add_parser("check", help="check every content file; exit 1 on any error")
    content_verbs.add_parser("status", help="what is still draft or needs checking again")
    preview = content_verbs.add_parser("preview", help="show an item as Telegram would, or every item in "
                                       "the three languages as a web page (--html --out FILE)")
    preview.add_argument("item", nargs="?")
    preview.add_argument("--html", action="store_true", help="every item, side by side, with filters")
    preview.add_argument("--out", metavar="FILE.html", help="with --html: where to write the page")
    preview.add_argument("--lang", default="km", choices=["km", "en", "zh"])
    translated = content_verbs.add_parser(
        "translated", help="after translating: link items to the English text as it is now (they stay draft)")
    translated.add_argument("items", nargs="+", metavar="ITEM")
    translated.add_argument("--lang", required=True, choices=["km", "zh"])
    review = content_verbs.add_parser("review", help="a native reviewer approves items as they read now")
    review.add_argument("items", nargs="*", metavar="ITEM")
    review.add_argument("--lang", required=True, choices=["km", "zh"])
    review.add_argument("--by", required=True, metavar="NAME", help="who reviewed (a name or a role)")
    review.add_argument("--all-current", action="store_true",
                        help="every draft item of the language that is not outdated (with --file: of one file)")
    review.add_argument("--file", metavar="NAME.yml", help="with --all-current: only this file, e.g. jobs.yml")
    export = content_verbs.add_parser("export", help="a spreadsheet for translators: one row per item, "
                                      "with a column for the new text")
    export.add_argument("--lang", required=True, choices=["km", "zh"])
    export.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.po")
    sheet_import = content_verbs.add_parser("import", help="take the new texts back from a spreadsheet; "
                                            "every check runs first, and a failing row stops it all")
    sheet_import.add_argument("sheet", metavar="FILE.xlsx|FILE.po")
    content_verbs.add_parser("link-all", help="link every translation not yet linked to its English "
                             "text (once, to start tracking; review states stay as they are)")
    content.set_defaults(func=cmd_content)

    check_ad = verbs.add_parser("check-ad", help="check a job ad from stdin and print JSON, or a "
                                "CSV file of ads (--csv IN --out OUT)")
    check_ad.add_argument("--csv", metavar="IN", help="a CSV file with a `text` column")
    check_ad.add_argument("--out", metavar="OUT", help="where to write IN with verdict and flags")
    check_ad.add_argument("--image", metavar="FILE", help="a photo or screenshot of an ad: read with OCR, "
                          "then checked; the JSON adds the text read and how sure the reading is")
    check_ad.set_defaults(func=cmd_check_ad)
    eval_ads = verbs.add_parser("eval-ads", help="the job-ad checker on the labelled development set")
    eval_ads.add_argument("--json", action="store_true")
    eval_ads.add_argument("--set", choices=["dev", "heldout", "heldout2"], default="dev",
                          help="dev: the set the rules are tuned on (default); heldout: the set that is never "
                          "tuned on, scored only as docs/evaluation.md says")
    eval_ads.set_defaults(func=cmd_eval_ads)

    eval_ocr = verbs.add_parser("eval-ocr", help="job ads drawn as images and read back with OCR: "
                                "character error rate and the checker's verdict, per language and style")
    eval_ocr.add_argument("--set", choices=["dev", "heldout", "heldout2"], default="dev")
    eval_ocr.add_argument("--per-label", type=int, default=10,
                          help="ads drawn per language and label (scam, ordinary); default 10")
    eval_ocr.add_argument("--details", action="store_true", help="every image's scores (dev set only)")
    eval_ocr.add_argument("--workers", type=int, default=2,
                          help="images read at once (1 for the time per image, as the bot reads them)")
    eval_ocr.add_argument("--keep", metavar="DIR", help="write the images drawn to DIR (dev set only)")
    eval_ocr.set_defaults(func=cmd_eval_ocr)

    cards = verbs.add_parser("cards", help="draw the outreach cards as PNG files and an A4 PDF "
                             "handout per language")
    cards.add_argument("--lang", action="append", choices=["km", "en", "zh"],
                       help="a language (repeat for more; default: all three)")
    cards.add_argument("--out", required=True, help="the folder to write them to")
    cards.set_defaults(func=cmd_cards)

    report = verbs.add_parser("report", help="an HTML report of the anonymous counts, with charts")
    report.add_argument("--since", default="30d", help="30d, 8w, 6m or a date (default: 30d)")
    report.add_argument("--out", default="prayat-report.html", help="the HTML file to write")
    report.set_defaults(func=cmd_report)

    bench = verbs.add_parser("bench", help="simulated Telegram users against the real stack")
    bench.add_argument("--users", type=int, default=50)
    bench.add_argument("--messages", type=int, default=10, help="messages per user")
    bench.add_argument("--turns", type=int, default=102,
                       help="length of the long conversations timed turn by turn (0: skip them)")
    bench.add_argument("--replicas", type=int, default=1, help="Rasa servers to start")
    bench.add_argument("--database", help="a database URL to use, EMPTIED first (default: a new "
                       "SQLite file); several replicas are best measured on PostgreSQL")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    # What Prayat and the servers it starts write (the database, logs, the content snapshot, a
    # local pepper) is for this user alone.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    quiet = getattr(args, "jsonl", False) or args.verb in ("content", "check-ad", "eval-ads", "eval-ocr", "cards")
    _logging(args.verbose, quiet=quiet, serving=args.verb in SERVING)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
