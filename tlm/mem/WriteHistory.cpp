#include "mem/WriteHistory.h"

#include <algorithm>

namespace smmu {

uint64_t WriteHistory::compose(const Word& w, Tick upTo, bool all) {
  uint64_t v = w.base;
  for (const Version& x : w.versions) {
    if (!all && x.at > upTo) break;
    v = (v & ~x.mask) | (x.value & x.mask);
  }
  return v;
}

uint64_t WriteHistory::write(uint64_t word, uint64_t stored, uint64_t value, uint64_t mask,
                             Tick at) {
  if (auto r = reads_.find(word >> 6); r != reads_.end() && r->second > at) ++late_;
  if (words_.empty()) lo_ = hi_ = word;
  lo_ = std::min(lo_, word);
  hi_ = std::max(hi_, word);
  auto [it, fresh] = words_.try_emplace(word);
  Word& w = it->second;
  if (fresh) w.base = stored;
  // After every version at or before `at`: equal times keep the order they were performed in.
  auto pos = std::upper_bound(w.versions.begin(), w.versions.end(), at,
                              [](Tick t, const Version& x) { return t < x.at; });
  w.versions.insert(pos, Version{at, value, mask});
  versionsByTime_.emplace(at, word);
  return compose(w, 0, true);
}

void WriteHistory::forgetRange(uint64_t pa, uint64_t len) {
  if (words_.empty() || len == 0) return;
  const uint64_t first = pa & ~uint64_t(7), last = (pa + len - 1) & ~uint64_t(7);
  if (last < lo_ || first > hi_) return;  // (zeroing a device buffer away from the tables)
  if ((last - first) / 8 + 1 <= words_.size()) {
    for (uint64_t w = first;; w += 8) {
      words_.erase(w);
      if (w == last) break;
    }
    return;
  }
  for (auto it = words_.begin(); it != words_.end();)
    it = it->first >= first && it->first <= last ? words_.erase(it) : std::next(it);
}

void WriteHistory::fold(Tick horizon) {
  // A version at or before the horizon is seen by every read still to come: into the base.
  while (!versionsByTime_.empty() && versionsByTime_.top().first <= horizon) {
    const uint64_t word = versionsByTime_.top().second;
    versionsByTime_.pop();
    const auto it = words_.find(word);
    if (it == words_.end()) continue;  // (forgotten, or folded already)
    Word& w = it->second;
    size_t n = 0;
    while (n < w.versions.size() && w.versions[n].at <= horizon) ++n;
    if (n) {
      Word head{w.base, {w.versions.begin(), w.versions.begin() + long(n)}};
      w.base = compose(head, 0, true);
      w.versions.erase(w.versions.begin(), w.versions.begin() + long(n));
    }
    if (w.versions.empty()) words_.erase(it);
  }
  // A read at or before the horizon cannot be overtaken by a write any more (none arrives
  // earlier than the horizon): dropped, in a sweep once there are many.
  // (Amortised: the next sweep waits until the map has doubled, so that reads still ahead of
  // the horizon, which stay, do not make every fold scan them again.)
  if (reads_.size() >= nextSweep_) {
    for (auto it = reads_.begin(); it != reads_.end();)
      it = it->second <= horizon ? reads_.erase(it) : std::next(it);
    nextSweep_ = std::max(kReadSweep, 2 * reads_.size());
  }
}

}  // namespace smmu
