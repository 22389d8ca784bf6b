# The README's two commands: `make demo` (the main job, on the embedded emulator) and `make test`.
# Both bootstrap .venv from the package registries on a fresh machine with Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bootstrapped
# Six pytest workers on two cores: a test spends about half its time waiting (on an emulated image
# build, a poll, a playbook's subprocess), so two workers left a core idle. make test's pytest stage,
# same machine and suite: 2 workers 1152 s; 4 workers 694 s (1.7 cores busy); 6 workers 641 s (1.9).
PYTEST_WORKERS ?= 6
COLLECTION := ansible_collections/imageops/cloud

# Python may cache bytecode (__pycache__, git-ignored) even where the environment says not to: each
# test, playbook task, emulator and provider server is a new Python process, and every one of them
# would compile the core's sources again (about a tenth less CPU for an Ansible test file).
unexport PYTHONDONTWRITEBYTECODE

# Prefix of a one-line recipe: prints how long the stage took, also when it fails (exit status kept).
TIMED = start=$$(date +%s); trap 'echo "== $@: $$(( $$(date +%s) - start ))s"' EXIT;

.PHONY: all bootstrap test test-stages test-module-path check lint typecheck generate generated molecule docs sanity lint-ansible pytest unit smoke demo \
	bench soak collection dist clean

all: test

# The packages are installed by uv (from PyPI, like pip; pip itself stays in the venv for the tools that
# call it): it fetches and unpacks in parallel, the bootstrap of a fresh clone in about 30 s where pip
# took about 170 s of `make test` (BENCHMARKS.md, "make test"). It honours SSL_CERT_FILE for a
# registry behind a proxy. The editable install is uv's too: the build backend's own notices (setuptools'
# "Editable installation" warning, pypa/setuptools#3569) stay in uv's build log instead of the terminal.
UV := $(BIN)/uv
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	@echo "== bootstrap: a virtualenv in $(VENV) with imageops and its tools (under a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 'uv>=0.9'
	@echo "== bootstrap: installing imageops[all] and its dependencies from the package registries"
	@$(UV) pip install --quiet --python $(BIN)/python -e '.[all]'
	@echo "== bootstrap: done"
	@touch $@

bootstrap: $(STAMP)

lint: $(STAMP)
	@$(TIMED) $(BIN)/ruff check .

# mypy on the core and the Pulumi package ([tool.mypy] in pyproject.toml); both ship py.typed.
typecheck: $(STAMP)
	@$(TIMED) $(BIN)/mypy

# Everything skin-facing, from each cloud's declaration (imageops/<cloud>/schema.py): the Ansible modules,
# action plugins and meta/runtime.yml, the Pulumi resource modules, docs/reference/; then the pages
# rendered from them (docs/pulumi.md's reference, docs/ansible/).
generate: $(STAMP)
	$(BIN)/python -m imageops.codegen
	$(BIN)/python -m pulumi_images._reference
	$(BIN)/python docs/generate.py

# Fails naming each generated file that differs from what `make generate` would write.
generated: $(STAMP)
	@$(TIMED) $(BIN)/python -m imageops.codegen --check

# The 90-second loop: lint, types, generated files, unit tests.
# The quick loop (< 90 s): lint, types, generated files, unit tests, one lifecycle per cloud and tool.
check: lint typecheck generated unit smoke

# ansible-test sanity on the collection only, local Python 3.11, each test in its own venv (cached
# under ~/.ansible/test/venv). Those venvs get pip from our bootstrap script, not from
# ci-files.testing.ansible.com: see tests/sanity/get_pip.py.
# galaxy.yml is left out here, not in tests/sanity/ignore-*.txt: in the source tree it is the symlink to
# ../../../galaxy.yml (one manifest for the repository, ARCHITECTURE.md), which the `symlinks` test
# refuses; the built collection has no galaxy.yml (MANIFEST.json stands for it), and the ignore files
# ship in it, where an entry for a missing file would fail the `ignores` test.
sanity: $(STAMP)
	@$(TIMED) $(BIN)/python tests/sanity/get_pip.py --install-into-cache \
		&& cd $(COLLECTION) && $(CURDIR)/$(BIN)/ansible-test sanity --python 3.11 --venv --color no \
			--exclude galaxy.yml

# ansible-lint and Molecule keep their collections cache in ANSIBLE_HOME, ~/.ansible by default,
# where Molecule would install a copy of this collection that later runs find first, stale. Ours is
# .venv/.ansible. There the collection is a symlink to this tree: always current, and Molecule skips
# installing a collection whose path already points at its working directory.
LINKED_COLLECTION := $(VENV)/.ansible/collections/ansible_collections/imageops/cloud
$(LINKED_COLLECTION): $(STAMP)
	mkdir -p $(dir $@) && ln -sfn $(CURDIR)/$(COLLECTION) $@

# The example playbooks and the Molecule scenarios, production profile (.ansible-lint), against the collection in this tree.
# Files, not directories: ansible-lint warns about every directory it expands.
ANSIBLE_LINT_FILES = $(wildcard examples/ansible/*.yml examples/execution-environment/*.yml) $(shell find $(COLLECTION)/extensions/molecule -name '*.yml' | sort)
lint-ansible: $(LINKED_COLLECTION)
	@$(TIMED) PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_HOME=$(CURDIR)/$(VENV)/.ansible ANSIBLE_COLLECTIONS_PATH=$(CURDIR) \
		$(BIN)/ansible-lint --nocolor $(ANSIBLE_LINT_FILES)

pytest: $(STAMP)
	@$(TIMED) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q tests

# The README's test command, and CI's (.ci/run). The third-party tools' pinned virtualenv
# (.venv-thirdparty, tests/thirdparty/tools_venv.py: about 20 s in a fresh clone) is made in the
# background from the start, beside the bootstrap and the stages before pytest;
# the third-party tests wait for it (a lock) rather than make it on a pytest worker. Its output goes
# to build/thirdparty-venv.log (the tests say what failed, if it did).
THIRDPARTY_LOG := build/thirdparty-venv.log
test:
	@mkdir -p $(dir $(THIRDPARTY_LOG)) && ($(PYTHON) tests/thirdparty/tools_venv.py > $(THIRDPARTY_LOG) 2>&1 &)
	@$(MAKE) --no-print-directory test-stages

# The stages before pytest run at the same time (each mostly single-threaded or waiting on a
# playbook), each one's output printed whole when it ends (--output-sync); pytest starts once all
# of them passed.
test-stages:
	@$(MAKE) --no-print-directory -j4 --output-sync=target lint typecheck generated sanity lint-ansible molecule
	@$(MAKE) --no-print-directory pytest

# Molecule, one scenario per cloud (extensions/molecule/<cloud>: delegated driver, the emulator
# started by create and stopped by destroy, converge, idempotence, verify); a failed scenario fails
# the stage. The scenarios run at the same time (each mostly waits on one playbook at a time), each
# in an ephemeral directory of its own (Molecule's default is named after the collection folder,
# shared by every clone on the machine) with its own emulator; each one's output is printed when it
# has ended, in the order below, with its time.
MOLECULE_SCENARIOS := oci outscale alicloud
# Molecule looks for a `default` scenario before any other and logs CRITICAL "'extensions/molecule/
# default/molecule.yml' glob failed" when there is none, though the run goes on
# (ansible/molecule#4117); a stub default scenario only trades it for a config warning. Drop that line.
MOLECULE_QUIET := grep -v -F "extensions/molecule/default/molecule.yml' glob failed"
molecule: $(LINKED_COLLECTION)
	@start=$$(date +%s); runs=""; \
	for s in $(MOLECULE_SCENARIOS); do \
		eph=$$(mktemp -d -t imageops-molecule-$$s.XXXXXX); runs="$$runs $$s:$$eph"; \
		(began=$$(date +%s); cd $(COLLECTION) && PATH="$(CURDIR)/$(BIN):$$PATH" \
			ANSIBLE_HOME=$(CURDIR)/$(VENV)/.ansible NO_COLOR=1 PY_COLORS=0 ANSIBLE_NOCOLOR=1 \
			ANSIBLE_FORCE_COLOR=0 MOLECULE_EPHEMERAL_DIRECTORY=$$eph \
			$(CURDIR)/$(BIN)/molecule test -s $$s > $$eph.log 2>&1; echo $$? > $$eph.rc; \
			echo $$(( $$(date +%s) - began )) > $$eph.time) & \
	done; wait; rc=0; \
	for run in $$runs; do \
		s=$${run%%:*}; eph=$${run#*:}; \
		$(MOLECULE_QUIET) $$eph.log; \
		echo "== molecule $$s: $$(cat $$eph.time)s"; \
		[ "$$(cat $$eph.rc)" -eq 0 ] || rc=1; \
		rm -rf $$eph $$eph.log $$eph.rc $$eph.time; \
	done; \
	echo "== molecule: $$(( $$(date +%s) - start ))s"; exit $$rc

# docs/ansible/<module>.md from the modules' documentation (tests/ansible/test_docs_pages.py checks them).
docs: generate

unit: $(STAMP)
	@$(TIMED) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) tests/unit

# create, re-run with no write, delete: per cloud, from Ansible and from Pulumi (tests/smoke)
smoke: $(STAMP)
	@$(TIMED) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) tests/smoke

# The whole Ansible suite on the module path (each task a separate Python, as on a remote host):
# `make test` runs it on the controller path, the default for a local task, and compares the two
# paths task by task (tests/ansible/test_execution_paths.py). See plugins/plugin_utils/image_action.py.
test-module-path: $(STAMP)
	@$(TIMED) IMAGEOPS_ANSIBLE_EXECUTION=module $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile tests/ansible

demo: $(STAMP)
	$(BIN)/python -u examples/demo.py

# Every bench/*.py (see bench/run_all.py), niced: rewrites BENCHMARKS.md between its markers.
# The reliability suite at full scale (docs/reliability.md): every test marked soak, with IMAGEOPS_SOAK=1,
# niced, a few at a time (they mostly wait on the emulator). Each appends its figures to
# build/soak/report.md, printed at the end.
SOAK_WORKERS ?= 3
SOAK_REPORT := $(CURDIR)/build/soak/report.md
soak: $(STAMP)
	@rm -f $(SOAK_REPORT); $(TIMED) IMAGEOPS_SOAK=1 IMAGEOPS_SOAK_REPORT=$(SOAK_REPORT) nice -n 10 \
		$(BIN)/python -m pytest -n $(SOAK_WORKERS) -m soak -q -o timeout=7200 tests; \
		rc=$$?; cat $(SOAK_REPORT) 2>/dev/null; exit $$rc

bench: $(STAMP)
	@$(TIMED) nice -n 10 $(BIN)/python bench/run_all.py

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path dist ansible_collections/imageops/cloud

# What would be published - the wheel and sdist of imageops, the collection tarball built from a released
# copy (changelog.yaml, CHANGELOG.md from the fragments) - in dist/, checked as the registries check
# them: twine check --strict, galaxy-importer with ansible-lint (any WARNING fails), ansible-test sanity
# on the installed tarball. The checkers live in .venv-dist (tools/dist-requirements.txt). A PASS/FAIL
# line per check with its time.
dist: $(STAMP)
	@$(TIMED) $(BIN)/python tools/dist.py --out dist

clean:
	rm -rf $(VENV) .venv-dist dist build .pytest_cache .ruff_cache .demo
