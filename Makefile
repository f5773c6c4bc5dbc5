# Ember's front door. The README's Quick start is `make demo` and `make test`;
# every target first runs scripts/setup, which installs missing Debian
# packages and returns at once when nothing is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := build

.PHONY: setup build test demo bench observer clean

setup:
	@scripts/setup

# Configure once; after that Ninja re-runs CMake itself when a CMakeLists changes.
build: setup
	@[ -f build/build.ninja ] || cmake --preset dev
	@cmake --build --preset dev

test: build
	@ctest --preset dev

# The demo node arrives with the runtime issues; until then the demo is the
# term tool every later piece speaks through.
demo: build
	@build/bin/ember-term --version
	@echo '$$ ember-term encode --hex '\''{ok,<0.42.0>,#{name => <<"x">>}}'\'''
	@build/bin/ember-term encode --hex '{ok,<0.42.0>,#{name => <<"x">>}}'
	@echo '$$ ember-term encode ... | ember-term decode'
	@build/bin/ember-term encode '{ok,<0.42.0>,#{name => <<"x">>}}' | build/bin/ember-term decode

bench:
	@scripts/setup bench
	@[ -f build-release/build.ninja ] || cmake --preset release
	@cmake --build --preset release
	@scripts/bench build-release/bin

observer:
	@echo "The Observer (observer-gui/) is not built yet: it comes with its own issue." >&2
	@exit 1

clean:
	rm -rf build build-*
