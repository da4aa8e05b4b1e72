#include "cache/InflightWalkTable.h"

namespace smmu {

void InflightWalkTable::resize(unsigned capacity) {
  records_.assign(capacity, Record{});
  next_ = 0;
  cur_ = nullptr;
}

void InflightWalkTable::begin(uint64_t ctx, Tick now) {
  ctx_ = ctx;
  now_ = now;
  cur_ = nullptr;
  if (records_.empty()) return;
  // The oldest record gives way (with a record per walker slot, it is a walk that has ended).
  cur_ = &records_[next_];
  next_ = (next_ + 1) % records_.size();
  *cur_ = Record{};
  cur_->ctx = ctx;
  cur_->endAt = ~Tick(0);  // in flight until end()
}

void InflightWalkTable::end(Tick doneAt) {
  if (cur_) cur_->endAt = doneAt;
  cur_ = nullptr;
}

bool InflightWalkTable::lookup(uint64_t va, unsigned range, const WalkGeometry& geo,
                               WalkStep& step) {
  bool found = inner_ && inner_->lookup(va, range, geo, step);
  if (cur_) {
    cur_->va = va;
    cur_->range = range;
    cur_->granuleShift = geo.granuleShift;
    cur_->inputBits = geo.inputBits;
  }
  bool joined = false;
  for (const Record& r : records_) {
    if (!r.stepMask || &r == cur_ || r.endAt <= now_ || r.ctx != ctx_ || r.range != range ||
        r.granuleShift != geo.granuleShift || r.inputBits != geo.inputBits)
      continue;
    // The deepest table of that walk this address shares: the step after level l is shared by
    // the addresses equal above levelShift(l).
    for (int l = 2; l >= 0; --l) {
      if (!(r.stepMask & (1u << l))) continue;
      const unsigned shift = geo.levelShift(l);
      if (shift < 64 && ((va ^ r.va) >> shift) != 0) continue;
      const WalkStep& s = r.steps[l];
      if (!found || s.level > step.level || (s.level == step.level && s.readyAt < step.readyAt)) {
        step = s;
        found = true;
        joined = true;
      }
      break;
    }
  }
  if (joined) ++joins_;
  return found;
}

void InflightWalkTable::fill(uint64_t va, unsigned range, const WalkGeometry& geo,
                             const WalkStep& step) {
  if (inner_) inner_->fill(va, range, geo, step);
  const int l = step.level - 1;
  if (!cur_ || l < 0 || l > 2) return;
  cur_->steps[l] = step;
  cur_->stepMask = uint8_t(cur_->stepMask | (1u << l));
}

}  // namespace smmu
