/* lwIP 2.1 options for the board (host/c/mcu/net.mk builds lwIP with them): no OS (NO_SYS, raw API), IPv4,
 * TCP and UDP on one Ethernet interface (the LAN9118, host/c/mcu/lan9118.c) with a static address. The timers
 * are run by host/c/mcu/net.c from the port's loop (NO_SYS_NO_TIMERS: lwIP needs no sys_now()).
 *
 * Sized for one CSMS connection (plain or TLS), one NTP socket and a small file transfer:
 *   heap MEM_SIZE                     16 384 B  (outgoing TCP segments: 2 connections x TCP_SND_BUF, ARP queue)
 *   pbuf pool 8 x (1 516 + header)    12 384 B  (received frames; the window is smaller than the pool)
 *   4 TCP PCBs, 1 listen, 4 UDP PCBs, 24 TCP segments, 4 ARP entries, 8 pbuf headers   ~1 300 B
 *   30 334 B of .bss in all, measured in the linked ELF (docs/porting.md "Network on the MCU"). */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                       1
#define NO_SYS_NO_TIMERS             1
#define SYS_LIGHTWEIGHT_PROT         0
#define LWIP_NETCONN                 0
#define LWIP_SOCKET                  0
#define LWIP_RAW                     0

#define LWIP_IPV4                    1
#define LWIP_IPV6                    0
#define LWIP_ARP                     1
#define LWIP_ETHERNET                1
#define LWIP_ICMP                    1
#define LWIP_DHCP                    0      /* QEMU user networking: 10.0.2.15/24, gateway 10.0.2.2, fixed */
#define LWIP_AUTOIP                  0
#define LWIP_IGMP                    0
#define LWIP_DNS                     0      /* the tests give IPv4 literals; a name fails with the ABI's -1 */
#define LWIP_TCP                     1
#define LWIP_UDP                     1
#define IP_REASSEMBLY                0
#define IP_FRAG                      0
#define LWIP_NETIF_STATUS_CALLBACK   0
#define LWIP_NETIF_LINK_CALLBACK     0
#define LWIP_STATS                   0
#define LWIP_SINGLE_NETIF            1

/* Memory */
#define MEM_ALIGNMENT                4
#define MEM_SIZE                     (16 * 1024)
#define MEMP_NUM_PBUF                8
#define MEMP_NUM_TCP_PCB             4      /* CSMS, file transfer, and ones still closing */
#define MEMP_NUM_TCP_PCB_LISTEN      1
#define MEMP_NUM_UDP_PCB             4      /* docs/host-abi.md: at most 4 datagram sockets */
#define MEMP_NUM_TCP_SEG             24
#define MEMP_NUM_ARP_QUEUE           4
#define ARP_TABLE_SIZE               4
#define ARP_QUEUEING                 1
#define PBUF_POOL_SIZE               8
#define PBUF_POOL_BUFSIZE            LWIP_MEM_ALIGN_SIZE(TCP_MSS + 40 + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)

/* TCP: the window stays below the LAN9118's receive FIFO (10 KiB in QEMU's model, which drops a frame that
 * does not fit) and below the pbuf pool. */
#define TCP_MSS                      1460
#define TCP_WND                      (4 * TCP_MSS)
#define TCP_SND_BUF                  (6 * TCP_MSS)
#define TCP_SND_QUEUELEN             ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ              0
#define LWIP_TCP_KEEPALIVE           0
#define LWIP_TCP_TIMESTAMPS          0
#define LWIP_CALLBACK_API            1
#define LWIP_WND_SCALE               0

/* Checksums in software: QEMU's LAN9118 has no offload. */
#define CHECKSUM_GEN_IP              1
#define CHECKSUM_GEN_UDP             1
#define CHECKSUM_GEN_TCP             1
#define CHECKSUM_CHECK_IP            1
#define CHECKSUM_CHECK_UDP           1
#define CHECKSUM_CHECK_TCP           1

#define LWIP_NOASSERT                1
#define LWIP_DEBUG                   0

#endif
