#include "tbu/DtiLink.h"

#include <algorithm>
#include <cmath>

namespace smmu {

void LinkChannel::configure(double latencyNs, double bytesPerNs) {
  latencyPs_ = Tick(std::llround(latencyNs * 1000.0));
  // One flit per slot: kFlitBytes at bytesPerNs (rounded to the picosecond, at least 1 ps).
  Tick slot = 0;
  if (bytesPerNs > 0) slot = std::max<Tick>(1, Tick(std::llround(dti::kFlitBytes * 1000.0 / bytesPerNs)));
  flits_.configure(slot ? 1 : 0, slot);
}

}  // namespace smmu
