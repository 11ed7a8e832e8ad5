# The C host on wasm3 (Linux reference port). Included from the top-level Makefile. Sources: core/ (portable,
# kept by every board), shared/ (mbedTLS helpers), posix/ (the Linux port of hal.h); docs/porting.md.
#
# wasm3 v0.5.0 comes from the pywasm3 0.5.0 sdist on PyPI (its wasm3/ folder holds the core C files), checked
# against host/c/wasm3.sha256; nothing of wasm3 is committed.
# Settings for AssemblyScript images:
#   d_m3MaxFunctionStackHeight=128  the MCU default (64) silently corrupted memory on an AS module in a trial
#   value stack 8 KiB (--stack)     enough for the image's deepest paths (JSON nesting is bounded at 16)

CHOST_BUILD   := build/c-host
CHOST_W3_SRC  := build/wasm3-src/pywasm3-0.5.0/wasm3
CHOST_SDIST   := build/dl/pywasm3-0.5.0.tar.gz
# The host reads wasm3's runtime struct (code statistics), so both sides must see the same configuration.
CHOST_W3DEFS  := -Dd_m3MaxFunctionStackHeight=128 -Dd_m3HasWASI=0
CHOST_CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(CHOST_W3DEFS) -I$(CHOST_W3_SRC) -Ihost/c
CHOST_W3FLAGS := -std=gnu11 -O2 -g -w $(CHOST_W3DEFS)
CHOST_SRCS    := $(wildcard host/c/core/*.c host/c/shared/*.c host/c/posix/*.c)
CHOST_HDRS    := $(wildcard host/c/*.h host/c/core/*.h host/c/shared/*.h host/c/posix/*.h)
CHOST_LIBS    := -lmbedtls -lmbedx509 -lmbedcrypto -lm
CHOST_SAN     ?=

.PHONY: c-host c-host-deps c-host-gpiod c-test c-asan

$(CHOST_SDIST): host/c/wasm3.sha256
	@mkdir -p build/dl
	python3 -m pip download --quiet --no-binary :all: --no-deps pywasm3==0.5.0 -d build/dl
	@echo "$$(cat host/c/wasm3.sha256)  $@" | sha256sum -c --quiet || { echo "pywasm3 sdist checksum mismatch"; rm -f $@; exit 1; }
	@touch $@

$(CHOST_W3_SRC)/wasm3.h: $(CHOST_SDIST)
	@mkdir -p build/wasm3-src
	tar -xzf $< -C build/wasm3-src
	@touch $@

# mbedTLS headers come from Debian's libmbedtls-dev (installed here when missing; needs root). The stations take
# it as an order-only prerequisite: checked before a link, but never a reason to re-link.
c-host-deps:
	@test -f /usr/include/mbedtls/ssl.h || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmbedtls-dev >/dev/null; }

$(CHOST_BUILD)/libwasm3.a: $(CHOST_W3_SRC)/wasm3.h
	@mkdir -p $(CHOST_BUILD)/w3
	cd $(CHOST_BUILD)/w3 && for f in $(abspath $(CHOST_W3_SRC))/*.c; do $(CC) $(CHOST_W3FLAGS) $(CHOST_SAN) -c $$f || exit 1; done
	ar rcs $@ $(CHOST_BUILD)/w3/*.o

$(CHOST_BUILD)/station: $(CHOST_BUILD)/libwasm3.a $(CHOST_SRCS) $(CHOST_HDRS) | c-host-deps
	$(CC) $(CHOST_CFLAGS) $(CHOST_SAN) -o $@ $(CHOST_SRCS) $(CHOST_BUILD)/libwasm3.a $(CHOST_LIBS)

c-host: $(CHOST_BUILD)/station

# Board GPIO through libgpiod is optional: make c-host-gpiod builds build/c-host-gpiod/station with it
# (Debian libgpiod-dev 1.6). `make test` builds it so the code stays compiled.
c-host-gpiod: c-host-deps $(CHOST_BUILD)/libwasm3.a $(CHOST_SRCS) $(CHOST_HDRS)
	@test -f /usr/include/gpiod.h || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgpiod-dev >/dev/null; }
	@mkdir -p build/c-host-gpiod
	$(CC) $(CHOST_CFLAGS) -DCHOST_GPIOD -o build/c-host-gpiod/station $(CHOST_SRCS) $(CHOST_BUILD)/libwasm3.a $(CHOST_LIBS) -lgpiod

# ASan + UBSan build of the host and wasm3, for running the scenario suite under the sanitizers.
CHOST_ASAN_DIR := build/c-host-asan
CHOST_ASAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# wasm3 reads its compiled code stream with unaligned loads by design (fine on x86 and ARMv7-M and later):
# alignment checks stay on for the host's own code only.
CHOST_ASAN_W3  := $(CHOST_ASAN) -fno-sanitize=alignment

$(CHOST_ASAN_DIR)/libwasm3.a: $(CHOST_W3_SRC)/wasm3.h
	@mkdir -p $(CHOST_ASAN_DIR)/w3
	cd $(CHOST_ASAN_DIR)/w3 && for f in $(abspath $(CHOST_W3_SRC))/*.c; do $(CC) $(CHOST_W3FLAGS) $(CHOST_ASAN_W3) -c $$f || exit 1; done
	ar rcs $@ $(CHOST_ASAN_DIR)/w3/*.o

$(CHOST_ASAN_DIR)/station: $(CHOST_ASAN_DIR)/libwasm3.a $(CHOST_SRCS) $(CHOST_HDRS) | c-host-deps
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ $(CHOST_SRCS) $(CHOST_ASAN_DIR)/libwasm3.a $(CHOST_LIBS)

c-asan: $(CHOST_ASAN_DIR)/station

$(CHOST_BUILD)/test_kv: host/c/tests/test_kv.c host/c/posix/kv.c host/c/posix/kv.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_kv.c host/c/posix/kv.c


# The wasm3 side of `make bench` (timing and callgrind counts of the image's work per message).
$(CHOST_BUILD)/bench_wasm3: host/c/tests/bench_wasm3.c $(CHOST_BUILD)/libwasm3.a
	$(CC) $(CHOST_CFLAGS) -o $@ $< $(CHOST_BUILD)/libwasm3.a -lm

$(CHOST_BUILD)/certs_cli: host/c/tests/certs_cli.c host/c/posix/certs.c host/c/posix/certs.h host/c/shared/certhash.c host/c/shared/certhash.h host/c/shared/keygen.c host/c/shared/keygen.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/certs_cli.c host/c/posix/certs.c host/c/shared/certhash.c host/c/shared/keygen.c $(CHOST_LIBS)

c-host: $(CHOST_BUILD)/certs_cli

$(CHOST_BUILD)/test_hw: host/c/tests/test_hw.c host/c/posix/hw.c host/c/posix/hw.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_hw.c host/c/posix/hw.c -lutil

$(CHOST_BUILD)/test_udp: host/c/tests/test_udp.c host/c/posix/udp.c host/c/posix/udp.h host/c/posix/addr.c host/c/posix/addr.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_udp.c host/c/posix/udp.c host/c/posix/addr.c

# The board's SLCAN codec builds for the host: it has no board registers.
$(CHOST_BUILD)/test_slcan: host/c/tests/test_slcan.c host/c/mcu/slcan.c host/c/mcu/slcan.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_slcan.c host/c/mcu/slcan.c

$(CHOST_BUILD)/test_tlsname: host/c/tests/test_tlsname.c host/c/shared/tlsname.c host/c/shared/tlsname.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_tlsname.c host/c/shared/tlsname.c $(CHOST_LIBS)

$(CHOST_BUILD)/test_queue: host/c/tests/test_queue.c host/c/core/queue.c host/c/core/queue.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_queue.c host/c/core/queue.c

$(CHOST_BUILD)/test_rstore: host/c/tests/test_rstore.c host/c/core/rstore.c host/c/core/rstore.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_rstore.c host/c/core/rstore.c

$(CHOST_BUILD)/test_slots: host/c/tests/test_slots.c host/c/core/slots.c host/c/core/slots.h host/c/hal.h
	@mkdir -p $(CHOST_BUILD)
	$(CC) $(CHOST_CFLAGS) $(CHOST_ASAN) -o $@ host/c/tests/test_slots.c host/c/core/slots.c

# C unit tests under ASan + UBSan: the core's event queue; the firmware slots with a power cut at every storage call; the flash record store with a power cut at every
# flash call; storage crash simulation; simulator bus, UART (pty) and SocketCAN (vcan0,
# where the kernel has it: the test says so when it is not there); datagrams on loopback; what a server certificate
# must name (shared/tlsname.c).
c-test: $(CHOST_BUILD)/test_queue $(CHOST_BUILD)/test_slots $(CHOST_BUILD)/test_rstore $(CHOST_BUILD)/test_kv $(CHOST_BUILD)/test_hw $(CHOST_BUILD)/test_udp $(CHOST_BUILD)/test_slcan $(CHOST_BUILD)/test_tlsname
	$(CHOST_BUILD)/test_queue
	$(CHOST_BUILD)/test_slots
	$(CHOST_BUILD)/test_rstore
	$(CHOST_BUILD)/test_kv
	$(CHOST_BUILD)/test_hw
	$(CHOST_BUILD)/test_udp
	$(CHOST_BUILD)/test_slcan
	$(CHOST_BUILD)/test_tlsname
