// Replacement policies of the set-associative caches (TLB, configuration cache), and the
// geometry check and statistics those caches share.
//
// One policy object holds the state of every set of one cache in flat arrays (no per-access
// allocation). The cache tells it what happens to a way: fill (a new entry was written), touch
// (an entry hit), invalidate (an entry was removed); it asks for a victim only when every way of
// the set is valid (the cache fills an invalid way first).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smmu {

class ReplacementPolicy {
 public:
  ReplacementPolicy(unsigned sets, unsigned ways);
  virtual ~ReplacementPolicy() = default;

  virtual const char* name() const = 0;
  // An access hit `way` of `set`.
  virtual void touch(unsigned set, unsigned way) = 0;
  // A new entry was written into `way` of `set` (default: the same as a hit).
  virtual void fill(unsigned set, unsigned way) { touch(set, way); }
  // The way to replace in a full set.
  virtual unsigned victim(unsigned set) = 0;
  // The entry in `way` was removed: the way becomes the preferred victim where the policy has
  // an order.
  virtual void invalidate(unsigned set, unsigned way) = 0;
  // Back to the state right after construction (every set empty; Random: the seed again).
  virtual void reset() = 0;
  // True when touch(set, way) right after touch(set, way) (no other call in between) leaves the
  // state as the first touch left it. A cache may then skip the repeated touch of its last hit
  // (SetAssocTlb's last-hit memo). Default false: a policy that counts hits must not claim it.
  virtual bool repeatedTouchIsNoOp() const { return false; }

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }

 protected:
  unsigned sets_;
  unsigned ways_;
};

// True LRU: per set a doubly linked recency list in flat index arrays; O(1) per operation.
class LruPolicy : public ReplacementPolicy {
 public:
  LruPolicy(unsigned sets, unsigned ways);
  const char* name() const override { return "lru"; }
  void touch(unsigned set, unsigned way) override { moveToHead(set, way); }
  unsigned victim(unsigned set) override { return tail_[set]; }
  void invalidate(unsigned set, unsigned way) override { moveToTail(set, way); }
  void reset() override;
  bool repeatedTouchIsNoOp() const override { return true; }  // the way is the head already

 protected:
  void unlink(unsigned set, unsigned way);
  void moveToHead(unsigned set, unsigned way);  // most recent / newest
  void moveToTail(unsigned set, unsigned way);  // next victim

  static constexpr uint32_t kNil = 0xffffffffu;
  std::vector<uint32_t> prev_, next_;  // [set * ways + way], way numbers within the set
  std::vector<uint32_t> head_, tail_;  // [set]
};

// FIFO: the victim is the way filled longest ago; hits do not change the order.
class FifoPolicy : public LruPolicy {
 public:
  using LruPolicy::LruPolicy;
  const char* name() const override { return "fifo"; }
  void touch(unsigned, unsigned) override {}
  void fill(unsigned set, unsigned way) override { moveToHead(set, way); }
};

// Tree pseudo-LRU (ways a power of two): ways-1 node bits per set; each bit points to the half
// that holds the victim (0 = lower half, 1 = upper half). An access points every node on its path
// away from the accessed way; an invalidation points them towards it.
class PlruPolicy : public ReplacementPolicy {
 public:
  PlruPolicy(unsigned sets, unsigned ways);
  const char* name() const override { return "plru"; }
  void touch(unsigned set, unsigned way) override { point(set, way, true); }
  unsigned victim(unsigned set) override;
  void invalidate(unsigned set, unsigned way) override { point(set, way, false); }
  void reset() override;
  // A touch sets the bits on the way's path to values that depend on the way only.
  bool repeatedTouchIsNoOp() const override { return true; }

 private:
  void point(unsigned set, unsigned way, bool away);
  unsigned levels_;            // log2(ways)
  std::vector<uint8_t> bits_;  // [set * (ways - 1) + node], heap order (root 0, children 2n+1/2n+2)
};

// Random: a victim drawn from a seeded splitmix64 stream (deterministic for a given seed and
// sequence of calls; independent of the standard library's distributions).
class RandomPolicy : public ReplacementPolicy {
 public:
  RandomPolicy(unsigned sets, unsigned ways, uint64_t seed);
  const char* name() const override { return "random"; }
  void touch(unsigned, unsigned) override {}
  unsigned victim(unsigned set) override;
  void invalidate(unsigned, unsigned) override {}
  void reset() override { state_ = seed_; }
  bool repeatedTouchIsNoOp() const override { return true; }  // touch does nothing

 private:
  uint64_t next();
  uint64_t seed_;
  uint64_t state_;
};

// "lru", "plru", "fifo", "random". Throws std::invalid_argument for an unknown name (the message
// names it and lists the valid ones), for zero sets/ways, and for "plru" with ways not a power of
// two.
std::unique_ptr<ReplacementPolicy> makeReplacementPolicy(std::string_view name, unsigned sets,
                                                         unsigned ways, uint64_t seed = 0);
// The names makeReplacementPolicy accepts.
const std::vector<std::string>& replacementPolicyNames();

// Geometry of a set-associative cache: `entries` entries in `ways` ways (0 = fully
// associative). Throws std::invalid_argument (message prefixed with `what`) unless entries > 0,
// entries is a multiple of ways and entries / ways is a power of two.
struct CacheGeometry {
  unsigned sets;
  unsigned ways;
  static CacheGeometry make(const char* what, unsigned entries, unsigned ways);
};

// Counters kept by the set-associative caches.
struct CacheStats {
  uint64_t lookups = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t fills = 0;        // inserts (including in-place updates of a present key)
  uint64_t evictions = 0;    // valid entries replaced by an insert
  uint64_t invalidated = 0;  // entries removed by the invalidation functions
};

}  // namespace smmu
