// A register frame that stands in for an SMMU in the host-driver tests: it stores registers,
// acknowledges CR0 into CR0ACK (and IRQ_CTRL, GBPA.UPDATE), and consumes the command queue on a
// CMDQ_PROD write: it copies commands from memory, records them decoded and raw, performs
// CMD_SYNC MSI writes (CS = SIG_IRQ with an MSI address, as the architecture defines) and
// advances CONS. It can refuse opcodes (CERROR_ILL, stopping at the command and toggling
// GERROR.CMDQ_ERR until GERRORN acknowledges), consume only while the driver polls, and put
// event records into the event queue (with the overflow flag when it is full).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "arch/Command.h"
#include "arch/Event.h"
#include "arch/Features.h"
#include "arch/QueueIndex.h"
#include "arch/Registers.h"
#include "host/RegisterAccessIf.h"
#include "mem/PhysMem.h"

namespace smmu::test {

class FakeSmmuRegs : public RegisterAccessIf {
 public:
  explicit FakeSmmuRegs(PhysMemIf& mem, const SmmuFeatures& f = SmmuFeatures{})
      : mem_(mem), idr_(f.toIdr()) {}

  // --- knobs
  bool consumeOnProdWrite = true;      // false: commands are consumed only in pollDelay()
  unsigned consumePerPoll = 1;         // commands consumed per pollDelay() when deferred
  std::set<uint8_t> illegalOpcodes;    // answered with CERROR_ILL (unknown opcodes always are)
  std::function<void(const Command&)> onCommand;  // called as each command is consumed

  // --- what happened
  std::vector<Command> commands;          // consumed commands, in order
  std::vector<Command::Words> rawCommands;
  std::vector<std::pair<uint32_t, uint64_t>> writeLog;  // (offset, value) of every write
  uint64_t polls = 0;

  uint32_t cmdqProd() const { return cmdqProd_; }
  uint32_t cmdqCons() const { return cmdqCons_; }
  uint32_t gerror() const { return gerror_; }
  uint32_t gerrorn() const { return gerrorn_; }
  uint32_t evtqProd() const { return evtqProd_; }
  uint32_t evtqCons() const { return evtqCons_; }
  uint32_t reg32(uint32_t off) const {
    auto it = r32_.find(off);
    return it == r32_.end() ? 0 : it->second;
  }
  uint64_t reg64(uint32_t off) const {
    auto it = r64_.find(off);
    return it == r64_.end() ? 0 : it->second;
  }
  std::vector<uint64_t> writesTo(uint32_t off) const {
    std::vector<uint64_t> v;
    for (const auto& w : writeLog)
      if (w.first == off) v.push_back(w.second);
    return v;
  }

  // Writes an event record at EVENTQ PROD like an SMMU; when the queue is full the record is
  // lost and PROD.OVFLG toggled (once, until software acknowledges). Returns true if written.
  bool pushEvent(const EventRecord& r) {
    const QueueIndex q{unsigned(reg64(reg::EVENTQ_BASE) & reg::Q_BASE_LOG2SIZE_MASK)};
    if (q.full(evtqProd_, evtqCons_)) {
      if (((evtqProd_ ^ evtqCons_) & reg::Q_OVERFLOW_FLAG) == 0)
        evtqProd_ ^= reg::Q_OVERFLOW_FLAG;
      return false;
    }
    const EventRecord::Words w = r.encode();
    const PhysAddr at = (reg64(reg::EVENTQ_BASE) & reg::Q_BASE_ADDR_MASK) +
                        PhysAddr(q.index(evtqProd_)) * 32;
    mem_.write(at, w.data(), 32);
    evtqProd_ = q.next(evtqProd_);
    return true;
  }

  // --- RegisterAccessIf
  uint32_t read32(uint32_t off) override {
    switch (off) {
      case reg::IDR0: return idr_.idr0;
      case reg::IDR1: return idr_.idr1;
      case reg::IDR2: return idr_.idr2;
      case reg::IDR3: return idr_.idr3;
      case reg::IDR4: return idr_.idr4;
      case reg::IDR5: return idr_.idr5;
      case reg::CMDQ_PROD: return cmdqProd_;
      case reg::CMDQ_CONS: return cmdqCons_ | (cmdqErr_ << reg::CMDQ_CONS_ERR_SHIFT);
      case reg::GERROR: return gerror_;
      case reg::GERRORN: return gerrorn_;
      case reg::EVENTQ_PROD: return evtqProd_;
      case reg::EVENTQ_CONS: return evtqCons_;
      default: return reg32(off);
    }
  }

  void write32(uint32_t off, uint32_t v) override {
    writeLog.emplace_back(off, v);
    r32_[off] = v;
    switch (off) {
      case reg::CR0: r32_[reg::CR0ACK] = v; break;
      case reg::IRQ_CTRL: r32_[reg::IRQ_CTRLACK] = v; break;
      case reg::GBPA: r32_[reg::GBPA] = v & ~reg::GBPA_UPDATE; break;
      case reg::CMDQ_PROD:
        cmdqProd_ = v;
        if (consumeOnProdWrite) consume(~0u);
        break;
      case reg::CMDQ_CONS:
        cmdqCons_ = v & 0x000fffffu;
        cmdqErr_ = (v & reg::CMDQ_CONS_ERR_MASK) >> reg::CMDQ_CONS_ERR_SHIFT;
        break;
      case reg::GERRORN:
        gerrorn_ = v;
        if (consumeOnProdWrite) consume(~0u);
        break;
      case reg::EVENTQ_PROD: evtqProd_ = v; break;
      case reg::EVENTQ_CONS: evtqCons_ = v; break;
      default: break;
    }
  }

  uint64_t read64(uint32_t off) override { return reg64(off); }
  void write64(uint32_t off, uint64_t v) override {
    writeLog.emplace_back(off, v);
    r64_[off] = v;
  }

  void pollDelay() override {
    ++polls;
    if (!consumeOnProdWrite) consume(consumePerPoll);
  }

  // Consumes up to max commands (stops at an error or an empty queue).
  void consume(unsigned max) {
    if (!(reg32(reg::CR0) & reg::CR0_CMDQEN)) return;
    const uint64_t base = reg64(reg::CMDQ_BASE);
    const QueueIndex q{unsigned(base & reg::Q_BASE_LOG2SIZE_MASK)};
    for (unsigned n = 0; n < max; ++n) {
      if ((gerror_ ^ gerrorn_) & reg::GERROR_CMDQ_ERR) return;  // stopped until acknowledged
      if (q.empty(cmdqProd_, cmdqCons_)) return;
      Command::Words w{};
      mem_.read((base & reg::Q_BASE_ADDR_MASK) + PhysAddr(q.index(cmdqCons_)) * 16, w.data(), 16);
      const Command c = Command::decode(w);
      if (!isKnownOpcode(c.opcode) || illegalOpcodes.count(c.opcode)) {
        cmdqErr_ = reg::CERROR_ILL;  // CONS stays on the offending command
        gerror_ ^= reg::GERROR_CMDQ_ERR;
        return;
      }
      commands.push_back(c);
      rawCommands.push_back(w);
      if (onCommand) onCommand(c);
      if (c.opcode == op::CMD_SYNC && c.cs == sync::CS_IRQ && c.msiAddr != 0)
        mem_.write32(c.msiAddr, c.msiData);
      cmdqErr_ = reg::CERROR_NONE;
      cmdqCons_ = q.next(cmdqCons_);
    }
  }

 private:
  PhysMemIf& mem_;
  SmmuFeatures::Idr idr_;
  std::map<uint32_t, uint32_t> r32_;
  std::map<uint32_t, uint64_t> r64_;
  uint32_t cmdqProd_ = 0, cmdqCons_ = 0, cmdqErr_ = 0;
  uint32_t gerror_ = 0, gerrorn_ = 0;
  uint32_t evtqProd_ = 0, evtqCons_ = 0;
};

}  // namespace smmu::test
