"""Labels: content/<lang>/labels.yml, the short words render.py puts around contacts and summaries.

render.py fills their placeholders and looks them up by key, so each required key must be there with
exactly its placeholders.
"""

from __future__ import annotations

from pathlib import Path

from bot.content.loading import Loading, placeholders
from bot.content.yamlfile import LineDict

LABELS = "labels.yml"  # in content/<lang>/
REQUIRED_LABELS = {
    "hours.24h", "hours.office", "hours.unknown", "cost.free", "cost.paid", "cost.unknown",
    "sms.yes", "sms.no", "sms.only", "no_credit", "checked", "unconfirmed", "unconfirmed.website",
    "not_checked", "languages",
    "lang.km", "lang.en", "lang.zh", "website",
    "summary.participants", "summary.questions", "summary.missed", "summary.missed_line",
    "summary.language", "listen", "no_embassy",
    # Talk to a person (bot/handoff/)
    "handoff.on_duty", "handoff.off_duty", "handoff.always", "handoff.organisation", "handoff.claim", "handoff.close",
    "handoff.greeting", "handoff.safe", "priority.urgent", "priority.warning", "priority.none",
    *(f"outcome.{o}" for o in ("referred", "advice", "safe", "no_reply", "not_trafficking", "other")),
    *(f"day.{d}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
}
LABEL_PLACEHOLDERS = {"checked": {"date"}, "languages": {"languages"}, "website": {"website"},
                      "summary.participants": {"count"}, "summary.questions": {"count"},
                      "summary.missed_line": {"question", "wrong", "answered"},
                      "summary.language": {"language"}, "handoff.on_duty": {"wait_minutes"},
                      "handoff.off_duty": {"hours"}}


def load_labels(ctx: Loading, path: Path) -> dict[str, str]:
    data = ctx.read(path) or LineDict()
    labels: dict[str, str] = {}
    for key, value in data.items():
        line = data.line_of(key)
        if not isinstance(value, str):
            ctx.problem(path, line, f"label {key!r} must be text")
            continue
        wanted = LABEL_PLACEHOLDERS.get(key, set())
        found = placeholders(value)
        if found != wanted:
            ctx.problem(path, line, f"label {key!r} must contain exactly "
                        f"{sorted('{' + w + '}' for w in wanted) or 'no placeholders'}")
            continue
        labels[key] = value
    for key in sorted(REQUIRED_LABELS - set(labels) - set(data)):
        ctx.problem(path, 1, f"missing label {key!r}")
    return labels
