# One word for each thing a maintainer does. `make run` and `make test` set up everything else.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false

.PHONY: run chat test test-fast train validate eval lint content-check bench cards fonts ocr browser nginx clean

$(STAMP): pyproject.toml scripts/find-python
	@python=$$(scripts/find-python) && echo "Using $$python" && \
	  { [ -x $(BIN)/python ] || $$python -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip check
	@touch $(STAMP)

## run: the bot. Telegram if TELEGRAM_BOT_TOKEN is set, otherwise a chat in this terminal.
run: $(STAMP) fonts ocr
	$(BIN)/prayat run

chat: $(STAMP)
	$(BIN)/prayat chat

## test: the whole suite, against the real Rasa model and servers (trains the model if needed).
test: $(STAMP) fonts ocr browser nginx
	$(BIN)/ruff check bot actions nlu tests scripts
	$(BIN)/prayat content check
	$(BIN)/prayat validate
	$(BIN)/prayat train
	$(BIN)/pytest

## test-fast: the tests that need no model.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not stack"

train: $(STAMP)
	$(BIN)/prayat train

validate: $(STAMP)
	$(BIN)/prayat validate

## eval: held-out and cross-validated intent scores per language, next to Rasa's stock pipeline;
## then the job-ad checker on its labelled development set.
eval: $(STAMP)
	$(BIN)/prayat train
	$(BIN)/prayat eval
	$(BIN)/prayat eval-ads

lint: $(STAMP)
	$(BIN)/ruff check bot actions nlu tests scripts

content-check: $(STAMP)
	$(BIN)/prayat content check

## cards: the outreach cards and A4 handouts for printing, in var/cards-print/.
cards: $(STAMP) fonts
	$(BIN)/prayat cards --out var/cards-print

## fonts: Khmer OS and Noto Sans CJK for the cards (Debian packages, installed if missing).
fonts:
	@scripts/ensure-fonts

## ocr: Tesseract with Khmer, Chinese and English, for job ads sent as pictures (Debian packages,
## installed if missing).
ocr:
	@scripts/ensure-ocr

## browser: Debian's Chromium, for the test of the content preview page (installed if missing).
browser:
	@scripts/ensure-chromium

## nginx: Debian's nginx, for the tests of the deployment recipe in deploy/ (installed if missing,
## without starting the system's nginx).
nginx:
	@scripts/ensure-nginx

## bench: simulated Telegram users against the real stack (docs/benchmarks.md). Two Rasa servers on
## PostgreSQL: make bench REPLICAS=2 BENCH_DATABASE=postgresql://postgres@127.0.0.1:5432/bench
## (that database is emptied first).
REPLICAS ?= 1
BENCH_DATABASE ?=
bench: $(STAMP)
	$(BIN)/prayat train
	$(BIN)/prayat bench --json --replicas $(REPLICAS) $(if $(BENCH_DATABASE),--database $(BENCH_DATABASE))

clean:
	rm -rf $(VENV) models var .pytest_cache
