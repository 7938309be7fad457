# rta - thin wrapper over CMake presets. The two commands README promises:
#   make demo    install what is missing, build, import the bundled data, run the tour
#   make check   install what is missing, build with ASan+UBSan, run every test (ctest)
# Other targets: build, release, import, format, format-check, fuzz, bench, clean.

DB ?= rta.db
CTEST_ARGS ?=

.PHONY: all deps build release demo import check format format-check fuzz bench clean

all: build

deps:
	@scripts/setup-deps.sh build

build: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

import: release
	@build/release/rta --db $(DB) import

demo: import
	@RTA_DB=$(DB) scripts/demo.sh build/release/rta

check: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan $(CTEST_ARGS)

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find include src tests fuzz bench -name '*.[ch]')

format:
	@clang-format -i $(FORMAT_FILES)

format-check: deps
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

fuzz:
	@scripts/setup-deps.sh fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@echo "fuzzers in build/fuzz/fuzz/: e.g. build/fuzz/fuzz/fuzz_rate -max_total_time=60 fuzz/corpus/rate"

bench: release
	@scripts/setup-deps.sh bench
	@bench/run.sh
	@bench/duty_run.sh 1000000 3

clean:
	rm -rf build
