# The bare-metal board port: Cortex-M7 on QEMU's mps2-an500 (host/c/mcu/, docs/porting.md). Included from the
# top-level Makefile after host.mk. `make mcu` builds build/mcu/station.elf.
# Debian packages (installed here when missing; needs root): gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# qemu-system-arm. The network (lwIP, mbedTLS) comes from host/c/mcu/net.mk when it is there; without it the
# board links host/c/mcu/netstub.c (every open fails with the ABI's network error).

MCU_BUILD  := build/mcu
MCU_CC     := arm-none-eabi-gcc
MCU_ARCH   := -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard
MCU_OPT    := -O2 -g -ffunction-sections -fdata-sections
# MCU_FAULT_EXIT: under QEMU a fault ends the emulation (semihosting exit status 70) after its report.
MCU_DEFS   := -DMCU_FAULT_EXIT=70
# wasm3 with the settings of host.mk (the core reads wasm3's runtime struct: both sides see the same ones).
MCU_W3DEFS := $(CHOST_W3DEFS)
MCU_CFLAGS  = -std=gnu11 $(MCU_ARCH) $(MCU_OPT) -Wall -Wextra -Werror $(MCU_DEFS) $(MCU_W3DEFS) -I$(CHOST_W3_SRC) -Ihost/c -Ihost/c/mcu $(MCU_NET_CFLAGS)
MCU_W3FLAGS = -std=gnu11 $(MCU_ARCH) $(MCU_OPT) -w $(MCU_W3DEFS)
MCU_LDFLAGS := $(MCU_ARCH) -nostartfiles -Wl,--gc-sections -Wl,-Map,$(MCU_BUILD)/station.map -T host/c/mcu/mps2-an500.ld
MCU_BOARD_SRCS := $(filter-out host/c/mcu/netstub.c,$(wildcard host/c/mcu/*.c)) $(wildcard host/c/core/*.c) host/c/mcu/image.S
MCU_HDRS   := $(wildcard host/c/*.h host/c/core/*.h host/c/mcu/*.h)

-include host/c/mcu/net.mk

MCU_SRCS = $(MCU_BOARD_SRCS) $(if $(MCU_NET_SRCS),$(MCU_NET_SRCS),$(wildcard host/c/mcu/netstub.c))

QEMU_MCU := qemu-system-arm -M mps2-an500 -nographic -semihosting-config enable=on,target=native

.PHONY: mcu mcu-deps

mcu-deps:
	@command -v $(MCU_CC) >/dev/null && test -f /usr/lib/arm-none-eabi/newlib/libc.a && command -v qemu-system-arm >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm >/dev/null; }

$(MCU_BUILD)/libwasm3.a: $(CHOST_W3_SRC)/wasm3.h | mcu-deps
	@mkdir -p $(MCU_BUILD)/w3
	cd $(MCU_BUILD)/w3 && for f in $(abspath $(CHOST_W3_SRC))/*.c; do $(MCU_CC) $(MCU_W3FLAGS) -c $$f || exit 1; done
	arm-none-eabi-ar rcs $@ $(MCU_BUILD)/w3/*.o

# The image goes in as it is (image.S, .incbin): the ELF's .firmware section is build/firmware.wasm byte for byte.
$(MCU_BUILD)/station.elf: $(MCU_SRCS) $(MCU_HDRS) host/c/mcu/mps2-an500.ld build/firmware.wasm $(MCU_BUILD)/libwasm3.a $(MCU_NET_LIBS) | mcu-deps
	@mkdir -p $(MCU_BUILD)
	$(MCU_CC) $(MCU_CFLAGS) -DMCU_IMAGE_PATH='"build/firmware.wasm"' $(MCU_LDFLAGS) -o $@ $(MCU_SRCS) $(MCU_BUILD)/libwasm3.a $(MCU_NET_LIBS) -lc -lm -lgcc
	arm-none-eabi-size $@

mcu: $(MCU_BUILD)/station.elf
