#include "lan9118.h"

/* Register offsets (bytes) of the LAN9118 data sheet. */
enum {
    RX_DATA = 0x00, TX_DATA = 0x20, RX_STATUS = 0x40, TX_STATUS = 0x48, ID_REV = 0x50, IRQ_CFG = 0x54,
    INT_STS = 0x58, INT_EN = 0x5c, BYTE_TEST = 0x64, RX_CFG = 0x6c, TX_CFG = 0x70, HW_CFG = 0x74,
    RX_FIFO_INF = 0x7c, TX_FIFO_INF = 0x80, PMT_CTRL = 0x84, MAC_CSR_CMD = 0xa4, MAC_CSR_DATA = 0xa8,
};
/* MAC registers, reached through MAC_CSR_CMD/DATA. */
enum { MAC_CR = 1, MAC_ADDRH = 2, MAC_ADDRL = 3, MAC_MII_ACC = 6, MAC_MII_DATA = 7 };
#define CSR_BUSY      0x80000000u
#define CSR_READ      0x40000000u
#define MAC_CR_RXEN   0x00000004u
#define MAC_CR_TXEN   0x00000008u
#define MAC_CR_FDPX   0x00100000u
#define TX_CFG_TX_ON  0x00000002u
#define TX_CFG_TXSAO  0x00000004u   /* TX status may overflow: the driver never reads it */
#define HW_CFG_SRST   0x00000001u
#define PMT_READY     0x00000001u
#define IRQ_TYPE_PUSH_PULL 0x00000001u
#define IRQ_POL_HIGH  0x00000010u
#define RXS_ERROR     0x00008000u
#define TXA_FIRST     0x00002000u
#define TXA_LAST      0x00001000u
#define PHY_ADDR      1u

static uint32_t rd(l9 *d, unsigned off) { return d->regs[off / 4]; }
static void wr(l9 *d, unsigned off, uint32_t v) { d->regs[off / 4] = v; }

static int mac_wait(l9 *d) {
    for (int i = 0; i < 100000; i++) if (!(rd(d, MAC_CSR_CMD) & CSR_BUSY)) return 0;
    return -1;
}

static uint32_t mac_read(l9 *d, unsigned reg) {
    wr(d, MAC_CSR_CMD, CSR_BUSY | CSR_READ | reg);
    mac_wait(d);
    return rd(d, MAC_CSR_DATA);
}

static void mac_write(l9 *d, unsigned reg, uint32_t v) {
    wr(d, MAC_CSR_DATA, v);
    wr(d, MAC_CSR_CMD, CSR_BUSY | reg);
    mac_wait(d);
}

static uint32_t phy_read(l9 *d, unsigned reg) {
    mac_write(d, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | 1u);
    for (int i = 0; i < 100000 && (mac_read(d, MAC_MII_ACC) & 1u); i++) {}
    return mac_read(d, MAC_MII_DATA) & 0xffffu;
}

int l9_init(l9 *d, uintptr_t base) {
    *d = (l9){ .regs = (volatile uint32_t *)base };
    if (rd(d, BYTE_TEST) != 0x87654321u || (rd(d, ID_REV) >> 16) != 0x0118u) return -1;
    wr(d, HW_CFG, HW_CFG_SRST);
    for (int i = 0; i < 100000 && (rd(d, HW_CFG) & HW_CFG_SRST); i++) {}
    for (int i = 0; i < 100000 && !(rd(d, PMT_CTRL) & PMT_READY); i++) {}
    if (rd(d, HW_CFG) & HW_CFG_SRST) return -1;
    wr(d, INT_EN, 0);
    wr(d, INT_STS, 0xffffffffu);
    wr(d, IRQ_CFG, IRQ_TYPE_PUSH_PULL | IRQ_POL_HIGH);   /* the line stays low: the driver polls */
    uint32_t lo = mac_read(d, MAC_ADDRL), hi = mac_read(d, MAC_ADDRH);
    for (int i = 0; i < 4; i++) d->mac[i] = (uint8_t)(lo >> (8 * i));
    d->mac[4] = (uint8_t)hi;
    d->mac[5] = (uint8_t)(hi >> 8);
    wr(d, RX_CFG, 0);                          /* no offset, no end padding */
    wr(d, TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);
    mac_write(d, MAC_CR, MAC_CR_RXEN | MAC_CR_TXEN | MAC_CR_FDPX);   /* unicast to us + broadcast */
    return 0;
}

int l9_link_up(l9 *d) { return (phy_read(d, 1) & 0x0004u) != 0; }

/* Every frame takes ceil((length incl. CRC) / 4) words of the RX data FIFO. */
static void drain(l9 *d, size_t words) { while (words--) (void)rd(d, RX_DATA); }

size_t l9_rx_next(l9 *d) {
    for (;;) {
        if (((rd(d, RX_FIFO_INF) >> 16) & 0xffu) == 0) return 0;
        uint32_t st = rd(d, RX_STATUS);
        size_t with_crc = (st >> 16) & 0x3fffu;
        if (!(st & RXS_ERROR) && with_crc >= 14 + 4 && with_crc - 4 <= L9_MAX_FRAME) { d->rx_frames++; return with_crc - 4; }
        d->rx_errors++;
        drain(d, (with_crc + 3) / 4);
    }
}

void l9_rx_read(l9 *d, uint8_t *out, size_t len) {
    uint32_t *w = (uint32_t *)(void *)out;
    size_t words = (len + 3) / 4, total = (len + 4 + 3) / 4;
    for (size_t i = 0; i < words; i++) w[i] = rd(d, RX_DATA);
    drain(d, total - words);
}

void l9_rx_skip(l9 *d, size_t len) { drain(d, (len + 4 + 3) / 4); }

int l9_send(l9 *d, const uint8_t *frame, size_t len) {
    if (len < 14 || len > L9_MAX_FRAME) return -1;
    uintptr_t start = (uintptr_t)frame & ~(uintptr_t)3;
    uint32_t offset = (uint32_t)((uintptr_t)frame & 3u);
    size_t words = (offset + len + 3) / 4;
    if ((rd(d, TX_FIFO_INF) & 0xffffu) < words * 4 + 8) { d->tx_full++; return -1; }
    wr(d, TX_DATA, TXA_FIRST | TXA_LAST | (offset << 16) | (uint32_t)len);
    wr(d, TX_DATA, ((uint32_t)(d->tx_frames & 0xffffu) << 16) | (uint32_t)len);
    /* Whole aligned words: the bytes before the frame and after its end in the first and last word are ignored
     * by the controller (offset and length say which count). */
    const volatile uint32_t *src = (const volatile uint32_t *)start;
    for (size_t i = 0; i < words; i++) wr(d, TX_DATA, src[i]);
    d->tx_frames++;
    return 0;
}
