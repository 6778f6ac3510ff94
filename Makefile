# Touyan — the two commands are `make demo` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: install system-packages demo test lint typecheck pytest messages serve clean

install: $(STAMP) node_modules/.installed system-packages

# Debian packages of requirements/apt.txt (the PDFs' CJK font), when root and one is missing.
system-packages:
	@pkgs="$$(grep -v '^#' requirements/apt.txt | grep -v '^$$' | tr '\n' ' ')"; \
	missing=""; for p in $$pkgs; do dpkg -s "$${p%%=*}" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing: PDFs fall back to a font they do not embed"; \
	  else echo "please install (as root):$$missing"; fi; \
	fi

$(STAMP): requirements/base.txt requirements/dev.txt requirements/constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt -c requirements/constraints.txt
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver --noreload $(HOST)

test: install lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy .

pytest:
	$(BIN)/pytest -q

messages:
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=bench --ignore=scripts
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles touyan.sqlite3*
