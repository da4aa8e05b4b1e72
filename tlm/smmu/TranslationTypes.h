// What a translation asks (TranslationRequest) and what it gives (TranslationResult), and where
// it was served (ServedBy): the vocabulary of SmmuCore, Translation and the SystemC wrapper.
#pragma once
#include <cstdint>
#include <string_view>

#include "arch/Event.h"
#include "arch/Types.h"

namespace smmu {

struct TranslationRequest {
  uint32_t port = 0;  // the TBU port (device) it came through: selects the micro TLB
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;
  uint64_t iova = 0;
  AccessAttrs acc;
  uint8_t qos = 0;  // priority (AxQOS-like, 0..15): walker arbitration by qos
};

// Where a translation was served: the port's micro TLB, the main TLB, a main-TLB entry whose
// fill was still in flight (coalesced onto another walk), a walk, bypass, or it ended.
enum class ServedBy : uint8_t { Utlb, Tlb, Coalesced, Walk, Bypass, Fault, Abort };
inline constexpr unsigned kServedByCount = 7;  // (an array indexed by ServedBy)
std::string_view servedByName(ServedBy s);  // "utlb", "tlb", "coalesced", "walk", ...
inline bool servedByCache(ServedBy s) {
  return s == ServedBy::Utlb || s == ServedBy::Tlb || s == ServedBy::Coalesced;
}

struct TranslationResult {
  Outcome outcome = Outcome::Ok;
  EventId event = EventId::None;  // the fault, also when recording is suppressed
  bool eventRecorded = false;     // a record was written to the event queue
  PhysAddr pa = 0;
  // The translation's effective data permission after every stage (Arm ARM D8.4.3: the more
  // restrictive of the stages): stage 1 always allows a read (every AP[2:1] encoding grants at
  // least PrivRead) and a write unless AP[2] (or APTable[1]); stage 2 as S2AP says (00 none,
  // 01 read, 10 write, 11 both, D8-76). Bypass: both. Independent of the access's privilege.
  // Only an instruction fetch (STE.INSTCFG) can succeed with neither (an execute-only mapping).
  bool writable = false;
  bool readable = false;
  uint8_t level = 0;              // leaf level (0 for bypass)
  ServedBy servedBy = ServedBy::Tlb;
  unsigned walkReads = 0;         // memory reads this translation made (config + table walk)
  Tick latency = 0;               // translation latency, without the data access
};

}  // namespace smmu
