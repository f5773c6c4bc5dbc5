# Ember's front door. The README's Quick start is `make demo` and `make test`;
# every target first runs scripts/setup, which installs missing Debian
# packages and returns at once when nothing is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := build

.PHONY: setup setup-test build test sanitize clang demo bench observer clean

setup:
	@scripts/setup

# Configure once; after that Ninja re-runs CMake itself when a CMakeLists changes.
build: setup
	@[ -f build/build.ninja ] || cmake --preset dev
	@cmake --build --preset dev

# Tests also need promtool and Erlang (scripts/setup test).
test: setup-test build
	@ctest --preset dev

setup-test:
	@scripts/setup test

# The term, runtime and internal tests (and the example, which is a test
# too) under AddressSanitizer+UBSan, then ThreadSanitizer: run it after any
# change to scheduling, lifetimes, sockets or the SSH layer (docs/building.md).
sanitize: setup
	@for preset in asan tsan; do \
	  [ -f build-$$preset/build.ninja ] || cmake --preset $$preset || exit 1; \
	  cmake --build --preset $$preset || exit 1; \
	  ctest --preset $$preset || exit 1; \
	done

# The same build and tests with Clang 14 (coroutines are young in GCC 12:
# both compilers must agree).
clang: setup
	@[ -f build-clang/build.ninja ] || cmake --preset clang
	@cmake --build --preset clang
	@ctest --preset clang -LE fuzz

# Until the agent, the SSH shell and the Observer exist, the demo plays the
# runaway story against a live node through the runtime's own API.
demo: build
	@build/bin/runaway-rescue

bench:
	@scripts/setup bench
	@[ -f build-release/build.ninja ] || cmake --preset release
	@cmake --build --preset release
	@scripts/bench build-release/bin

# The Observer (docs/observer.md): builds it and opens its window. With
# CONNECT=HOST:PORT TOKEN=FILE it connects to that node's agent at once;
# otherwise use its Connect dialog.
observer: build
	@build/bin/ember-observer $(if $(CONNECT),--connect $(CONNECT) --token-file $(TOKEN))

clean:
	rm -rf build build-*
