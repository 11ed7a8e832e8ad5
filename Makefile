# OCPP 2.0.1 station firmware: one WebAssembly image (assembly/), hosts (host/), tests (tests/).
# `make run` and `make test` work on a fresh machine: they install what they need.

SHELL    := /bin/bash
NODE     ?= node
ASC      := node_modules/.bin/asc
ASP      := node_modules/.bin/asp
SOURCES  := $(shell find assembly -name '*.ts' -not -path '*/__tests__/*' 2>/dev/null)
NPM_STAMP := node_modules/.installed

CSMS     ?=
ID       ?=
CSMS_TLS ?=
# A TLS run keeps its own data folder: a station never goes back to a lower security profile (A05).
DATA     ?= build/data$(if $(CSMS_TLS),-sp$(CSMS_TLS),)
HOST     ?= c
BENCH    ?= 7777
CONFIG   ?= host/config/station.default.json
VCLOCK   ?=

.PHONY: all build deps test unit gen gen-check as-deps schema-conformance conformance conformance-check conformance-doc integration scenarios heap-suite fuzz fuzz-long fuzz-image fuzz-image-long power-cuts update-cuts bench run clean

all: build

deps: $(NPM_STAMP)

# npm ci is reproducible from package-lock.json; the stamp avoids re-installing on every make.
$(NPM_STAMP): package.json package-lock.json
	@command -v $(NODE) >/dev/null || { echo "Node.js 20+ is required (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

build: build/firmware.wasm build/firmware.debug.wasm

build/firmware.wasm: $(NPM_STAMP) $(SOURCES) asconfig.json
	$(ASC) assembly/index.ts --target release
	$(NODE) tests/tools/feature-gate.js $@

build/firmware.debug.wasm: $(NPM_STAMP) $(SOURCES) asconfig.json
	$(ASC) assembly/index.ts --target debug
	$(NODE) tests/tools/feature-gate.js $@

# Codecs are generated from the official schemas (npm package ocpp-rpc) and committed.
gen: $(NPM_STAMP)
	$(NODE) schemas-gen/gen-tables.js

gen-check: $(NPM_STAMP)
	$(NODE) schemas-gen/gen-tables.js --check

# The image's dependency rules: imports point down, no block imports another, no cycle (tests/tools/as-deps.js).
as-deps:
	$(NODE) tests/tools/as-deps.js

unit: $(NPM_STAMP)
	$(ASP) --config as-pect.config.js --no-logo

# The case list, the tests and docs/conformance.md agree (conformance-doc writes the page again).
conformance-check:
	$(NODE) tests/tools/conformance-doc.js --check

conformance-doc:
	$(NODE) tests/tools/conformance-doc.js --write

schema-conformance: build
	$(NODE) --test tests/schema-conformance.test.js

# The certification cases (Part 6) on one host: make conformance HOST=c
conformance: build $(if $(filter c,$(HOST)),c-host,) $(if $(filter mcu,$(HOST)),mcu,)
	STATION_HOST=$(HOST) $(NODE) --test --test-concurrency=1 $(CONFORMANCE)

integration: build
	$(NODE) --test tests/node-host.test.js tests/integration.test.js

# The scenario suite on one host: make scenarios HOST=c
scenarios: build $(if $(filter c,$(HOST)),c-host,) $(if $(filter mcu,$(HOST)),mcu,)
	STATION_HOST=$(HOST) $(NODE) --test --test-concurrency=1 $(SCENARIOS)

# The image fuzzed through its exports (tests/fuzz/: wasm2c + libFuzzer, wasm3 and V8 compared on every input),
# then the frame-level smoke test. Under a minute; `make test` runs the first part (the smoke test is in its list).
fuzz: build fuzz-image
	$(NODE) --test tests/fuzz-smoke.test.js

# A long campaign (FUZZ_RUNS inputs, 10 million unless set); not part of `make test`. Then the long smoke test.
fuzz-long: build fuzz-image-long
	FUZZ_FRAMES=$${FUZZ_FRAMES:-3000000} $(NODE) --test tests/fuzz-smoke.test.js

# The certification cases, one file per functional block (tests/conformance/, docs/conformance.md).
CONFORMANCE := $(sort $(wildcard tests/conformance/*.test.js))

# The scenario files every host runs (STATION_HOST picks the host).
SCENARIOS := $(CONFORMANCE) tests/integration.test.js tests/transactions.test.js tests/availability.test.js tests/network-profiles.test.js \
	tests/bench-session.test.js tests/devicemodel.test.js tests/devicemodel-reports.test.js tests/provisioning.test.js tests/power-loss.test.js \
	tests/metering.test.js tests/clock.test.js tests/tls-matrix.test.js tests/security-events.test.js tests/fw-slots.test.js tests/firmware-update.test.js \
	tests/bounded-boot.test.js tests/ws-fragments.test.js tests/streaming.test.js

# The scenarios the emulated Cortex-M7 board runs in `make test` (QEMU; slower than the other hosts): boot and the
# CSMS link, remote start and stop, certificate management (the M cases, the store in flash), charging sessions
# through the simulator, and a power cut while charging (QEMU killed; the transaction's events exactly once after the
# restart). Of tests/transactions.test.js the board runs
# those named in MCU_TX_PATTERN: E14 and the E04/C15 offline session take 3.5 minutes of emulation and run on the
# other two hosts (node:test reports them as skipped; the whole file: STATION_HOST=mcu node --test FILE).
# A power-cut campaign on the board: POWER_CUT_HOST=mcu POWER_CUTS=5 node --test tests/power-cut.test.js
# Of the station certificate cases the board runs TC_A_11_CS (crypto_csr, CertificateSigned and the security profile 3
# reconnection with the new certificate, about 20 s of emulation); tests/tls.test.js covers SP2/SP3 on it.
MCU_SCENARIOS  := tests/integration.test.js tests/conformance/f-remote-control.test.js tests/conformance/m-certificates.test.js
MCU_TX_PATTERN := E03 EV not ready|C01 |E06 online|F01 remote start refused|power loss while charging
MCU_SIGNING_PATTERN := TC_A_11_CS
# Of the firmware cases the board runs one signed update through its trial boot to Installed (TC_L_01_CS) and one
# rollback (TC_L_08_CS, the trial image traps); tests/mcu-fw-slots.test.js tests its slots below the image.
MCU_FIRMWARE_PATTERN := TC_L_01_CS|TC_L_08_CS
# Of tests/streaming.test.js the board runs the 1000-item GetVariables and SetVariables (answers of 0.2 to 0.3 MB,
# paused and resumed on the board's send queue: docs/streaming.md); 16 s of emulation.
MCU_STREAMING_PATTERN := GetVariables of 1000 items|SetVariables of 1000 items and

# A long power-cut campaign on the C host (make test runs 50 cuts): make power-cuts [POWER_CUTS=500] [POWER_CUT_SEED=n]
power-cuts: build c-host
	POWER_CUTS=$${POWER_CUTS:-500} $(NODE) --test tests/power-cut.test.js

# A long update power-cut campaign on the C host (make test runs 20 cuts): make update-cuts [UPDATE_CUTS=300]
# [UPDATE_CUT_SEED=n] [UPDATE_CUT_HOST=node|c|mcu]
update-cuts: build c-host
	UPDATE_CUTS=$${UPDATE_CUTS:-300} $(NODE) --test tests/update-cuts.test.js

# Every scenario runs on both hosts: the node:test suites use the Node host (and the parity test both);
# the integration scenarios then run again on the C host (wasm3), and once more on its ASan+UBSan build.
# The three hosts' suites run side by side (about half of each is waiting on sockets and timers, so two cores serve
# three suites); make prints each suite's output whole when it ends (-O) and fails if any failed.
test: build build/firmware.rtrace.wasm gen-check conformance-check as-deps c-host c-asan c-host-gpiod mcu
	$(ASP) --config as-pect.config.js --no-logo
	$(MAKE) --no-print-directory c-test
	$(MAKE) --no-print-directory fuzz-image
	$(MAKE) --no-print-directory -O -j3 test-node test-chost test-board

.PHONY: test-node test-chost test-board
test-node:
	$(NODE) --test --test-concurrency=1 tests/*.test.js $(CONFORMANCE)

test-chost:
	STATION_HOST=c $(NODE) --test --test-concurrency=1 $(SCENARIOS)
	STATION_HOST=c C_STATION_BIN=build/c-host-asan/station $(NODE) --test --test-concurrency=1 tests/integration.test.js tests/transactions.test.js

test-board:
	STATION_HOST=mcu $(NODE) --test --test-concurrency=1 $(MCU_SCENARIOS)
	STATION_HOST=mcu $(NODE) --test --test-concurrency=1 --test-name-pattern='$(MCU_TX_PATTERN)' tests/transactions.test.js
	STATION_HOST=mcu $(NODE) --test --test-concurrency=1 --test-name-pattern='$(MCU_SIGNING_PATTERN)' tests/conformance/a-certificate-signing.test.js
	STATION_HOST=mcu $(NODE) --test --test-concurrency=1 --test-name-pattern='$(MCU_FIRMWARE_PATTERN)' tests/conformance/l-firmware.test.js
	STATION_HOST=mcu $(NODE) --test --test-concurrency=1 --test-name-pattern='$(MCU_STREAMING_PATTERN)' tests/streaming.test.js

# The emulated board's part (tests/bench/mcu.js, QEMU -icount) runs when build/mcu/station.elf is there: make mcu bench
bench: build build/firmware.rtrace.wasm build/c-host/bench_wasm3 heap-suite
	$(NODE) tests/bench/bench.js

# The heap's high-water over the scenario suite (Node host, RTRACE build; tests/bench/heap-suite.js, a few minutes):
# build/bench/heap-suite.json, which `make bench` reports.
heap-suite: build build/firmware.rtrace.wasm
	$(NODE) tests/bench/heap-suite.js $(SCENARIOS)

# The release build with allocation tracing (RTRACE) for the bench's heap figures; never shipped.
build/firmware.rtrace.wasm: $(NPM_STAMP) $(SOURCES) asconfig.json
	$(ASC) assembly/index.ts --target release --use ASC_RTRACE=1 --exportStart _start -o $@ -t build/firmware.rtrace.wat

# The station with simulated hardware and the built-in demo CSMS, or a real CSMS:
#   make run [HOST=c|node|mcu] [CSMS=ws://host:port/path] [ID=CS001] [DATA=dir] [BENCH=7777] [CONFIG=file] [VCLOCK=1]
#            [CSMS_TLS=2|3]   (the demo CSMS with wss://: security profile 2, TLS + Basic auth; 3, TLS + client certificate)
# With the demo CSMS the bench op {"op":"update","version":"2.0.0"} tries a signed firmware update (docs/firmware-update.md).
# The C host as its real file (not the phony c-host), so an up-to-date station is not re-linked on every start.
run: build $(if $(filter c,$(HOST)),build/c-host/station,) $(if $(filter mcu,$(HOST)),build/mcu/station.elf,)
	$(NODE) host/node/run.js --host $(HOST) --config $(CONFIG) --data $(DATA) --bench $(BENCH) \
		$(if $(ID),--id $(ID),) $(if $(CSMS),--csms $(CSMS),) $(if $(VCLOCK),--virtual-clock,) $(if $(CSMS_TLS),--csms-tls $(CSMS_TLS),)

clean:
	rm -rf build

include host/c/host.mk
include host/c/mcu.mk
include tests/fuzz/fuzz.mk
