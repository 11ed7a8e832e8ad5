/* Reset and exceptions of the Cortex-M7 (QEMU mps2-an500): the vector table, the reset handler (.data copy,
 * .bss zero, FPU on, C stack painted for the high-water mark, an MPU guard under the stack, C library
 * constructors, main) and fault handlers
 * that print the fault registers on UART0 and halt. Interrupt handlers are weak: a driver defines the one it
 * takes (uart.c, clock.c, the network's Ethernet handler). */
#include <stdint.h>
#include <string.h>
#include "cm7.h"
#include "semihost.h"
#include "startup.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_limit, __stack_top;
extern void __libc_init_array(void);
extern int main(void);

void Reset_Handler(void) __attribute__((noreturn));
static void Default_Handler(void);
static void Fault_Handler(void);

#define WEAK_IRQ(name) void name(void) __attribute__((weak, alias("Default_Handler")))
WEAK_IRQ(SVC_Handler);
WEAK_IRQ(PendSV_Handler);
WEAK_IRQ(SysTick_Handler);
WEAK_IRQ(UART0RX_Handler);
WEAK_IRQ(UART0TX_Handler);
WEAK_IRQ(UART1RX_Handler);
WEAK_IRQ(UART1TX_Handler);
WEAK_IRQ(UART2RX_Handler);
WEAK_IRQ(UART2TX_Handler);
WEAK_IRQ(UART3RX_Handler);
WEAK_IRQ(UART3TX_Handler);
WEAK_IRQ(UART4RX_Handler);
WEAK_IRQ(UART4TX_Handler);
WEAK_IRQ(UARTOVF_Handler);
WEAK_IRQ(ETH_Handler);

/* Interrupt n of the mps2-an500 is vector 16 + n: UART n RX 2n, TX 2n+1 (n < 3), UART overflow 12, Ethernet 13,
 * UART3 RX 18 and TX 19, UART4 RX 20 and TX 21 (QEMU's hw/arm/mps2.c). */
__attribute__((section(".isr_vector"), used)) static void (*const vectors[16 + 32])(void) = {
    (void (*)(void))&__stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, 0, 0, 0, 0, SVC_Handler, Default_Handler, 0, PendSV_Handler, SysTick_Handler,
    [16 + 0] = UART0RX_Handler, [16 + 1] = UART0TX_Handler, [16 + 2] = UART1RX_Handler,
    [16 + 3] = UART1TX_Handler, [16 + 4] = UART2RX_Handler, [16 + 5] = UART2TX_Handler,
    [16 + 6 ... 16 + 11] = Default_Handler, [16 + 12] = UARTOVF_Handler, [16 + 13] = ETH_Handler,
    [16 + 14 ... 16 + 17] = Default_Handler, [16 + 18] = UART3RX_Handler, [16 + 19] = UART3TX_Handler,
    [16 + 20] = UART4RX_Handler, [16 + 21] = UART4TX_Handler, [16 + 22 ... 16 + 31] = Default_Handler,
};

#define STACK_PAINT 0xC57AC4EDu
#define STACK_GUARD 32u   /* bytes at the stack's limit that the MPU keeps out of reach */

void Reset_Handler(void) {
    /* The FPU first: the compiler may use its registers anywhere (hard-float ABI). CP10 and CP11 full access. */
    CM7_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    for (uint32_t *s = &__data_load, *d = &__data_start; d < &__data_end;) *d++ = *s++;
    for (uint32_t *d = &__bss_start; d < &__bss_end;) *d++ = 0;
    /* Paint the C stack below the current frame, for startup_stack_used(). */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *d = &__stack_limit; d < sp - 16;) *d++ = STACK_PAINT;
    CM7_SHCSR |= 7u << 16;   /* MemManage, BusFault and UsageFault get their own handler, not HardFault */
    /* The lowest 32 bytes of the stack are a no-access MPU region: an overflow faults instead of silently running
     * into the heap (wasm3's linear memory). Region 0, 32 bytes (SIZE 4), no access, never executable; the default
     * memory map everywhere else. */
    CM7_MPU_RNR = 0;
    CM7_MPU_RBAR = (uint32_t)&__stack_limit;
    CM7_MPU_RASR = (1u << 28) | (4u << 1) | 1u;
    CM7_MPU_CTRL = 5;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    __libc_init_array();
    sh_exit(main());
}

size_t startup_stack_used(void) {
    const uint32_t *p = &__stack_limit + STACK_GUARD / 4;
    while (p < &__stack_top && *p == STACK_PAINT) p++;
    return (size_t)((const uint8_t *)&__stack_top - (const uint8_t *)p);
}

size_t startup_stack_size(void) { return (size_t)((const uint8_t *)&__stack_top - (const uint8_t *)&__stack_limit) - STACK_GUARD; }

/* Fault output goes straight to UART0's registers (polled), whatever state the driver is in. */
static void fault_puts(const char *s) {
    volatile uint32_t *uart = (volatile uint32_t *)0x40004000u;
    uart[4] = 16;          /* BAUDDIV */
    uart[2] |= 1;          /* TX enable */
    for (; *s; s++) { while (uart[1] & 1) {} uart[0] = (uint8_t)*s; }
}

static void fault_hex(const char *name, uint32_t v) {
    char b[20];
    strcpy(b, name);
    size_t n = strlen(b);
    for (int i = 7; i >= 0; i--) b[n++] = "0123456789abcdef"[(v >> (4 * i)) & 15];
    b[n++] = ' ';
    b[n] = 0;
    fault_puts(b);
}

/* The stacked frame (r0-r3, r12, lr, pc, xpsr) is on the stack the faulting code used: EXC_RETURN bit 2 says which. */
__attribute__((naked)) static void Fault_Handler(void) {
    __asm__ volatile("tst lr, #4\n\tite eq\n\tmrseq r0, msp\n\tmrsne r0, psp\n\tb fault_report");
}

__attribute__((used, noreturn)) void fault_report(const uint32_t *frame) {
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    fault_puts("\nerror fault: ");
    fault_hex("exc=", ipsr & 0x1ff);
    fault_hex("pc=", frame[6]);
    fault_hex("lr=", frame[5]);
    fault_hex("cfsr=", CM7_CFSR);
    fault_hex("hfsr=", CM7_HFSR);
    fault_hex("mmfar=", CM7_MMFAR);
    fault_hex("bfar=", CM7_BFAR);
    fault_puts("\n");
#ifdef MCU_FAULT_EXIT
    sh_exit(MCU_FAULT_EXIT);   /* under QEMU: end the emulation so a test sees the fault at once */
#endif
    for (;;) cm7_wfi();
}

static void Default_Handler(void) {
    fault_puts("\nerror unexpected interrupt\n");
    for (;;) cm7_wfi();
}

/* The C library calls these around its constructor tables (crti.o's, which -nostartfiles leaves out). */
void _init(void) {}
void _fini(void) {}
