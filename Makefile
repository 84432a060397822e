# Both targets create .venv with a Python 3.12+ interpreter found by .ci/find-python.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: try test check venv

venv:
	@test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

# Install peakbot and run one offline cycle on the example calendar. The runs come
# from examples/activities (read, never changed), and --today picks the date of the
# example activity's session, a Speed Sharpen day. The example keeps its store,
# workouts and summaries in .try-data, so nothing of it mixes with your own data/.
try: venv
	$(PY) -m pip install --quiet -e .
	PEAKBOT_DATA_DIR=.try-data PEAKBOT_ACTIVITY_DIR=examples/activities \
		$(VENV)/bin/peakbot --config config/calendar.yaml run --once --today 2023-03-28

# Install peakbot with its test extras, run the linters and type checks, then the tests.
check: venv
	$(PY) -m pip install --quiet -e '.[test]'
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check
	$(VENV)/bin/mypy bot

test: check
	$(VENV)/bin/pytest -n 2 -q
