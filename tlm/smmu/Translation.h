// One translation as an object: what was asked, where it stands, what it holds and its result
// so far. A translation that cannot finish when it arrives is parked, with the reason, holding
// its TBU translation slot; SmmuCore::resume() takes it on when the reason is resolved. Walker
// arbitration parks a miss until a walker is granted (or another walk's fill covers it); stall,
// PRI and ATS will park translations through the same object.
#pragma once
#include <cstdint>

#include "arch/Types.h"
#include "mem/ResourcePool.h"
#include "smmu/TranslationTypes.h"

namespace smmu {

struct Translation {
  enum class State : uint8_t { New, Parked, Done };
  // Why it is parked.
  enum class Wait : uint8_t {
    None,
    Walker,  // a main-TLB miss at its walker request, waiting for a walker to be granted
  };
  // What resumes it.
  enum class Resume : uint8_t {
    FillArrived,     // the main TLB may hold its page now (another walk filled it)
    WalkerGranted,   // a walker was granted to it
  };

  TranslationRequest req;  // as translated (SSID cleared without a substream)
  Tick arrival = 0;
  State state = State::New;
  Wait wait = Wait::None;
  TranslationResult result;  // Parked: up to the park (latency from arrival); Done: final
  ResourcePool::Grant slot;  // its TBU translation slot, held while parked

  bool parked() const { return state == State::Parked; }
  bool done() const { return state == State::Done; }
  Tick parkedAt() const { return arrival + result.latency; }  // (Parked)
};

}  // namespace smmu
