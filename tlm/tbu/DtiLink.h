// The link between a TBU and its TCU (Arm's DTI), one direction per LinkChannel: a message
// takes one flit of dti::kFlitBytes (the 160-bit DTI payload carries a TRANS_REQ, TRANS_RESP or
// INV message whole; SYNC and the acknowledgements are smaller but take a flit too), waits for
// a free flit slot at the link's bandwidth (0 = unlimited) and arrives `latency` after it is
// sent. Requests and acknowledgements go up (TBU -> TCU); responses, invalidations and syncs
// come down.
#pragma once
#include <cstdint>

#include "arch/Types.h"
#include "mem/SlotCalendar.h"

namespace smmu {

namespace dti {
inline constexpr unsigned kFlitBytes = 20;  // one 160-bit link beat carries one message
}  // namespace dti

// One direction of the link.
class LinkChannel {
 public:
  void configure(double latencyNs, double bytesPerNs);
  // A message offered at `t`: its arrival at the other end. `wait` gains the time it waited
  // for a flit slot.
  Tick send(Tick t, Tick& wait) {
    Tick start = t;
    if (flits_.limited()) {
      start = flits_.reserve(t);
      wait += start - t;
      start += flits_.slot();
    }
    return start + latencyPs_;
  }
  Tick latency() const { return latencyPs_; }
  bool instant() const { return latencyPs_ == 0 && !flits_.limited(); }

 private:
  Tick latencyPs_ = 0;
  SlotCalendar flits_;
};

}  // namespace smmu
