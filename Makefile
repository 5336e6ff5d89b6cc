# Wegwijs: `make run` to try it, `make test` to check it. Needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: run test install lint format messages clean bench bench-faults relevance elasticsearch \
	elasticsearch-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= true
run: install
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo
	$(MANAGE) devserver

# lint-imports: the apps' dependency rule ([tool.importlinter] in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The test database gets its tables (and the rate-limit cache table) from migrate and
# createcachetable, both run by the test runner when it creates it.
test: install lint
	DEBUG=true $(MANAGE) compile_translations
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmark (minutes; not part of make test): see docs/benchmarks.md. BENCH_ARGS e.g.
# "--db sqlite,postgres --sizes 10000,100000" (postgres needs DATABASE_URL).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	DEBUG=true $(MANAGE) compile_translations
	bench/run $(BENCH_ARGS)

# Faults (issue 21): intakes while the worker is killed and Redis stopped, then counted (a few
# minutes; docs/benchmarks.md). FAULTS_ARGS e.g. "--brokers redis --questions 60".
bench-faults: install
	DEBUG=true $(MANAGE) compile_translations
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

# Relevance of the public search page on the judged query set (docs/search.md, "Relevance"):
# exits non-zero when a target is missed. RELEVANCE_ARGS e.g. "--db postgres --articles 2000".
relevance: install
	DEBUG=true $(MANAGE) compile_translations
	$(BIN)/python bench/relevance.py $(RELEVANCE_ARGS)

# One Elasticsearch node for tests and development (docs/search.md, "Elasticsearch node"):
# Maven fetches Elasticsearch 8.19.21 (Maven Central's integ-test zip) into
# var/elasticsearch/ once; the node listens on 127.0.0.1 (port printed; ES_PORT to fix it), heap
# ES_HEAP (384m). Then e.g. `TEST_ELASTICSEARCH_URL=$$(.ci/elasticsearch url) make test`.
# Needs Java 17+ and Maven; hunspell-nl/-fr/-en-us/-ar/-uk for stemming. Stop it when done.
elasticsearch:
	.ci/elasticsearch start

elasticsearch-stop:
	.ci/elasticsearch stop

# Refresh the .po catalogues from the source (needs GNU gettext: apt-get install gettext).
messages: install
	DEBUG=true $(MANAGE) makemessages --ignore=".venv/*" --ignore="var/*" --ignore="tests/*" \
		-l nl -l fr -l en -l ar -l uk

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
