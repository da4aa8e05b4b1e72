// The command queue as the TCU consumes it (IHI 0070 3.5, 4): the registers SMMU_CMDQ_BASE,
// SMMU_CMDQ_PROD and SMMU_CMDQ_CONS (with CONS.ERR), and the reading of the command at CONS.
// What a command does is the TCU's (SmmuCore::executeCommand); when the queue may be consumed
// (CR0.CMDQEN, no unacknowledged GERROR.CMDQ_ERR) is decided by the register frame.
#pragma once
#include <algorithm>
#include <cstdint>

#include "arch/Command.h"
#include "arch/QueueIndex.h"
#include "arch/Registers.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

class CommandQueue {
 public:
  // maxLog2Size: SMMU_IDR1.CMDQS, the largest queue the SMMU supports; a larger
  // CMDQ_BASE.LOG2SIZE is treated as that (IHI 0070 6.3.26).
  explicit CommandQueue(unsigned maxLog2Size) : maxLog2_(maxLog2Size) {}

  // Registers. PROD and CONS keep 20 bits (the largest queue's index and wrap bit).
  uint64_t base = 0;  // SMMU_CMDQ_BASE
  uint32_t prod() const { return prod_; }
  void writeProd(uint32_t v) { prod_ = v & kPtrMask; }
  // SMMU_CMDQ_CONS: RD pointer, ERR in bits [30:24].
  uint32_t cons() const { return cons_ | (err_ << reg::CMDQ_CONS_ERR_SHIFT); }
  // Software may set CONS (and clear ERR) while the queue is off.
  void writeCons(uint32_t v) {
    cons_ = v & kPtrMask;
    err_ = (v & reg::CMDQ_CONS_ERR_MASK) >> reg::CMDQ_CONS_ERR_SHIFT;
  }

  bool empty() const { return index().empty(prod_, cons_); }
  // Reads the 16-byte command at CONS (its memory time added to *lat).
  MemStatus readHead(PhysMemIf& mem, Command& out, Tick* lat) const {
    Command::Words w{};
    const PhysAddr at = (base & reg::Q_BASE_ADDR_MASK) + PhysAddr(index().index(cons_)) * 16;
    const MemStatus s = mem.read(at, w.data(), 16, lat);
    if (s == MemStatus::Ok) out = Command::decode(w);
    return s;
  }
  // The command at CONS was executed: CONS moves past it and ERR reads CERROR_NONE.
  void consumed() {
    err_ = reg::CERROR_NONE;
    cons_ = index().next(cons_);
  }
  // The command at CONS could not be executed: CONS stays on it, ERR says why (4.1.1).
  void stop(uint32_t cerror) { err_ = cerror; }

 private:
  static constexpr uint32_t kPtrMask = 0x000fffffu;
  QueueIndex index() const {
    return QueueIndex{std::min<unsigned>(base & reg::Q_BASE_LOG2SIZE_MASK, maxLog2_)};
  }
  unsigned maxLog2_;
  uint32_t prod_ = 0, cons_ = 0, err_ = 0;
};

}  // namespace smmu
