// A queue the SMMU writes and software reads (IHI 0070 3.5): the event queue (32-byte records)
// and, with PRI, the PRI queue (16-byte page requests). Its registers (BASE, PROD with the
// overflow flag, CONS with the overflow acknowledge, IRQ_CFG0..2) and the writing of one record
// at PROD. Whether the queue is enabled (CR0.EVENTQEN / PRIQEN) is the register frame's.
#pragma once
#include <algorithm>
#include <cstdint>

#include "arch/QueueIndex.h"
#include "arch/Registers.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"

namespace smmu {

class EventQueue {
 public:
  // maxLog2Size: SMMU_IDR1.EVENTQS (PRIQS); a larger BASE.LOG2SIZE is used as that (IHI 0070
  // 6.3.29, 6.3.33).
  EventQueue(unsigned entryBytes, unsigned maxLog2Size)
      : entryBytes_(entryBytes), maxLog2_(maxLog2Size) {}

  // Registers, as software reads and writes them (PROD is written by software only to restore
  // state; the SMMU owns it).
  uint64_t base = 0;
  uint32_t prod = 0, cons = 0;
  uint64_t irqCfg0 = 0;
  uint32_t irqCfg1 = 0, irqCfg2 = 0;

  enum class Outcome : uint8_t { Written, Overflow, Abort };
  // Writes one record (entryBytes) at PROD and advances PROD. A full queue loses the record and
  // toggles PROD.OVFLG to differ from CONS.OVACKFLG, unless an earlier overflow is still
  // unacknowledged (IHI 0070 7.4). Abort: the write failed (the caller raises the GERROR and
  // disables the queue); PROD is unchanged.
  Outcome write(PhysMemIf& mem, const void* record, Tick* lat) {
    const QueueIndex q{std::min<unsigned>(base & reg::Q_BASE_LOG2SIZE_MASK, maxLog2_)};
    if (q.full(prod, cons)) {
      if (((prod ^ cons) & reg::Q_OVERFLOW_FLAG) == 0) prod ^= reg::Q_OVERFLOW_FLAG;
      return Outcome::Overflow;
    }
    const PhysAddr at = (base & reg::Q_BASE_ADDR_MASK) + PhysAddr(q.index(prod)) * entryBytes_;
    if (mem.write(at, record, entryBytes_, lat) != MemStatus::Ok) return Outcome::Abort;
    prod = q.next(prod);
    return Outcome::Written;
  }

 private:
  unsigned entryBytes_;
  unsigned maxLog2_;
};

}  // namespace smmu
