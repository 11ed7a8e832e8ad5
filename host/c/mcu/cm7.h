/* Cortex-M7 core registers the port uses (System Control Space), and small inline helpers. */
#ifndef CM7_H
#define CM7_H
#include <stdint.h>

#define CM7_REG(a) (*(volatile uint32_t *)(a))
#define CM7_SYST_CSR  CM7_REG(0xE000E010u)
#define CM7_SYST_RVR  CM7_REG(0xE000E014u)
#define CM7_SYST_CVR  CM7_REG(0xE000E018u)
#define CM7_NVIC_ISER(n) CM7_REG(0xE000E100u + 4u * (n))
#define CM7_CPACR     CM7_REG(0xE000ED88u)
#define CM7_CFSR      CM7_REG(0xE000ED28u)
#define CM7_HFSR      CM7_REG(0xE000ED2Cu)
#define CM7_MMFAR     CM7_REG(0xE000ED34u)
#define CM7_BFAR      CM7_REG(0xE000ED38u)
#define CM7_SHCSR     CM7_REG(0xE000ED24u)
#define CM7_MPU_CTRL  CM7_REG(0xE000ED94u)
#define CM7_MPU_RNR   CM7_REG(0xE000ED98u)
#define CM7_MPU_RBAR  CM7_REG(0xE000ED9Cu)
#define CM7_MPU_RASR  CM7_REG(0xE000EDA0u)

static inline void cm7_irq_enable(int irq) { CM7_NVIC_ISER(irq >> 5) = 1u << (irq & 31); }
static inline void cm7_wfi(void) { __asm__ volatile("dsb\n\twfi" ::: "memory"); }
static inline void cm7_irq_off(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void cm7_irq_on(void) { __asm__ volatile("cpsie i" ::: "memory"); }

#endif
