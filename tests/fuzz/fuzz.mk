# Coverage-guided, differential fuzzing of the image (tests/fuzz/harness.c; docs/bench.md "Fuzzing"). Included
# from the top-level Makefile. wasm2c (Debian wabt 1.0.32) translates build/firmware.wasm to C; clang's libFuzzer
# (Debian clang 14) drives it, with wasm3 (host/c/host.mk) beside it in the same process; tests/fuzz/v8-replay.js
# replays the same inputs on V8. Both Debian packages are installed here when missing (needs root).

FUZZ_BUILD   := build/fuzz
FUZZ_CORPUS  := tests/fuzz/corpus
FUZZ_BIN     := $(FUZZ_BUILD)/station-fuzz
# Bounds checks in code, not guard pages and a SIGSEGV handler (libFuzzer has its own).
FUZZ_W2CDEFS := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0
FUZZ_CFLAGS  := -O2 -g -Wall -Wextra -Werror $(FUZZ_W2CDEFS) $(CHOST_W3DEFS) -I$(FUZZ_BUILD) -I/usr/src/wasm2c -I$(CHOST_W3_SRC)
# make fuzz: the corpus replayed on the three engines, then a short campaign; make fuzz-long: FUZZ_RUNS inputs
# (FUZZ_MAX_SECONDS, when set, stops it earlier).
FUZZ_SECONDS ?= 25
FUZZ_RUNS    ?= 10000000
FUZZ_MAX_SECONDS ?=

.PHONY: fuzz-deps fuzz-build

fuzz-deps:
	@command -v wasm2c >/dev/null && command -v clang >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wabt clang >/dev/null; }

$(FUZZ_BUILD)/firmware.c: build/firmware.wasm | fuzz-deps
	@mkdir -p $(FUZZ_BUILD)
	wasm2c $< -n firmware -o $@

$(FUZZ_BUILD)/actions.h: tests/fuzz/gen.js tests/helpers/schema-instances.js $(NPM_STAMP)
	@mkdir -p $(FUZZ_BUILD)
	$(NODE) tests/fuzz/gen.js header $@

$(FUZZ_BUILD)/station.dict: tests/fuzz/gen.js $(NPM_STAMP)
	@mkdir -p $(FUZZ_BUILD)
	$(NODE) tests/fuzz/gen.js dict $@

# The runtime's functions (collection, allocator) in the translation, left without coverage.
$(FUZZ_BUILD)/cov-ignore.txt: $(FUZZ_BUILD)/firmware.c tests/fuzz/runtime-funcs.js
	$(NODE) tests/fuzz/runtime-funcs.js $< $@

# The image's code with libFuzzer's coverage: the feedback is the image's own branches (wasm3, the harness and
# the image's runtime are not instrumented).
$(FUZZ_BUILD)/firmware.o: $(FUZZ_BUILD)/firmware.c $(FUZZ_BUILD)/cov-ignore.txt
	clang -O1 $(FUZZ_W2CDEFS) -I/usr/src/wasm2c -fsanitize=fuzzer-no-link -fsanitize-coverage-ignorelist=$(FUZZ_BUILD)/cov-ignore.txt -w -c $< -o $@

$(FUZZ_BUILD)/wasm-rt-impl.o: /usr/src/wasm2c/wasm-rt-impl.c | fuzz-deps
	@mkdir -p $(FUZZ_BUILD)
	clang -O2 $(FUZZ_W2CDEFS) -I/usr/src/wasm2c -w -c $< -o $@

# wasm2c writes firmware.h beside firmware.c (the instance's layout: the harness is compiled again with it).
$(FUZZ_BUILD)/harness.o: tests/fuzz/harness.c $(FUZZ_BUILD)/firmware.c $(FUZZ_BUILD)/actions.h $(CHOST_W3_SRC)/wasm3.h | c-host-deps
	clang $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_BUILD)/harness.o $(FUZZ_BUILD)/firmware.o $(FUZZ_BUILD)/wasm-rt-impl.o $(CHOST_BUILD)/libwasm3.a
	clang -fsanitize=fuzzer -o $@ $^ -lmbedcrypto -lm

fuzz-build: $(FUZZ_BIN) $(FUZZ_BUILD)/station.dict

fuzz-image: build/firmware.wasm fuzz-build
	tests/fuzz/run.sh short $(FUZZ_SECONDS)

fuzz-image-long: build/firmware.wasm fuzz-build
	tests/fuzz/run.sh long $(FUZZ_RUNS) $(FUZZ_MAX_SECONDS)
