// Time order for a memory whose accesses are performed before their simulated time (walks are
// computed when a miss arrives, the host runs ahead of the kernel): the recent writes of each
// aligned 8-byte word, kept by their arrival time, so that a read arriving at t sees exactly the
// writes that arrived at or before t (ties: the write is seen), whatever order the accesses were
// performed in. A write performed after a read of its 64-byte line that arrives later than it
// cannot correct that read (it was answered already): it is counted as late (lateWrites: an
// upper bound, by line, of the reads that missed a write), and the reads made after it see it.
//
// Storage (the pages) keeps the word's latest value in time: untimed readers (DMI, peek, tests)
// see the final state. History older than the horizon (the kernel's time: nothing arrives
// earlier any more) is folded away, so the history holds only the writes in flight.
#pragma once
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <utility>
#include <vector>

#include "arch/Types.h"

namespace smmu {

class WriteHistory {
 public:
  bool empty() const { return words_.empty() && reads_.empty(); }
  bool hasVersions() const { return !words_.empty(); }
  // A write of the bytes `mask` selects (0xff per byte) of `value` to the word at `word`
  // (8-byte aligned) arriving at `at`; `stored`: the word as storage holds it now. Returns what
  // storage must hold afterwards (the value after every write in time).
  uint64_t write(uint64_t word, uint64_t stored, uint64_t value, uint64_t mask, Tick at);
  // A read of [pa, pa + len) arrives at `at` (for lateWrites).
  void noteRead(uint64_t pa, uint64_t len, Tick at) {
    for (uint64_t line = pa >> 6, last = (pa + len - 1) >> 6; line <= last; ++line) {
      Tick& t = reads_[line];
      if (t < at) t = at;
    }
  }
  // The word as a read arriving at `at` sees it, given what storage holds (`stored`).
  uint64_t valueAt(uint64_t word, uint64_t stored, Tick at) const {
    const auto it = words_.find(word);
    return it == words_.end() ? stored : compose(it->second, at, false);
  }
  // An untimed write replaced the word: its history ends (the new value is final).
  void forget(uint64_t word) { words_.erase(word); }
  // The same for every word of [pa, pa + len): by word for a short range, over the history for
  // a long one (zeroing gigabytes must not cost per word: the history holds only the writes in
  // flight).
  void forgetRange(uint64_t pa, uint64_t len);
  // Nothing arrives before `horizon` any more: fold what is older.
  void fold(Tick horizon);

  uint64_t lateWrites() const { return late_; }
  size_t wordsWithHistory() const { return words_.size(); }

 private:
  struct Version {
    Tick at;
    uint64_t value;
    uint64_t mask;
  };
  struct Word {
    uint64_t base = 0;              // the value before the first version
    std::vector<Version> versions;  // by arrival; equal times in the order performed
  };
  static uint64_t compose(const Word& w, Tick upTo, bool all);
  static constexpr size_t kReadSweep = 1u << 14;
  std::unordered_map<uint64_t, Word> words_;
  std::unordered_map<uint64_t, Tick> reads_;  // per 64-byte line: its latest read's arrival
  // (time, word) of every version, oldest first: what fold() visits.
  using Stamp = std::pair<Tick, uint64_t>;
  std::priority_queue<Stamp, std::vector<Stamp>, std::greater<Stamp>> versionsByTime_;
  uint64_t late_ = 0;
  size_t nextSweep_ = kReadSweep;
  uint64_t lo_ = 0, hi_ = 0;  // bounds of the words with history (since it was last empty)
};

}  // namespace smmu
