// Register offsets and fields against the values in Linux's arm-smmu-v3.h (ARM_SMMU_*, CR0_*,
// GERROR_*, STRTAB_*, Q_BASE_*, CMDQ_CONS_ERR), written out here by hand.
#include <gtest/gtest.h>

#include "arch/Registers.h"

namespace smmu {
namespace {

TEST(Registers, Offsets) {
  EXPECT_EQ(reg::IDR0, 0x0u);
  EXPECT_EQ(reg::IDR1, 0x4u);
  EXPECT_EQ(reg::IDR3, 0xcu);
  EXPECT_EQ(reg::IDR5, 0x14u);
  EXPECT_EQ(reg::IIDR, 0x18u);
  EXPECT_EQ(reg::AIDR, 0x1cu);
  EXPECT_EQ(reg::CR0, 0x20u);
  EXPECT_EQ(reg::CR0ACK, 0x24u);
  EXPECT_EQ(reg::CR1, 0x28u);
  EXPECT_EQ(reg::CR2, 0x2cu);
  EXPECT_EQ(reg::GBPA, 0x44u);
  EXPECT_EQ(reg::IRQ_CTRL, 0x50u);
  EXPECT_EQ(reg::IRQ_CTRLACK, 0x54u);
  EXPECT_EQ(reg::GERROR, 0x60u);
  EXPECT_EQ(reg::GERRORN, 0x64u);
  EXPECT_EQ(reg::GERROR_IRQ_CFG0, 0x68u);
  EXPECT_EQ(reg::GERROR_IRQ_CFG1, 0x70u);
  EXPECT_EQ(reg::GERROR_IRQ_CFG2, 0x74u);
  EXPECT_EQ(reg::STRTAB_BASE, 0x80u);
  EXPECT_EQ(reg::STRTAB_BASE_CFG, 0x88u);
  EXPECT_EQ(reg::CMDQ_BASE, 0x90u);
  EXPECT_EQ(reg::CMDQ_PROD, 0x98u);
  EXPECT_EQ(reg::CMDQ_CONS, 0x9cu);
  EXPECT_EQ(reg::EVENTQ_BASE, 0xa0u);
  EXPECT_EQ(reg::EVENTQ_IRQ_CFG0, 0xb0u);
  EXPECT_EQ(reg::EVENTQ_IRQ_CFG1, 0xb8u);
  EXPECT_EQ(reg::EVENTQ_IRQ_CFG2, 0xbcu);
  EXPECT_EQ(reg::PRIQ_BASE, 0xc0u);
  EXPECT_EQ(reg::PRIQ_IRQ_CFG0, 0xd0u);
  EXPECT_EQ(reg::PRIQ_IRQ_CFG1, 0xd8u);
  EXPECT_EQ(reg::PRIQ_IRQ_CFG2, 0xdcu);
  // EVTQ/PRIQ PROD and CONS live in page 1 (Linux arm_smmu_page1() + 0xa8 ...).
  EXPECT_EQ(reg::EVENTQ_PROD, 0x100a8u);
  EXPECT_EQ(reg::EVENTQ_CONS, 0x100acu);
  EXPECT_EQ(reg::PRIQ_PROD, 0x100c8u);
  EXPECT_EQ(reg::PRIQ_CONS, 0x100ccu);
}

TEST(Registers, Fields) {
  EXPECT_EQ(reg::CR0_SMMUEN | reg::CR0_PRIQEN | reg::CR0_EVENTQEN | reg::CR0_CMDQEN |
                reg::CR0_ATSCHK,
            0x1fu);
  EXPECT_EQ(reg::CR0_CMDQEN, 1u << 3);
  EXPECT_EQ(reg::CR2_RECINVSID, 1u << 1);
  EXPECT_EQ(reg::GBPA_ABORT, 1u << 20);
  EXPECT_EQ(reg::GBPA_UPDATE, 1u << 31);
  EXPECT_EQ(reg::IRQ_CTRL_GERROR_IRQEN | reg::IRQ_CTRL_PRIQ_IRQEN | reg::IRQ_CTRL_EVTQ_IRQEN,
            0x7u);
  EXPECT_EQ(reg::IRQ_CTRL_EVTQ_IRQEN, 1u << 2);
  // Linux GERROR_ERR_MASK = 0x1fd: every error bit except the reserved bit 1.
  EXPECT_EQ(reg::GERROR_CMDQ_ERR | reg::GERROR_EVTQ_ABT_ERR | reg::GERROR_PRIQ_ABT_ERR |
                reg::GERROR_MSI_CMDQ_ABT_ERR | reg::GERROR_MSI_EVTQ_ABT_ERR |
                reg::GERROR_MSI_PRIQ_ABT_ERR | reg::GERROR_MSI_GERROR_ABT_ERR |
                reg::GERROR_SFM_ERR,
            0x1fdu);
  EXPECT_EQ(reg::STRTAB_BASE_ADDR_MASK, 0x000fffffffffffc0ull);  // GENMASK_ULL(51, 6)
  EXPECT_EQ(reg::STRTAB_BASE_RA, 1ull << 62);
  EXPECT_EQ(reg::Q_BASE_ADDR_MASK, 0x000fffffffffffe0ull);       // GENMASK_ULL(51, 5)
  EXPECT_EQ(reg::Q_BASE_LOG2SIZE_MASK, 0x1fu);
  EXPECT_EQ(reg::STRTAB_CFG_SPLIT_SHIFT, 6u);
  EXPECT_EQ(reg::STRTAB_CFG_FMT_SHIFT, 16u);
  EXPECT_EQ(reg::STRTAB_FMT_2LVL, 1u);
  EXPECT_EQ(reg::CMDQ_CONS_ERR_MASK, 0x7f000000u);  // GENMASK(30, 24)
  EXPECT_EQ(reg::CMDQ_CONS_ERR_MASK >> reg::CMDQ_CONS_ERR_SHIFT, 0x7fu);
  EXPECT_EQ(reg::CERROR_ILL, 1u);
  EXPECT_EQ(reg::CERROR_ABT, 2u);
  EXPECT_EQ(reg::CERROR_ATC_INV_SYNC, 3u);
  EXPECT_EQ(reg::Q_OVERFLOW_FLAG, 0x80000000u);
}

}  // namespace
}  // namespace smmu
