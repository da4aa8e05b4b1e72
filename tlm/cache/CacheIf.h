// The interface of every cache of the model (micro and main TLBs, config cache, walk caches,
// IPA cache), split-phase so that a multi-cycle implementation — a Verilated RTL TLB behind a
// transactor — can stand in for the TLM one.
//
// A request (a lookup, a fill or an invalidation) is accepted at once and answered when the
// implementation has it: request() returns a ticket, poll() gives the answer once it is ready,
// tick() advances the implementation by one clock cycle. Answers are values (the entry found,
// the victim of a fill, the number of entries an invalidation removed), never pointers into
// the cache's storage. Requests are answered in the order they were made.
//
// call() is the synchronous convenience: request, tick until answered; the answer says how
// many cycles that took (0 for a TLM cache, which answers at once — its lookup latency is a
// timing knob of the model, not of the interface).
//
// Each cache instantiates it with its own types: Key (what a lookup gives), Entry (its typed
// entry: a tag apart from the outputs) and Invalidation (every scope the commands need).
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <variant>

namespace smmu {

using CacheTicket = uint64_t;

template <class Key, class Entry, class Invalidation>
class CacheIf {
 public:
  struct Lookup {
    Key key;
  };
  struct Fill {
    Entry entry;
  };
  using Request = std::variant<Lookup, Fill, Invalidation>;
  struct Answer {
    bool hit = false;        // Lookup: an entry was found (entry)
    Entry entry{};
    bool evicted = false;    // Fill: a valid entry was replaced (victim)
    Entry victim{};
    unsigned removed = 0;    // Invalidation: entries removed
    unsigned cycles = 0;     // call(): cycles from the request to the answer
  };

  virtual ~CacheIf() = default;

  virtual CacheTicket request(const Request& r) = 0;
  // The answer to ticket t once it is ready (then forgotten by the cache), else nullopt.
  virtual std::optional<Answer> poll(CacheTicket t) = 0;
  // One clock cycle of the implementation.
  virtual void tick() {}
  virtual unsigned capacity() const = 0;
  virtual unsigned occupancy() const = 0;

  // Synchronous convenience.
  virtual Answer call(const Request& r) {
    const CacheTicket t = request(r);
    unsigned cycles = 0;
    for (;;) {
      if (std::optional<Answer> a = poll(t)) {
        a->cycles = cycles;
        return *a;
      }
      tick();
      ++cycles;
    }
  }
  std::optional<Entry> lookup(const Key& k) {
    Answer a = call(Lookup{k});
    return a.hit ? std::optional<Entry>(std::move(a.entry)) : std::nullopt;
  }
  // True when a valid entry was evicted (copied to *victim when given).
  bool fill(const Entry& e, Entry* victim = nullptr) {
    Answer a = call(Fill{e});
    if (a.evicted && victim) *victim = a.victim;
    return a.evicted;
  }
  unsigned invalidate(const Invalidation& inv) { return call(inv).removed; }
};

// A cache that answers every request at once (the TLM caches), over its interface If (a
// CacheIf). Derived provides find(const Key&) -> const Entry* (nullptr: a miss), insert(const
// Entry&, Entry* victim) -> bool (evicted) and invalidate(const Invalidation&) -> unsigned;
// request/poll keep the answers of requests made through the split-phase calls until polled.
template <class If, class Derived>
class ImmediateCache : public If {
 public:
  using typename If::Answer;
  using typename If::Request;

  CacheTicket request(const Request& r) override {
    answers_.emplace_back(next_, perform(r));
    return next_++;
  }
  std::optional<Answer> poll(CacheTicket t) override {
    for (auto it = answers_.begin(); it != answers_.end(); ++it)
      if (it->first == t) {
        Answer a = std::move(it->second);
        answers_.erase(it);
        return a;
      }
    return std::nullopt;
  }
  Answer call(const Request& r) override { return perform(r); }

 private:
  Answer perform(const Request& r) {
    Derived& d = static_cast<Derived&>(*this);
    Answer a;
    if (const auto* l = std::get_if<typename If::Lookup>(&r)) {
      if (const auto* e = d.find(l->key)) {
        a.hit = true;
        a.entry = *e;
      }
    } else if (const auto* f = std::get_if<typename If::Fill>(&r)) {
      a.evicted = d.insert(f->entry, &a.victim);
    } else {
      a.removed = d.invalidate(std::get<2>(r));
    }
    return a;
  }

  std::deque<std::pair<CacheTicket, Answer>> answers_;
  CacheTicket next_ = 0;
};

}  // namespace smmu
