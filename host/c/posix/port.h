/* The Linux port's context: the HAL of hal.h on top of one module per concern. */
#ifndef PORT_H
#define PORT_H
#include "core/host.h"
#include "certs.h"
#include "clock.h"
#include "fwslots.h"
#include "hw.h"
#include "kv.h"
#include "net.h"
#include "udp.h"

struct hal {
    host *core;              /* where input events go */
    clk clock;
    kv_store kv;
    net net;
    udp udp;
    certs certs;
    hw hw;
    fw_slots fw;             /* the firmware slots' files (ABI revision 3) */
    unsigned long net_activity; /* network events (streams, datagrams): with the sends, virtual steps without any skip the settle */
};

/* Wires the network and hardware modules' events to the core; the modules are opened by the caller. */
void port_init(hal *p, host *core, int virtual_mode, net_tls_files files);
void port_close(hal *p);

#endif
