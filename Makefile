# fashionbot: every workflow starts here. `make help` lists the targets.

PY   := .venv/bin/python
RASA := .venv-rasa/bin/rasa
# Catalog to import: the shared Fashion Product Images set when it is next to
# the checkout, else the small demo set in the repo. Override: make run DATA=...
DATA ?= $(if $(wildcard ../shared/fashion-dataset),../shared/fashion-dataset,data/demo)
# What `make test` hands to pytest.
TESTS ?= tests

# --- the bot: engine, action server, Rasa ------------------------------------------------
ENGINE_PORT  ?= 8000
ACTIONS_PORT ?= 5055
RASA_PORT    ?= 5005
export ENGINE_PORT ACTIONS_PORT RASA_PORT
# Where the engine and Rasa listen under `make run` (0.0.0.0: every interface). The action server
# has no authentication and always listens on 127.0.0.1.
export FASHIONBOT_BIND        ?= 127.0.0.1
export FASHIONBOT_VAR         ?= $(CURDIR)/var
export FASHIONBOT_ENGINE_URL  ?= http://127.0.0.1:$(ENGINE_PORT)
export FASHIONBOT_PUBLIC_URL  ?= http://localhost:$(ENGINE_PORT)
export FASHIONBOT_RASA_URL    ?= http://localhost:$(RASA_PORT)
export FASHIONBOT_ACTIONS_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
export FASHIONBOT_TRACKER_DB  ?= $(FASHIONBOT_VAR)/rasa/tracker.db
export RASA_TELEMETRY_ENABLED := false

.DEFAULT_GOAL := help
.PHONY: help setup test run lint bench bench-scale scale-check train train-heatmap eval eval-photo eval-kagl eval-ablation eval-ablation-finetune eval-engine eval-case-studies eval-language train-bot shell

help: ## Show this list of targets
	@echo "usage: make <target> [DATA=...]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Create/update .venv (3.11) and .venv-rasa (3.10) from requirements/*.txt
	@bash scripts/setup.sh

test: setup webchat browser ## Run the test suite (starts a throwaway PostgreSQL on :55432 if it can)
	@bash docker/install-compose-plugin.sh || echo "make test: no docker compose; compose tests will skip" >&2
	@if bash scripts/postgres.sh start; then \
		export FASHIONBOT_TEST_PG_URL="$$(bash scripts/postgres.sh url)"; \
	else \
		echo "make test: no FASHIONBOT_TEST_PG_URL; postgres tests will skip" >&2; \
	fi; \
	$(PY) -m pytest -q $(TESTS)

run: setup webchat ## Import DATA if changed, rebuild the index if stale, train the bot if changed, start engine + actions + Rasa (supervised)
	.venv/bin/fashionbot prepare --source $(DATA)
	$(PY) bot/train_if_changed.py
	@bash scripts/run.sh

lint: ## Lint with ruff if installed, else byte-compile the packages
	@if command -v ruff >/dev/null || [ -x .venv/bin/ruff ]; then \
		PATH="$(CURDIR)/.venv/bin:$$PATH" ruff check .; \
	else \
		echo "ruff not installed; falling back to compileall" >&2; \
		$(if $(wildcard $(PY)),$(PY),python3) -m compileall -q $(wildcard retrieval models actions tests bench); \
	fi

bench: setup ## Run the benchmarks (bench/run_all.py)
	@if [ -f bench/run_all.py ]; then $(PY) bench/run_all.py; \
	else echo "bench: not yet available (no bench/run_all.py)" >&2; exit 1; fi

bench-scale: setup ## Latency, memory, build time vs catalogue size (44k/250k/1M), exact scan vs Milvus; Ray extraction (bench/scale.py)
	$(PY) bench/scale.py $(if $(SIZES),--sizes $(SIZES),)

scale-check: setup ## Replicas on real stores with kills: PostgreSQL, Redis, nginx, 2 Rasa, 2 actions, 2 engines (bench/scale_check.py)
	$(PY) bench/scale_check.py

train: setup ## Train the EI-tree model on the imported catalogue (models/checkpoints/eitree.pt + model card)
	.venv/bin/fashionbot train

train-heatmap: setup ## Train the heatmap head by distillation from the checkpoint (models/checkpoints/heatmap_head.pt)
	.venv/bin/fashionbot train-heatmap

eval: setup ## Evaluate the checkpoint and the baselines on the test split, then photo search and KAGL (reports/eval.md)
	.venv/bin/fashionbot eval
	.venv/bin/fashionbot eval photo
	.venv/bin/fashionbot eval kagl

eval-photo: setup ## Photo search through the served ranking: type and type+colour precision@5 (reports/eval.md, section 5)
	.venv/bin/fashionbot eval photo

eval-kagl: setup ## KAGL text->image (Marqo leaderboard ground truth), joint space alone and as served (reports/eval.md, section 6)
	.venv/bin/fashionbot eval kagl

eval-ablation: setup ## Train issue 20's cheap training levers one by one and measure each (reports/eval.md, section 8; ~2 min a lever)
	.venv/bin/fashionbot eval ablation --epochs 12

eval-ablation-finetune: setup ## Issue 20's costly lever: the backbone's upper blocks fine-tuned with the heads (section 8's `finetune` row; ~9 min caching block-10 maps once, then ~3 min an epoch on one CPU thread)
	.venv/bin/fashionbot eval ablation --variants finetune --epochs 12 --threads 1

eval-case-studies: setup ## Measure the concept heatmaps against the paper's case studies (reports/case_studies.md)
	.venv/bin/fashionbot eval case-studies

eval-engine: setup ## Replay the evaluation's attribute-manipulation queries through the engine (same numbers)
	.venv/bin/fashionbot eval-engine

# `make eval-language` judges the bot on the demo catalogue (var/test-demo, as the tests) unless
# DATA is given on the command line: then on that catalogue under FASHIONBOT_VAR, as `make run`.
LANGUAGE_DATA := $(if $(filter command line,$(origin DATA)),$(DATA),data/demo)
LANGUAGE_VAR  := $(if $(filter command line,$(origin DATA)),$(FASHIONBOT_VAR),$(CURDIR)/var/test-demo)

# SET picks the held-out file (the fresh second, third and fourth sets:
# SET=bot/tests/language_heldout_v2.yml, SET=bot/tests/language_heldout_v3.yml,
# SET=bot/tests/language_heldout_v4.yml); the report is reports/<the file's name, language_heldout ->
# language>.md and .json unless OUT=reports/NAME.
SET ?= bot/tests/language_heldout.yml
OUT ?= reports/$(patsubst language_heldout%,language%,$(basename $(notdir $(SET))))

eval-language: setup ## Say the held-out shoppers' sentences to the whole bot, judged by catalogue labels (reports/language.md; DATA=PATH, SET=FILE, OUT=reports/NAME)
	FASHIONBOT_VAR=$(LANGUAGE_VAR) .venv/bin/fashionbot prepare --source $(LANGUAGE_DATA)
	$(PY) bench/language.py --var $(LANGUAGE_VAR) --set $(SET) --out $(OUT).md --json $(OUT).json

train-bot: setup ## Train the Rasa model (skipped when bot/ is unchanged; FORCE=1 retrains)
	$(PY) bot/train_if_changed.py $(if $(FORCE),--force)

shell: setup ## Chat in the terminal with the bot (engine and actions from a running `make run`)
	@mkdir -p $(dir $(FASHIONBOT_TRACKER_DB))
	$(PY) bot/train_if_changed.py
	cd bot && PYTHONPATH=. ../.venv-rasa/bin/python shell.py --model models/fashionbot.tar.gz --endpoints endpoints.yml --interface 127.0.0.1 --port 5006

.PHONY: docker-config
docker-config: ## Validate docker/compose.yml (+ scale/gpu/milvus overrides) with .env.example; needs only the docker CLI
	@bash docker/install-compose-plugin.sh
	docker compose -f docker/compose.yml --env-file docker/.env.example config --quiet
	docker compose -f docker/compose.yml -f docker/compose.scale.yml --env-file docker/.env.example config --quiet
	docker compose -f docker/compose.yml -f docker/compose.gpu.yml --env-file docker/.env.example config --quiet
	docker compose -f docker/compose.yml -f docker/compose.milvus.yml --env-file docker/.env.example config --quiet
	@echo "docker-config: docker/compose.yml is valid"

.PHONY: webchat browser
webchat: ## Fetch the web chat widget the engine serves at / (npm pack rasa-webchat@1.0.1 -> var/webchat/)
	@bash scripts/webchat.sh bundle

browser: ## Install Debian's chromium for the browser test (apt-get, when /usr/bin/chromium is missing)
	@bash scripts/webchat.sh browser
