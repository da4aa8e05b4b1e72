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
  if (reads_.size() >= kReadSweep) {
    for (auto it = reads_.begin(); it != reads_.end();)
      it = it->second <= horizon ? reads_.erase(it) : std::next(it);
  }
}

}  // namespace smmu
