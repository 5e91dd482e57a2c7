# `make run` and `make test` do all the set-up: a .venv with the project and its test extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Shared libraries the Qt xcb platform needs for a real window, and the Debian/Ubuntu package of each.
QT_LIBS := libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 \
	libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-image.so.0:libxcb-image0 \
	libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0 \
	libxcb-randr.so.0:libxcb-randr0 libxcb-xkb.so.1:libxcb-xkb1 \
	libxkbcommon-x11.so.0:libxkbcommon-x11-0 libEGL.so.1:libegl1 \
	libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3

.PHONY: run test setup check-qt-libs bench bench-quick crash-test clock-test clean fuzz screenshots

run: $(STAMP) check-qt-libs
	$(BIN)/studyapp $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP)

# Speed and memory, side by side with the anki engine (see benchmarks/README.md): the suite on 100,000
# cards and 1,000,000 reviews writes benchmarks/RESULTS.md; then the detailed per-topic scripts, on the same
# (cached) collection. bench-quick: the suite alone at 5,000 cards and 50,000 reviews, under two minutes.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/suite.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/search_speed.py
	$(BIN)/python benchmarks/browser_open.py
	$(BIN)/python benchmarks/stats_speed.py --collection "$$($(BIN)/python benchmarks/generate.py --print-path)"
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/card_render.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/maths_render.py
	$(BIN)/python benchmarks/efficacy.py

bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/suite.py --quick --out "$${TMPDIR:-/tmp}/studyapp-RESULTS-quick.md" $(BENCH_ARGS)

# SIGKILL `studyapp review` and `studyapp import` at random moments, 200 times: nothing lost, nothing half-done.
# Then power cuts (Linux, root, loop devices; else skipped with the reason): every confirmed change on the disk.
crash-test: $(STAMP)
	$(BIN)/python benchmarks/crash_test.py
	$(BIN)/python benchmarks/crash_test.py --power-cut

# The tests that read the real clock (the engine, the sync server, the command line), run with every process's
# clock moved to where a day ends: before and across the 04:00 rollover, across midnight, and in New York at night.
# About fifteen minutes; CLOCK_ARGS=--all runs the whole suite at each moment.
clock-test: $(STAMP)
	$(BIN)/python benchmarks/clock_test.py $(CLOCK_ARGS)

# Fuzz every importer and the search language with 10,000 inputs each (the tests run 100), and the
# hostile-card gallery; prints how many inputs each format was given. About ten minutes.
fuzz: $(STAMP)
	STUDYAPP_FUZZ_EXAMPLES=10000 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/fuzz tests/safe_content \
		-q -p no:cacheprovider $(PYTEST_ARGS)

# Every window, light and dark, on a 1024x640 and a 1440x900 screen (each under xvfb-run when it is installed,
# else Qt's offscreen platform): build/screenshots/<size>-<theme>/<window>.png. The README's pictures are
# chosen from these (resources/screenshots/).
screenshots: $(STAMP)
	$(BIN)/python -m studyapp.ui.gallery build/screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "studyapp needs Python 3.10 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "Could not create a virtual environment: install it with 'sudo apt-get install python3-venv'."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# A real window needs Qt's xcb libraries; say exactly what to install if one is missing.
check-qt-libs:
	@if [ "$$(uname)" = Linux ] && [ "$${QT_QPA_PLATFORM:-xcb}" = xcb ]; then \
		ldconfig=$$(command -v ldconfig || echo /sbin/ldconfig); \
		[ -x "$$ldconfig" ] || exit 0; \
		libs=$$($$ldconfig -p); missing=""; \
		for pair in $(QT_LIBS); do \
			echo "$$libs" | grep -q "$${pair%%:*}" || missing="$$missing $${pair#*:}"; \
		done; \
		if [ -n "$$missing" ]; then \
			echo "Qt needs system libraries that are missing. Install them with:"; \
			echo "    sudo apt-get install$$missing"; \
			exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
