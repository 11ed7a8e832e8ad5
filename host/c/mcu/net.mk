# The board's network: lwIP and mbedTLS cross-compiled for the Cortex-M7, and the port's network modules
# (host/c/mcu/net.c over lwIP, host/c/mcu/lan9118.c). Included by host/c/mcu.mk; defines MCU_NET_SRCS,
# MCU_NET_CFLAGS and MCU_NET_LIBS, and builds the libraries they name.
#
# Sources: the Debian source packages lwip 2.1.3+dfsg1-2 and mbedtls 2.28.3-1 (`apt-get source
# --download-only` into build/dl, with a deb-src entry created when missing), of which the upstream tarballs are
# used as they are (Debian's patches touch the Unix port and PPP only), checked against host/c/mcu/net.sha256.
# Nothing of either is committed.

MNET_DL     := build/dl
MNET_SRC    := build/mcu-src
MNET_OUT    := build/mcu
MNET_LWIP   := $(MNET_SRC)/lwip-2.1.3
MNET_TLS    := $(MNET_SRC)/mbedtls-2.28.3
MNET_LWIP_TAR := $(MNET_DL)/lwip_2.1.3+dfsg1.orig.tar.xz
MNET_TLS_TAR  := $(MNET_DL)/mbedtls_2.28.3.orig.tar.gz
MNET_CC     := arm-none-eabi-gcc
MNET_AR     := arm-none-eabi-ar
MNET_ARCH   := -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard
MNET_LIBFLAGS := $(MNET_ARCH) -Os -g -ffunction-sections -fdata-sections -std=gnu11 -w
MNET_INC    := -Ihost/c/mcu -I$(MNET_LWIP)/src/include -I$(MNET_TLS)/include \
               -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'
MNET_DEB_SRC := /etc/apt/sources.list.d/debian-src.sources

# The cross toolchain (Debian packages; installed when missing, needs root).
.PHONY: mcu-net-deps mcu-net
mcu-net-deps:
	@command -v $(MNET_CC) >/dev/null && test -f /usr/lib/arm-none-eabi/newlib/libc.a || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-arm-none-eabi libnewlib-arm-none-eabi >/dev/null; }

# apt-get source needs a deb-src entry: the same mirrors, suites and key as the binary one.
$(MNET_DEB_SRC):
	sed 's/^Types: deb$$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > $@
	apt-get update -qq

# Both tarballs in one step; the stamp records that they passed the checksums.
$(MNET_DL)/mcu-net-src.ok: host/c/mcu/net.sha256 | $(MNET_DEB_SRC)
	@mkdir -p $(MNET_DL)
	cd $(MNET_DL) && { apt-get source --download-only -qq lwip=2.1.3+dfsg1-2 mbedtls=2.28.3-1 >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get source --download-only -qq lwip=2.1.3+dfsg1-2 mbedtls=2.28.3-1 >/dev/null; }; }
	cd $(MNET_DL) && sha256sum -c --quiet $(abspath host/c/mcu/net.sha256) || { echo "lwip/mbedtls source checksum mismatch"; rm -f $(notdir $(MNET_LWIP_TAR) $(MNET_TLS_TAR)); exit 1; }
	@touch $@

$(MNET_LWIP)/src/include/lwip/init.h: $(MNET_DL)/mcu-net-src.ok
	@rm -rf $(MNET_LWIP) && mkdir -p $(MNET_LWIP)
	tar -xJf $(MNET_LWIP_TAR) -C $(MNET_LWIP) --strip-components=1
	@touch $@

$(MNET_TLS)/include/mbedtls/ssl.h: $(MNET_DL)/mcu-net-src.ok
	@rm -rf $(MNET_TLS) && mkdir -p $(MNET_TLS)
	tar -xzf $(MNET_TLS_TAR) -C $(MNET_TLS) --strip-components=1
	@touch $@

# lwIP: core, IPv4, TCP, UDP, Ethernet (what lwipopts.h leaves enabled compiles; the rest compiles to nothing).
MNET_LWIP_C := $(addprefix src/core/,def.c inet_chksum.c init.c ip.c mem.c memp.c netif.c pbuf.c tcp.c tcp_in.c \
                 tcp_out.c timeouts.c udp.c) \
               $(addprefix src/core/ipv4/,etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) src/netif/ethernet.c
MNET_LWIP_O := $(patsubst %.c,$(MNET_OUT)/lwip/%.o,$(notdir $(MNET_LWIP_C)))
MNET_LWIP_HDRS := host/c/mcu/lwipopts.h host/c/mcu/arch/cc.h

$(MNET_OUT)/liblwip.a: $(MNET_LWIP)/src/include/lwip/init.h $(MNET_LWIP_HDRS) | mcu-net-deps
	@rm -rf $(MNET_OUT)/lwip && mkdir -p $(MNET_OUT)/lwip
	for f in $(MNET_LWIP_C); do $(MNET_CC) $(MNET_LIBFLAGS) $(MNET_INC) -c $(MNET_LWIP)/$$f -o $(MNET_OUT)/lwip/$$(basename $$f .c).o || exit 1; done
	rm -f $@ && $(MNET_AR) rcs $@ $(MNET_LWIP_O)

# mbedTLS: the three upstream libraries, every file compiled with host/c/mcu/mbedtls_config.h (what the config
# leaves out compiles to nothing; net_sockets.c, timing.c and the entropy poll are left out).
MNET_TLS_X509 := certs.c pkcs11.c x509.c x509_create.c x509_crl.c x509_crt.c x509_csr.c x509write_crt.c x509write_csr.c
MNET_TLS_SSL  := debug.c ssl_cache.c ssl_ciphersuites.c ssl_cli.c ssl_cookie.c ssl_msg.c ssl_srv.c ssl_ticket.c \
                 ssl_tls.c ssl_tls13_keys.c
MNET_TLS_SKIP := net_sockets.c timing.c entropy_poll.c

define mnet_tls_lib
$(MNET_OUT)/libmbed$(1).a: $(MNET_TLS)/include/mbedtls/ssl.h host/c/mcu/mbedtls_config.h | mcu-net-deps
	@rm -rf $(MNET_OUT)/mbed$(1) && mkdir -p $(MNET_OUT)/mbed$(1)
	for f in $(2); do $(MNET_CC) $(MNET_LIBFLAGS) $(MNET_INC) -c $(MNET_TLS)/library/$$$$f -o $(MNET_OUT)/mbed$(1)/$$$$(basename $$$$f .c).o || exit 1; done
	rm -f $$@ && $(MNET_AR) rcs $$@ $(MNET_OUT)/mbed$(1)/*.o
endef
MNET_TLS_CRYPTO = $(filter-out $(MNET_TLS_X509) $(MNET_TLS_SSL) $(MNET_TLS_SKIP),$(notdir $(wildcard $(MNET_TLS)/library/*.c)))
$(eval $(call mnet_tls_lib,crypto,$$(MNET_TLS_CRYPTO)))
$(eval $(call mnet_tls_lib,x509,$(MNET_TLS_X509)))
$(eval $(call mnet_tls_lib,tls,$(MNET_TLS_SSL)))

MNET_LIBS_A := $(MNET_OUT)/liblwip.a $(MNET_OUT)/libmbedtls.a $(MNET_OUT)/libmbedx509.a $(MNET_OUT)/libmbedcrypto.a
mcu-net: $(MNET_LIBS_A)
	arm-none-eabi-size -t $(MNET_OUT)/liblwip.a | tail -1
	for l in tls x509 crypto; do arm-none-eabi-size -t $(MNET_OUT)/libmbed$$l.a | tail -1; done

# For host/c/mcu.mk: the port's network sources (those its wildcard does not already take), their flags
# (MCU_NET: port.h holds an mnet; MCU_HCRYPTO: crypto.c gives hal_hash/hal_verify, certs.c the certificate store), and the libraries to link.
MCU_NET_SRCS   := $(filter-out $(MCU_BOARD_SRCS),host/c/mcu/net.c host/c/mcu/lan9118.c host/c/mcu/crypto.c) \
                  host/c/shared/hcrypto.c host/c/shared/certhash.c host/c/shared/keygen.c host/c/shared/fwverify.c \
                  host/c/shared/tlsname.c
MCU_NET_CFLAGS := -DMCU_NET -DMCU_HCRYPTO $(MNET_INC)
MCU_NET_LIBS   := $(MNET_LIBS_A)
