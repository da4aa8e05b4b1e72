// One SMMU instance as pure logic: register frame, stream/CD fetch through a config cache, its
// TBUs (tbu/Tbu.h: micro and main TLBs, each with its link to the TCU), the walkers, the
// command queue consumer and the event queue producer. Time is explicit (Tick, picoseconds): every call returns what it cost, so the SystemC wrapper (Smmu)
// only has to advance simulated time, and unit tests and `smmusim replay` run without a kernel.
#pragma once
#include <cstdint>
#include <memory>

#include "arch/Event.h"
#include "arch/Registers.h"
#include "arch/Types.h"
#include "mem/PhysMem.h"
#include "smmu/CommandQueue.h"
#include "smmu/EventQueue.h"
#include "smmu/SmmuConfig.h"
#include "smmu/Translation.h"
#include "smmu/TranslationTypes.h"


#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "arch/Command.h"
#include "arch/QueueIndex.h"
#include "cache/ConfigCache.h"
#include "cache/ConfigCacheIf.h"
#include "cache/Tlb.h"
#include "cache/TlbIf.h"
#include "cache/InflightWalkTable.h"
#include "cache/WalkCache.h"
#include "mem/ResourcePool.h"
#include "tbu/Tbu.h"
#include "walk/ConfigFetch.h"

namespace smmu {

// Counters of one SMMU instance (the names are the ones stats.json uses).
struct SmmuStats {
  uint64_t translations = 0;
  uint64_t utlbLookups = 0, utlbHits = 0;
  uint64_t tlbLookups = 0, tlbHits = 0, tlbMisses = 0, tlbHitsUnderFill = 0;  // main TLB
  uint64_t configLookups = 0, configHits = 0, configMisses = 0;
  uint64_t configHitsUnderFill = 0;  // config hits that waited for a fetch in flight
  uint64_t walks = 0;             // table walks started
  uint64_t walkReads = 0;         // descriptor reads of table walks
  uint64_t configReads = 0;       // STE / CD / L1 descriptor reads
  uint64_t bypassed = 0, aborted = 0, faulted = 0;
  uint64_t eventsRecorded = 0, eventsSuppressed = 0, eventsLost = 0;  // lost: queue full/disabled
  uint64_t commands = 0, syncs = 0, commandErrors = 0;
  uint64_t tlbInvalidated = 0, configInvalidated = 0, walkCacheInvalidated = 0;
  std::array<uint64_t, 256> faultsById{};  // indexed by EventId
  Tick walkTime = 0;              // summed walk latency (memory time of walks)
  uint64_t walkCacheHits = 0;     // walks that resumed from a walk-cache entry
  uint64_t s2Walks = 0, nestedWalks = 0;  // stage-2-only and nested translations walked
  // Walk-prefix coalescing: walks that resumed from a table another walk in flight was reading
  // (through a walk cache entry not yet read, or the in-flight walk table), and their wait.
  uint64_t walkJoins = 0;
  Tick walkJoinWait = 0;
  uint64_t s2WalkCacheHits = 0;   // stage-2 walks that resumed from a stage-2 walk-cache entry
  uint64_t contiguousFills = 0;   // TLB fills that cover a contiguous-hint span
  // TCU: translation requests that arrived over the TBU links (the sum of the TBUs'
  // linkRequests), and CMD_SYNC time spent waiting for the TBUs' acknowledgements.
  uint64_t tbuRequests = 0;
  Tick syncTbuWait = 0;
};

class SmmuCore {
 public:
  // tlb / configCache may be supplied (an RTL TLB, another policy); by default a
  // set-associative LRU of the configured size is built.
  SmmuCore(const SmmuConfig& cfg, PhysMemIf& mem, std::unique_ptr<TlbIf> tlb = nullptr,
           std::unique_ptr<ConfigCacheIf> configCache = nullptr);
  ~SmmuCore();

  const SmmuConfig& config() const { return cfg_; }
  const SmmuFeatures& features() const { return cfg_.features; }

  // Register frame (offsets relative to the frame base). size is 4 or 8. Unknown offsets read
  // as zero and ignore writes (RAZ/WI), and are counted.
  uint64_t readReg(uint32_t offset, unsigned size);
  void writeReg(uint32_t offset, uint64_t value, unsigned size);

  // Command queue: true when enabled, not in error, and PROD != CONS.
  bool commandsPending() const;
  // Consumes up to maxCommands commands starting at simulated time `now`; returns the time they
  // took (memory + command_cycles + the TBUs' acknowledgement of a CMD_SYNC).
  Tick processCommands(unsigned maxCommands = ~0u, Tick now = 0);

  // Translates one transaction at simulated time `now` (used for hits on in-flight fills).
  // Inline: the SystemC wrapper calls the hit path directly.
  TranslationResult translate(const TranslationRequest& req, Tick now = 0) {
    // Without a substream the SSID plays no part (a copy only when it has to be cleared: the
    // caller has just written the request field by field; out of line, so that the usual call
    // does not build the copy).
    if (req.ssid != 0 && !req.ssv) [[unlikely]]
      return translateWithoutSsid(req, now);
    // Each path builds its result in place, in the caller's return slot (a call returning a
    // prvalue): no copy of the struct right after its fields were written.
    if (!(cr0_ & reg::CR0_SMMUEN)) [[unlikely]]
      return translateDisabled(req);
    return translateEnabled(req, now);
  }

  // Parking and resuming (smmu/Translation.h). start() is translate() for a Translation that
  // may park: a main-TLB miss that needs a walker stops at its walker request (Parked, Wait::
  // Walker; result.latency runs up to the request; it keeps its TBU translation slot) instead
  // of being walked at once. The SystemC Smmu parks misses so that its WalkerArbiter picks
  // among the misses waiting when a walker frees, by a policy other than arrival order.
  // Everything else ends at once (Done). resume() takes a parked translation on at `at`:
  // - FillArrived: if the main TLB holds its page now (another walk filled it, or is filling
  //   it: it then waits for that fill), it is served from it, as a coalesced hit, and counted
  //   as a main-TLB hit under fill instead of a miss (as without parking, where the other
  //   walk's fill is in the TLB from that walk's arrival); else it stays parked (false).
  // - WalkerGranted: a walker was granted at `at` (>= its request): configuration fetch and
  //   walk.
  // Done: result is final (latency from arrival), the slot released.
  void start(Translation& t, const TranslationRequest& req, Tick now) {
    t.state = Translation::State::New;
    t.wait = Translation::Wait::None;
    t.arrival = now;
    parkTo_ = &t;
    t.result = translate(req, now);
    parkTo_ = nullptr;
    if (t.state != Translation::State::Parked) t.state = Translation::State::Done;
  }
  bool resume(Translation& t, Translation::Resume why, Tick at);
  // The last walk granted to a parked translation filled the main TLB with an entry that translates q's address too.
  bool lastFillCovers(const TranslationRequest& q) const {
    const TlbEntry& f = lastFill_;
    return lastFillValid_ && lastFillTbu_ == tbuIndexOf(q.port) && f.tag.sid == q.sid && f.tag.ssv == q.ssv && (!q.ssv || f.tag.ssid == q.ssid) &&
           (q.iova >> f.tag.pageShift) == (f.tag.vaBase >> f.tag.pageShift);
  }
  // A translation slot of the port's TBU can be taken (see ResourcePool::available): false
  // while every slot is held by a parked translation.
  bool translationSlotAvailable(uint32_t port) const {
    return tbus_[tbuIndexOf(port)]->xlateSlots().available();
  }
  // When the port's TBU's earliest translation slot is free (0: a slot is free now, or slots are
  // unlimited).
  Tick translationSlotFreeAt(uint32_t port) const {
    const ResourcePool& x = tbus_[tbuIndexOf(port)]->xlateSlots();
    return x.limited() && x.available() ? x.earliestFree() : 0;
  }

  // A transaction through `port` completed (its data access too) at `end`. A CMD_SYNC after an
  // invalidation completes only once every transaction in flight at the invalidation is
  // complete (IHI 0070 3.21: the client transactions translated with the invalidated entries
  // are globally visible); translations alone are noted by the core itself.
  void noteTransactionEnd(uint32_t port, Tick end) { tbuOf(port).noteDone(end); }

  // TBUs: config().tbus, or one ("tbu0") without them. A port (device) is wired to TBU 0 until
  // setPortTbu() says otherwise.
  size_t tbuCount() const { return tbus_.size(); }
  Tbu& tbu(size_t i) { return *tbus_[i]; }
  const Tbu& tbu(size_t i) const { return *tbus_[i]; }
  void setPortTbu(uint32_t port, unsigned tbu);
  unsigned tbuIndexOf(uint32_t port) const {
    return port < portTbu_.size() ? portTbu_[port] : 0u;
  }

  // Records an event in the event queue (if enabled and not full). Returns true if written.
  bool recordEvent(const EventRecord& r, Tick* lat = nullptr);

  // translations and the TLB counters are the TBUs', added up on each call: a reference kept
  // from an earlier call shows them as of that call.
  const SmmuStats& stats() const {
    foldTbuStats();
    return stats_;
  }
  // Starts the statistics afresh (a statistics window opens): zeroes stats() and the counters of
  // the walker, translation-slot and lookup-slot pools. Caches, queues, the pools' busy servers
  // and every other timing state are kept, so the model behaves exactly as without the reset.
  void resetStats();
  // The main TLB of TBU 0, and the micro TLB of a port (in its TBU).
  TlbIf& tlb() { return tbus_[0]->tlb(); }
  TlbIf* utlb(uint32_t port) { return tbus_[tbuIndexOf(port)]->utlbIfAny(port); }
  const WalkCache& walkCache() const { return *walkCache_; }
  const WalkCache& s2WalkCache() const { return *s2WalkCache_; }
  const InflightWalkTable& inflightWalks() const { return inflight_; }
  const class IpaCache& ipaCache() const { return *ipaCache_; }
  // TCU walker slots and a TBU's translation slots (waits, occupancy).
  const ResourcePool& walkerSlots() const { return ptw_; }
  const ResourcePool& translationSlots(size_t tbu = 0) const { return tbus_[tbu]->xlateSlots(); }
  // Lookup slots of a TBU's main TLB, the config cache and the walk caches (lookup bandwidth).
  const ResourcePool& tlbLookupSlots(size_t tbu = 0) const {
    return tbus_[tbu]->tlbLookupSlots();
  }
  const ResourcePool& configLookupSlots() const { return configPorts_; }
  const ResourcePool& walkCacheLookupSlots() const { return walkCachePorts_; }
  ConfigCacheIf& configCache() { return *cc_; }
  uint64_t unknownRegisterAccesses() const { return unknownRegs_; }
  // The hit memo (see HitMemo), on by default. Off, every TLB hit checks its entry: the
  // reference the memo is tested against.
  void setHitMemo(bool on) {
    hitMemoOn_ = on;
    hitMemo_ = HitMemo{};
  }

 private:
  struct Context;  // resolved configuration of a stream context (see SmmuCore.cpp)
  void cmdqError(uint32_t cerror);
  void setGerror(uint32_t bit);
  bool executeCommand(const Command& c, Tick& t);
  StreamTableConfig streamTable() const;
  TranslationResult fault(const TranslationRequest& req, EventId id, bool record,
                          TranslationResult r, uint64_t addr2 = 0, uint8_t cls = 0,
                          bool s2 = false);
  TranslationResult translateWithoutSsid(const TranslationRequest& req, Tick now);
  TranslationResult translateDisabled(const TranslationRequest& req);
  TranslationResult translateEnabled(const TranslationRequest& req, Tick now);
  // A main-TLB miss: the walk (or, under start(), its park); releases `slot` (or the parked
  // translation keeps it).
  TranslationResult miss(const TranslationRequest& req, Tick now, TranslationResult r,
                         const ResourcePool::Grant& slot);
  // resume(FillArrived): served from the main TLB if it holds the page now.
  bool serveFromFill(Translation& t, Tick at);
  TranslationResult walkOn(const ResourcePool::Grant& walker, const TranslationRequest& req,
                           Tick now, TranslationResult r, const ResourcePool::Grant& slot);
  // The micro TLB, then the main TLB: the entry hit (nullptr: a miss), the TLB that gave it
  // (from; nullptr: a TLB of another type than SetAssocTlb) and where it was served (by).
  const TlbEntry* lookupMicroThenMain(Tbu& b, uint32_t port, uint32_t sid, uint32_t ssid, bool ssv,
                                      uint64_t va, Tick now, TranslationResult& r,
                                      const SetAssocTlb*& from, ServedBy& by);
  void checkHit(const TranslationRequest& req, const TlbEntry& e, const SetAssocTlb* from,
                TranslationResult& r);
  TranslationResult hit(const TranslationRequest& req, const TlbEntry& e, TranslationResult r,
                        Tick now, ServedBy by);
  TranslationResult walk(const TranslationRequest& req, Tick now, TranslationResult r);
  TranslationResult walkS2Only(const TranslationRequest& req, Tick now, TranslationResult r,
                               const Ste& s, const struct S2WalkConfig& s2cfg, Tbu& b,
                               TlbIf* utlb);
  // A lookup in a TBU's main TLB; inlined, without the virtual call, when it is the default one
  // (the key's fields in registers: a key in memory only for the virtual call).
  const TlbEntry* lookupTlb(Tbu& b, uint32_t sid, uint32_t ssid, bool ssv, uint64_t va,
                            Tick& latency);
  // Writes a walked translation to the TBU's main and micro TLBs (its contiguous span, if
  // enabled), when the response reaches the TBU.
  void fillTlbs(TlbEntry& fill, const struct WalkResult& w, Tbu& b, TlbIf* utlb);
  // (One TBU, the usual case: no table to look up on the hit path.)
  Tbu& tbuOf(uint32_t port) { return soleTbu_ ? *soleTbu_ : *tbus_[tbuIndexOf(port)]; }
  // CMD_SYNC: the time, from `at`, until every TBU has acknowledged (its SYNC comes down the
  // link behind the invalidations sent before it, and its ack goes back up).
  Tick syncTbus(Tick at);
  // A walk's stage-2 walk-cache hits (since s2HitsBefore) and its join of a walk in flight.
  void countWalkSharing(const struct WalkResult& w, uint64_t s2HitsBefore);
  // An invalidation applied to every TLB of every TBU (sent down each link).
  unsigned invalidateTbus(const TlbInvalidation& inv);
  const TlbEntry* lookupThroughInterface(TlbIf& tlb, const TlbLookupKey& k, Tick& latency);
  TlbEntry tlbAnswer_;  // the last entry lookupThroughInterface answered

  SmmuConfig cfg_;
  PhysMemIf& mem_;
  std::vector<std::unique_ptr<Tbu>> tbus_;
  Tbu* soleTbu_ = nullptr;         // tbus_[0] when it is the only one
  std::vector<unsigned> portTbu_;  // port -> TBU index (ports past its end: TBU 0)
  std::unique_ptr<ConfigCacheIf> cc_;
  SetAssocConfigCache* defaultCc_ = nullptr;  // cc_ when it is the default one (direct calls)
  const ConfigEntry* lookupConfig(uint32_t sid, uint32_t ssid, bool ssv, ConfigEntry& answer);
  std::unique_ptr<WalkCache> walkCache_;
  std::unique_ptr<WalkCache> s2WalkCache_;
  InflightWalkTable inflight_;
  std::unique_ptr<class IpaCache> ipaCache_;
  ResourcePool ptw_;    // TCU walker slots
  ResourcePool configPorts_, walkCachePorts_;  // lookup slots (bandwidth)
  Tick cmdAt_ = 0;      // the command being executed: when (invalidations go down the links)
  Translation* parkTo_ = nullptr;  // start() in progress: where a miss parks
  TlbEntry lastFill_;                // the main-TLB fill of the last walk (lastFillCovers)
  bool lastFillValid_ = false;
  unsigned lastFillTbu_ = 0;         // the TBU it filled
  // The walk's response arrives at its TBU (set by insertFill, which sends it; walkOn sends
  // the response of a walk that filled nothing).
  Tick responseAt_ = 0;
  bool responseSent_ = false;
  void insertFill(TlbEntry& fill, Tbu& b, TlbIf* utlb);
  // The entry of the last TLB hit that passed its permission check, with what it gave: the
  // same entry, unchanged (its TLB's changes() count is the same), gives the same output
  // address, level and permissions, and passes again with the access attributes it passed with
  // (the wait for a fill in flight depends on the time: it is checked on every hit). Only
  // entries of SetAssocTlbs (whose changes are counted) are kept.
  struct HitMemo {
    const TlbEntry* entry = nullptr;
    const SetAssocTlb* tlb = nullptr;
    uint64_t changes = 0;  // tlb->changes() when it was kept
    uint8_t passed = 0;    // bit n: attributes n (write | priv << 1 | instr << 2) passed
    bool bypass = false;
    bool writable = false;
    bool readable = false;
    uint8_t level = 0;
    uint64_t paMinusIova = 0;  // the output address minus the input address (mod 2^64)
  };
  HitMemo hitMemo_;
  bool hitMemoOn_ = true;
  SmmuFeatures::Idr idr_{};
  void foldTbuStats() const;
  mutable SmmuStats stats_;
  uint64_t unknownRegs_ = 0;

  // register state
  uint32_t cr0_ = 0, cr1_ = 0, cr2_ = 0, gbpa_ = 0, irqCtrl_ = 0;
  uint32_t gerror_ = 0, gerrorn_ = 0;
  uint64_t gerrorIrqCfg0_ = 0;
  uint32_t gerrorIrqCfg1_ = 0, gerrorIrqCfg2_ = 0;
  uint64_t strtabBase_ = 0;
  uint32_t strtabBaseCfg_ = 0;
  CommandQueue cmdq_;
  EventQueue evtq_;
  EventQueue priq_;  // registers only until PRI is modelled
};

}  // namespace smmu
