# Two commands set up a fresh machine: `make demo` and `make test` (each installs what it needs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test bench install clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e '.[notebook]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[notebook,test]'
	@touch $@

install: $(VENV)/.installed

# The main job on the bundled demo data: load every demo run, print the health summary,
# then execute notebooks/quickstart.ipynb and write its HTML next to it.
demo: $(VENV)/.installed
	$(PY) -m paradime_nb demo --report notebooks/demo_report.html
	$(PY) scripts/run_quickstart.py

# The whole suite on .venv's DuckDB (2.x), then the store/metadata/CLI core on 1.5.x.
test: $(VENV)/.installed-test
	sh scripts/ensure_chromium.sh
	sh scripts/ensure_java.sh
	$(PY) -m pytest -n auto --dist loadgroup -q --durations=25
	$(PY) scripts/duckdb_matrix.py

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PIP) install -e '.[notebook,test,bench]'
	@touch $@

# The paradime-io SDK pins duckdb<2, polars<0.21, pyarrow<19: it gets its own venv.
benchmarks/.venv-peer/.installed: benchmarks/peer_env.py
	$(PY) benchmarks/peer_env.py

bench: $(VENV)/.installed-bench benchmarks/.venv-peer/.installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) benchmarks/.venv-peer build *.egg-info tests/output .pytest_cache
