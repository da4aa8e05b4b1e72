// RegisterAccessIf straight onto an SmmuCore, without a SystemC kernel: the command queue is
// consumed synchronously on each CMDQ_PROD write. Used by unit tests and `smmusim replay`.
#pragma once
#include "arch/Registers.h"
#include "host/RegisterAccessIf.h"
#include "smmu/SmmuCore.h"

namespace smmu {

class DirectRegisterAccess : public RegisterAccessIf {
 public:
  explicit DirectRegisterAccess(SmmuCore& core) : core_(core) {}
  uint32_t read32(uint32_t off) override { return uint32_t(core_.readReg(off, 4)); }
  void write32(uint32_t off, uint32_t v) override {
    core_.writeReg(off, v, 4);
    kick(off);
  }
  uint64_t read64(uint32_t off) override { return core_.readReg(off, 8); }
  void write64(uint32_t off, uint64_t v) override {
    core_.writeReg(off, v, 8);
    kick(off);
  }
  void pollDelay() override {}
  Tick commandTime() const { return commandTime_; }

 private:
  void kick(uint32_t off) {
    if (off == reg::CMDQ_PROD || off == reg::CR0 || off == reg::GERRORN)
      while (core_.commandsPending()) commandTime_ += core_.processCommands();
  }
  SmmuCore& core_;
  Tick commandTime_ = 0;
};

}  // namespace smmu
