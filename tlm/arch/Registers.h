// SMMUv3 register frame: offsets and fields (IHI 0070, chapter 6). Page 1 sits at +0x10000.
#pragma once
#include <cstdint>

namespace smmu::reg {

constexpr uint32_t IDR0 = 0x00, IDR1 = 0x04, IDR2 = 0x08, IDR3 = 0x0c, IDR4 = 0x10, IDR5 = 0x14;
constexpr uint32_t IIDR = 0x18, AIDR = 0x1c;
constexpr uint32_t CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2c;
constexpr uint32_t STATUSR = 0x40, GBPA = 0x44, AGBPA = 0x48;
constexpr uint32_t IRQ_CTRL = 0x50, IRQ_CTRLACK = 0x54;
constexpr uint32_t GERROR = 0x60, GERRORN = 0x64;
constexpr uint32_t GERROR_IRQ_CFG0 = 0x68, GERROR_IRQ_CFG1 = 0x70, GERROR_IRQ_CFG2 = 0x74;
constexpr uint32_t STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88;
constexpr uint32_t CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9c;
constexpr uint32_t EVENTQ_BASE = 0xa0, EVENTQ_PROD_P0 = 0xa8, EVENTQ_CONS_P0 = 0xac;
constexpr uint32_t EVENTQ_IRQ_CFG0 = 0xb0, EVENTQ_IRQ_CFG1 = 0xb8, EVENTQ_IRQ_CFG2 = 0xbc;
constexpr uint32_t PRIQ_BASE = 0xc0, PRIQ_PROD_P0 = 0xc8, PRIQ_CONS_P0 = 0xcc;
constexpr uint32_t PRIQ_IRQ_CFG0 = 0xd0, PRIQ_IRQ_CFG1 = 0xd8, PRIQ_IRQ_CFG2 = 0xdc;
constexpr uint32_t PAGE1 = 0x10000;
constexpr uint32_t EVENTQ_PROD = PAGE1 + 0xa8, EVENTQ_CONS = PAGE1 + 0xac;
constexpr uint32_t PRIQ_PROD = PAGE1 + 0xc8, PRIQ_CONS = PAGE1 + 0xcc;
constexpr uint32_t FRAME_SIZE = 0x20000;

// CR0 / CR0ACK
constexpr uint32_t CR0_SMMUEN = 1u << 0, CR0_PRIQEN = 1u << 1, CR0_EVENTQEN = 1u << 2,
                   CR0_CMDQEN = 1u << 3, CR0_ATSCHK = 1u << 4;
// CR2
constexpr uint32_t CR2_E2H = 1u << 0, CR2_RECINVSID = 1u << 1, CR2_PTM = 1u << 2;
// IRQ_CTRL / IRQ_CTRLACK
constexpr uint32_t IRQ_CTRL_GERROR_IRQEN = 1u << 0, IRQ_CTRL_PRIQ_IRQEN = 1u << 1,
                   IRQ_CTRL_EVTQ_IRQEN = 1u << 2;
// GBPA
constexpr uint32_t GBPA_ABORT = 1u << 20, GBPA_UPDATE = 1u << 31;
// GERROR / GERRORN
constexpr uint32_t GERROR_CMDQ_ERR = 1u << 0, GERROR_EVTQ_ABT_ERR = 1u << 2,
                   GERROR_PRIQ_ABT_ERR = 1u << 3, GERROR_MSI_CMDQ_ABT_ERR = 1u << 4,
                   GERROR_MSI_EVTQ_ABT_ERR = 1u << 5, GERROR_MSI_PRIQ_ABT_ERR = 1u << 6,
                   GERROR_MSI_GERROR_ABT_ERR = 1u << 7, GERROR_SFM_ERR = 1u << 8;
// STRTAB_BASE
constexpr uint64_t STRTAB_BASE_ADDR_MASK = 0x000ffffffffffFC0ull;  // [51:6]
constexpr uint64_t STRTAB_BASE_RA = 1ull << 62;
// STRTAB_BASE_CFG: LOG2SIZE[5:0], SPLIT[10:6], FMT[17:16]
constexpr unsigned STRTAB_CFG_LOG2SIZE_SHIFT = 0, STRTAB_CFG_SPLIT_SHIFT = 6, STRTAB_CFG_FMT_SHIFT = 16;
constexpr unsigned STRTAB_FMT_LINEAR = 0, STRTAB_FMT_2LVL = 1;
// Queue bases: ADDR[51:5], LOG2SIZE[4:0], RA/WA bit 62
constexpr uint64_t Q_BASE_ADDR_MASK = 0x000fffffffffffe0ull;
constexpr uint64_t Q_BASE_LOG2SIZE_MASK = 0x1f;
// CMDQ_CONS.ERR [30:24]
constexpr unsigned CMDQ_CONS_ERR_SHIFT = 24;
constexpr uint32_t CMDQ_CONS_ERR_MASK = 0x7fu << 24;
constexpr uint32_t CERROR_NONE = 0, CERROR_ILL = 1, CERROR_ABT = 2, CERROR_ATC_INV_SYNC = 3;
// EVTQ/PRIQ PROD.OVFLG and CONS.OVACKFLG
constexpr uint32_t Q_OVERFLOW_FLAG = 1u << 31;

}  // namespace smmu::reg
