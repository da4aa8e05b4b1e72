#include "smmu/SmmuCore.h"

#include <algorithm>
#include <stdexcept>

#include "arch/ContextDescriptor.h"
#include "arch/Registers.h"
#include "arch/Ste.h"
#include "cache/ConfigCache.h"
#include "cache/Tlb.h"
#include "smmu/IpaCache.h"
#include "smmu/SmmuKnobs.h"
#include "walk/NestedWalker.h"
#include "walk/PageTableWalker.h"
#include "walk/Stage2Walker.h"

namespace smmu {

namespace {

// Reads or writes one 32-bit half (or the whole) of a 64-bit register. `rel` is the offset of
// the access relative to the register's base (0 or 4).
uint64_t read64Part(uint64_t reg, uint32_t rel, unsigned size) {
  if (size == 8) return reg;
  return rel == 4 ? (reg >> 32) : (reg & 0xffffffffull);
}
void write64Part(uint64_t& reg, uint32_t rel, uint64_t v, unsigned size) {
  if (size == 8) {
    reg = v;
  } else if (rel == 4) {
    reg = (reg & 0xffffffffull) | (uint64_t(uint32_t(v)) << 32);
  } else {
    reg = (reg & ~0xffffffffull) | uint32_t(v);
  }
}

// A lookup of `cycles` at now + *lat through a cache with limited lookup slots: waits for a free
// slot (FIFO), then holds it for the lookup. Adds wait and lookup time to *lat.
inline void lookupThrough(ResourcePool& slots, Tick now, Tick& lat, Tick lookup) {
  if (slots.limited()) lat = slots.reserve(now + lat, lookup) - now;
  lat += lookup;
}

bool isTranslationFault(EventId id) {
  return id == EventId::F_TRANSLATION || id == EventId::F_ADDR_SIZE || id == EventId::F_ACCESS ||
         id == EventId::F_PERMISSION;
}

// STE.PRIVCFG / INSTCFG replace the incoming privilege / instruction attributes. INSTCFG
// applies to reads only: a write is always a data access.
AccessAttrs applyStreamOverrides(AccessAttrs a, uint8_t privcfg, uint8_t instcfg) {
  // The overriding values 2 and 3 set the attribute to their bit 0 (one test each on a TLB hit).
  static_assert(ste::PRIVCFG_UNPRIV == 2 && ste::PRIVCFG_PRIV == 3 && ste::INSTCFG_DATA == 2 &&
                ste::INSTCFG_INSTR == 3);
  if ((privcfg | 1) == 3) a.priv = privcfg & 1;
  if ((instcfg | 1) == 3) a.instr = instcfg & 1;
  if (a.write) a.instr = false;
  return a;
}

// A TLB hit applied to r, in two parts. Timing: where it was served, and the wait for a fill
// still in flight.
__attribute__((always_inline)) inline void applyHitTiming(const TlbEntry& e, TranslationResult& r,
                                                          Tick now, ServedBy by,
                                                          TbuStats& stats) {
  r.servedBy = by;
  if (waitUntil(e.readyAt, now, r.latency)) {  // the fill is still in flight: wait for its walk
    ++stats.hitsUnderFill;
    r.servedBy = ServedBy::Coalesced;
  }
}

// Translation: the output address, level and permission. Returns the permission fault to raise
// (EventId::None: none); s2 tells whether stage 2 raised it. A function of the entry and the
// request's address and attributes only.
__attribute__((always_inline)) inline EventId applyHitEntry(const TranslationRequest& req,
                                                            const TlbEntry& e,
                                                            TranslationResult& r,
                                                            SmmuStats& stats, bool& s2) {
  s2 = false;
  r.level = e.out.level;
  if (e.out.bypass) {
    ++stats.bypassed;
    r.pa = req.iova;
    r.writable = true;
    r.readable = true;
    r.level = 0;
    return EventId::None;
  }
  const AccessAttrs eff = applyStreamOverrides(req.acc, e.out.privcfg, e.out.instcfg);
  const bool hasS1 = e.out.stages != 2, hasS2 = e.out.stages != 1;
  // Stage 1 always allows a read (TranslationResult::readable).
  r.writable = (!hasS1 || !e.out.attrs.readOnly) && (!hasS2 || e.out.attrs.s2Write);
  r.readable = !hasS2 || e.out.attrs.s2Read;
  r.pa = e.out.paBase + (req.iova - e.tag.vaBase);
  if (hasS1) {
    // checkPermission with the entry's context flags (inline: no S1WalkConfig to build).
    const EventId perm = checkS1Permission(e.out.attrs, e.out.wxn, e.out.uwxn, e.out.pan, eff);
    if (perm != EventId::None) return perm;
  }
  if (hasS2) {
    // A hit checks stage 2 as a default S2WalkConfig does: without XNX.
    const EventId perm = checkS2Permission(e.out.attrs, S2WalkConfig{}.xnx, eff);
    s2 = perm != EventId::None;
    return perm;
  }
  return EventId::None;
}

// The request's access attributes as a number 0..7 (the hit memo keeps which ones passed).
inline unsigned accBits(const AccessAttrs& a) {
  return unsigned(a.write) | unsigned(a.priv) << 1 | unsigned(a.instr) << 2;
}

// The result of a hit that faults (perm from applyHitEntry), reported with the effective
// attributes: `fault` is SmmuCore::fault.
template <class Fault>
TranslationResult raiseHitFault(const TranslationRequest& req, const TlbEntry& e, EventId perm,
                                bool s2, const TranslationResult& r, Fault fault) {
  TranslationRequest ev = req;
  ev.acc = applyStreamOverrides(req.acc, e.out.privcfg, e.out.instcfg);
  if (s2) return fault(ev, perm, e.out.s2Record, r, e.out.stages == 2 ? req.iova : 0, evt::CLASS_IN, true);
  return fault(ev, perm, e.out.recordFaults, r, 0, evt::CLASS_IN, false);
}


}  // namespace

SmmuCore::SmmuCore(const SmmuConfig& cfg, PhysMemIf& mem, std::unique_ptr<TlbIf> tlb,
                   std::unique_ptr<ConfigCacheIf> configCache)
    : cfg_(cfg),
      mem_(mem),
      cc_(std::move(configCache)),
      cmdq_(cfg.features.cmdqLog2),
      evtq_(32, cfg.features.evtqLog2),
      priq_(16, cfg.features.priqLog2) {
  idr_ = cfg_.features.toIdr();
  const size_t nTbus = std::max<size_t>(1, cfg_.tbus.size());
  for (size_t i = 0; i < nTbus; ++i) {
    std::string name = i < cfg_.tbus.size() ? cfg_.tbus[i].name : "tbu" + std::to_string(i);
    tbus_.push_back(std::make_unique<Tbu>(std::move(name), unsigned(i), tbuConfig(cfg_, i),
                                          i == 0 ? std::move(tlb) : nullptr));
  }
  if (tbus_.size() == 1) soleTbu_ = tbus_[0].get();
  if (!cc_)
    cc_ = std::make_unique<SetAssocConfigCache>(cfg_.configCacheEntries, cfg_.configCacheWays,
                                                cfg_.configCachePolicy, cfg_.seed);
  defaultCc_ = dynamic_cast<SetAssocConfigCache*>(cc_.get());
  walkCache_ = std::make_unique<WalkCache>(cfg_.walkCacheEntries, cfg_.walkCacheWays,
                                           cfg_.walkCachePolicy, cfg_.seed);
  s2WalkCache_ = std::make_unique<WalkCache>(cfg_.s2WalkCacheEntries, cfg_.s2WalkCacheWays,
                                             cfg_.walkCachePolicy, cfg_.seed + 13);
  // One in-flight record per walker (a bounded number when walkers are unlimited).
  if (cfg_.walkPrefixCoalescing) inflight_.resize(cfg_.ptwSlots ? cfg_.ptwSlots : 64);
  ipaCache_ = std::make_unique<IpaCache>(
      cfg_.ipaCacheEntries, cfg_.ipaCacheWays, "lru", cfg_.seed + 7,
      Tick(cfg_.timing.ipaCacheLookupCycles) * cfg_.timing.clockPeriodPs);
  if (s2WalkCache_->enabled())
    ipaCache_->setS2WalkCache(s2WalkCache_.get(),
                              Tick(cfg_.timing.walkCacheLookupCycles) * cfg_.timing.clockPeriodPs);
  ptw_.resize(cfg_.ptwSlots);
  configPorts_.resize(cfg_.configLookupSlots);
  walkCachePorts_.resize(cfg_.walkCacheLookupSlots);
}

void SmmuCore::setPortTbu(uint32_t port, unsigned tbu) {
  if (tbu >= tbus_.size())
    throw std::invalid_argument("port " + std::to_string(port) + ": TBU " + std::to_string(tbu) +
                                " does not exist (the SMMU has " + std::to_string(tbus_.size()) +
                                ")");
  if (port >= portTbu_.size()) portTbu_.resize(size_t(port) + 1, 0);
  portTbu_[port] = tbu;
}

std::string_view servedByName(ServedBy s) {
  switch (s) {
    case ServedBy::Utlb: return "utlb";
    case ServedBy::Tlb: return "tlb";
    case ServedBy::Coalesced: return "coalesced";
    case ServedBy::Walk: return "walk";
    case ServedBy::Bypass: return "bypass";
    case ServedBy::Fault: return "fault";
    case ServedBy::Abort: return "abort";
  }
  return "?";
}

// A main TLB of another type than SetAssocTlb (an RTL TLB behind its transactor), through its
// interface: the entry is answered by value, kept in tlbAnswer_ until the next such lookup; the
// cycles the TLB took to answer are added to the lookup's time (at the SMMU's clock), on top of
// the TBU's tlb_lookup_cycles.
__attribute__((noinline)) const TlbEntry* SmmuCore::lookupThroughInterface(TlbIf& tlb,
                                                                           const TlbLookupKey& k,
                                                                           Tick& latency) {
  TlbIf::Answer a = tlb.call(TlbIf::Lookup{k});
  latency += Tick(a.cycles) * cfg_.timing.clockPeriodPs;
  if (!a.hit) return nullptr;
  tlbAnswer_ = a.entry;
  return &tlbAnswer_;
}

inline const TlbEntry* SmmuCore::lookupTlb(Tbu& b, uint32_t sid, uint32_t ssid, bool ssv,
                                           uint64_t va, Tick& latency) {
  if (SetAssocTlb* t = b.defaultTlb()) return t->find(TlbLookupKey{sid, ssid, ssv, va});
  return lookupThroughInterface(b.tlb(), TlbLookupKey{sid, ssid, ssv, va}, latency);
}

// The config cache's entry for the context: in place from the default cache, else answered by
// value through the interface into `answer`.
inline const ConfigEntry* SmmuCore::lookupConfig(uint32_t sid, uint32_t ssid, bool ssv,
                                                 ConfigEntry& answer) {
  if (defaultCc_) return defaultCc_->find(sid, ssid, ssv);
  std::optional<ConfigEntry> e = cc_->lookup(ConfigKey{sid, ssid, ssv});
  if (!e) return nullptr;
  answer = std::move(*e);
  return &answer;
}

// Applies an invalidation to the main TLB and every micro TLB of every TBU; returns the entries
// removed. The TCU sends the invalidation to every TBU (IHI 0070 leaves TBUs to the
// implementation; MMU-600/700 broadcast each TLBI/CFGI over DTI): one message down each link,
// at the command's time. (The TBUs' TLBs change at once: a translation between the command and
// the message's arrival sees the new state, never a staler one; the CMD_SYNC waits for the
// messages, see syncTbus.)
unsigned SmmuCore::invalidateTbus(const TlbInvalidation& inv) {
  unsigned n = 0;
  for (auto& b : tbus_) {
    n += b->invalidate(inv);
    b->down().send(cmdAt_, b->stats().linkWait);
    ++b->stats().linkInvalidations;
    b->invalidationsUnsynced = true;
  }
  return n;
}

Tick SmmuCore::syncTbus(Tick at) {
  Tick done = at;
  for (auto& b : tbus_) {
    // Only a TBU with invalidations since its last sync has anything to complete (a sync
    // otherwise waits for nothing of the TBUs': earlier translations are done or unaffected).
    if (!b->invalidationsUnsynced) continue;
    b->invalidationsUnsynced = false;
    TbuStats& st = b->stats();
    // The SYNC follows the TBU's invalidations down the link (FIFO); the TBU answers once they
    // are done (on arrival) and every transaction it had accepted is complete: those in flight
    // may have been translated with entries the invalidations removed, and the invalidation
    // completes only when they are globally visible (IHI 0070 3.21). (Conservative: all of
    // them, not only those that used a removed entry, as a TBU that does not track which.)
    const Tick arrived = b->down().send(at, st.linkWait);
    done = std::max(done, b->up().send(std::max(arrived, b->doneBy()), st.linkWait));
    ++st.linkSyncs;
  }
  return done - at;
}

SmmuCore::~SmmuCore() = default;

// The TBUs' counters of the hit path, added up into the SMMU's (kept in the TBUs: one increment
// per event, as before there were TBUs).
void SmmuCore::foldTbuStats() const {
  SmmuStats& s = stats_;
  s.translations = s.utlbLookups = s.utlbHits = s.tlbLookups = s.tlbHits = s.tlbMisses = 0;
  s.tlbHitsUnderFill = 0;
  for (const auto& b : tbus_) {
    const TbuStats& x = b->stats();
    s.translations += x.translations;
    s.utlbLookups += x.utlbLookups;
    s.utlbHits += x.utlbHits;
    s.tlbLookups += x.tlbLookups;
    s.tlbHits += x.tlbHits;
    s.tlbMisses += x.misses;
    s.tlbHitsUnderFill += x.hitsUnderFill;
  }
}

void SmmuCore::resetStats() {
  stats_ = SmmuStats{};
  for (ResourcePool* p : {&ptw_, &configPorts_, &walkCachePorts_}) p->resetCounters();
  for (auto& b : tbus_) b->resetStats();
}

// ---------------------------------------------------------------------------------------------
// Register frame

uint64_t SmmuCore::readReg(uint32_t off, unsigned size) {
  using namespace reg;
  const uint32_t base8 = off & ~7u, rel = off & 7u;
  switch (base8) {
    case GERROR_IRQ_CFG0: return read64Part(gerrorIrqCfg0_, rel, size);
    case STRTAB_BASE: return read64Part(strtabBase_, rel, size);
    case CMDQ_BASE: return read64Part(cmdq_.base, rel, size);
    case EVENTQ_BASE: return read64Part(evtq_.base, rel, size);
    case EVENTQ_IRQ_CFG0: return read64Part(evtq_.irqCfg0, rel, size);
    case PRIQ_BASE: return read64Part(priq_.base, rel, size);
    default: break;
  }
  switch (off) {
    case IDR0: return idr_.idr0;
    case IDR1: return idr_.idr1;
    case IDR2: return idr_.idr2;
    case IDR3: return idr_.idr3;
    case IDR4: return idr_.idr4;
    case IDR5: return idr_.idr5;
    case IIDR: return 0;
    case AIDR: return 0;  // SMMUv3.0 register layout
    case CR0:
    case CR0ACK: return cr0_;  // enables are acknowledged at once
    case CR1: return cr1_;
    case CR2: return cr2_;
    case STATUSR: return 0;
    case GBPA: return gbpa_;
    case AGBPA: return 0;
    case IRQ_CTRL:
    case IRQ_CTRLACK: return irqCtrl_;
    case GERROR: return gerror_;
    case GERRORN: return gerrorn_;
    case GERROR_IRQ_CFG1: return gerrorIrqCfg1_;
    case GERROR_IRQ_CFG2: return gerrorIrqCfg2_;
    case STRTAB_BASE_CFG: return strtabBaseCfg_;
    case CMDQ_PROD: return cmdq_.prod();
    case CMDQ_CONS: return cmdq_.cons();
    case EVENTQ_PROD:
    case EVENTQ_PROD_P0: return evtq_.prod;
    case EVENTQ_CONS:
    case EVENTQ_CONS_P0: return evtq_.cons;
    case EVENTQ_IRQ_CFG1: return evtq_.irqCfg1;
    case EVENTQ_IRQ_CFG2: return evtq_.irqCfg2;
    case PRIQ_PROD:
    case PRIQ_PROD_P0: return priq_.prod;
    case PRIQ_CONS:
    case PRIQ_CONS_P0: return priq_.cons;
    default: ++unknownRegs_; return 0;
  }
}

void SmmuCore::writeReg(uint32_t off, uint64_t v, unsigned size) {
  using namespace reg;
  const uint32_t base8 = off & ~7u, rel = off & 7u;
  switch (base8) {
    case GERROR_IRQ_CFG0: write64Part(gerrorIrqCfg0_, rel, v, size); return;
    case STRTAB_BASE: write64Part(strtabBase_, rel, v, size); return;
    case CMDQ_BASE: write64Part(cmdq_.base, rel, v, size); return;
    case EVENTQ_BASE: write64Part(evtq_.base, rel, v, size); return;
    case EVENTQ_IRQ_CFG0: write64Part(evtq_.irqCfg0, rel, v, size); return;
    case PRIQ_BASE: write64Part(priq_.base, rel, v, size); return;
    default: break;
  }
  const uint32_t v32 = uint32_t(v);
  switch (off) {
    case CR0: cr0_ = v32 & 0x1f; return;
    case CR1: cr1_ = v32; return;
    case CR2: cr2_ = v32; return;
    case GBPA: gbpa_ = v32 & ~GBPA_UPDATE; return;  // the update completes at once
    case IRQ_CTRL: irqCtrl_ = v32 & 7; return;
    case GERRORN: gerrorn_ = v32; return;
    case GERROR_IRQ_CFG1: gerrorIrqCfg1_ = v32; return;
    case GERROR_IRQ_CFG2: gerrorIrqCfg2_ = v32; return;
    case STRTAB_BASE_CFG: strtabBaseCfg_ = v32; return;
    case CMDQ_PROD: cmdq_.writeProd(v32); return;
    case CMDQ_CONS: cmdq_.writeCons(v32); return;
    case EVENTQ_PROD:
    case EVENTQ_PROD_P0: evtq_.prod = v32; return;
    case EVENTQ_CONS:
    case EVENTQ_CONS_P0: evtq_.cons = v32; return;
    case EVENTQ_IRQ_CFG1: evtq_.irqCfg1 = v32; return;
    case EVENTQ_IRQ_CFG2: evtq_.irqCfg2 = v32; return;
    case PRIQ_PROD:
    case PRIQ_PROD_P0: priq_.prod = v32; return;
    case PRIQ_CONS:
    case PRIQ_CONS_P0: priq_.cons = v32; return;
    default: ++unknownRegs_; return;  // IDRs and unknown offsets: write ignored
  }
}

void SmmuCore::setGerror(uint32_t bit) {
  // An error is active while GERROR and GERRORN differ in its bit; raise it only if inactive.
  if (((gerror_ ^ gerrorn_) & bit) == 0) gerror_ ^= bit;
}

void SmmuCore::cmdqError(uint32_t cerror) {
  cmdq_.stop(cerror);
  ++stats_.commandErrors;
  setGerror(reg::GERROR_CMDQ_ERR);
}

// ---------------------------------------------------------------------------------------------
// Command queue

bool SmmuCore::commandsPending() const {
  if (!(cr0_ & reg::CR0_CMDQEN)) return false;
  if ((gerror_ ^ gerrorn_) & reg::GERROR_CMDQ_ERR) return false;  // stopped until acknowledged
  return !cmdq_.empty();
}

Tick SmmuCore::processCommands(unsigned maxCommands, Tick now) {
  Tick t = 0;
  for (unsigned n = 0; n < maxCommands && commandsPending(); ++n) {
    Command c;
    if (cmdq_.readHead(mem_, c, &t) != MemStatus::Ok) {
      cmdqError(reg::CERROR_ABT);
      break;
    }
    t += Tick(cfg_.timing.commandCycles) * cfg_.timing.clockPeriodPs;
    ++stats_.commands;
    cmdAt_ = now + t;
    if (!executeCommand(c, t)) {
      cmdqError(reg::CERROR_ILL);  // CONS stays on the offending command
      break;
    }
    cmdq_.consumed();
  }
  return t;
}

bool SmmuCore::executeCommand(const Command& c, Tick& t) {
  const auto& f = cfg_.features;
  const uint16_t vmid = f.s2p ? c.vmid : 0;
  unsigned tlbGone = 0, cfgGone = 0, walkGone = 0;
  switch (c.opcode) {
    case op::PREFETCH_CONFIG:
    case op::PREFETCH_ADDR:
      break;  // hints: no effect on correctness
    case op::CFGI_STE:
      cfgGone += cc_->invalidate({ConfigInvalidation::Scope::Streams, c.sid, c.sid});
      tlbGone += invalidateTbus(TlbInvalidation::ofStreams(c.sid, c.sid));
      break;
    case op::CFGI_STE_RANGE:
      if (c.range >= 31) {
        cfgGone += cc_->invalidate({});
        tlbGone += invalidateTbus(TlbInvalidation::all());
      } else {
        const uint64_t span = 1ull << (c.range + 1);
        const uint32_t first = uint32_t(c.sid & ~(span - 1));
        const uint32_t last = uint32_t(std::min<uint64_t>(first + span - 1, 0xffffffffull));
        cfgGone += cc_->invalidate({ConfigInvalidation::Scope::Streams, first, last});
        tlbGone += invalidateTbus(TlbInvalidation::ofStreams(first, last));
      }
      break;
    case op::CFGI_CD:
      cfgGone += cc_->invalidate({ConfigInvalidation::Scope::Cd, c.sid, 0, c.ssid});
      tlbGone += invalidateTbus(TlbInvalidation::ofSubstream(c.sid, c.ssid));
      break;
    case op::CFGI_CD_ALL:
      cfgGone += cc_->invalidate({ConfigInvalidation::Scope::CdAll, c.sid});
      tlbGone += invalidateTbus(TlbInvalidation::ofStreams(c.sid, c.sid));
      break;
    case op::CFGI_VMS_PIDM:
      break;
    case op::TLBI_NH_ALL:
      tlbGone += invalidateTbus(TlbInvalidation::ofVmid(vmid));
      walkGone += walkCache_->invalidateVmid(vmid);
      break;
    case op::TLBI_NH_ASID: {
      const uint16_t asid = f.asid16 ? c.asid : uint16_t(c.asid & 0xff);
      tlbGone += invalidateTbus(TlbInvalidation::ofAsid(vmid, asid));
      walkGone += walkCache_->invalidateAsid(vmid, asid);
      break;
    }
    case op::TLBI_NH_VA:
    case op::TLBI_NH_VAA: {
      uint64_t len = 1;  // one address: every entry that translates it
      if (c.num != 0 || c.scale != 0) {
        // Range invalidation (SMMUv3.2 RIL): (NUM+1) * 2^SCALE translation granules.
        Granule g = c.tg == 1 ? Granule::k4K : c.tg == 2 ? Granule::k16K : Granule::k64K;
        if (c.tg == 0) return false;  // a range needs TG
        const unsigned shift = std::min<unsigned>(granuleShift(g) + c.scale, 63);
        len = (uint64_t(c.num) + 1) << shift;
      }
      const bool asidMatch = c.opcode == op::TLBI_NH_VA;
      const uint16_t asid = f.asid16 ? c.asid : uint16_t(c.asid & 0xff);
      tlbGone += invalidateTbus(TlbInvalidation::ofVa(vmid, asid, asidMatch, c.addr, len));
      // Leaf = 1 only concerns last-level entries; Leaf = 0 also removes the table entries the
      // walk caches hold for the range.
      if (!c.leaf) walkGone += walkCache_->invalidateVa(vmid, asid, asidMatch, c.addr, len);
      break;
    }
    case op::TLBI_EL3_ALL:
    case op::TLBI_EL3_VA:
    case op::TLBI_EL2_ALL:
    case op::TLBI_EL2_ASID:
    case op::TLBI_EL2_VA:
    case op::TLBI_EL2_VAA:
      break;  // no EL2/EL3 stream worlds are modelled: nothing cached to remove
    case op::TLBI_S12_VMALL:
      if (!f.s2p) return false;
      tlbGone += invalidateTbus(TlbInvalidation::ofVmid(vmid));
      walkGone += walkCache_->invalidateVmid(vmid);
      walkGone += s2WalkCache_->invalidateVmid(vmid);
      walkGone += ipaCache_->invalidate({IpaCacheInvalidation::Scope::Vmid, vmid});
      break;
    case op::TLBI_S2_IPA: {
      if (!f.s2p) return false;
      // Entries of the VMID overlapping the IPA range. Stage-2-only entries are keyed by IPA;
      // combined (nested) entries are keyed by VA, so they may go too: over-invalidation is
      // always safe, and software follows with TLBI_NH_* / S12_VMALL for combined entries.
      uint64_t len = 1;
      if (c.num != 0 || c.scale != 0) {
        if (c.tg == 0) return false;
        const Granule g = c.tg == 1 ? Granule::k4K : c.tg == 2 ? Granule::k16K : Granule::k64K;
        len = (uint64_t(c.num) + 1) << std::min<unsigned>(granuleShift(g) + c.scale, 63);
      }
      tlbGone += invalidateTbus(TlbInvalidation::ofVa(vmid, 0, false, c.addr, len));
      walkGone += ipaCache_->invalidate({IpaCacheInvalidation::Scope::Ipa, vmid, c.addr, len});
      // Leaf = 0 also removes the stage-2 table entries the stage-2 walk caches hold.
      if (!c.leaf) walkGone += s2WalkCache_->invalidateVa(vmid, 0, false, c.addr, len);
      break;
    }
    case op::TLBI_NSNH_ALL:
      tlbGone += invalidateTbus(TlbInvalidation::all());
      walkGone += walkCache_->invalidateAll();
      walkGone += s2WalkCache_->invalidateAll();
      walkGone += ipaCache_->invalidate({});
      break;
    case op::ATC_INV:
      if (!f.ats) return false;
      break;  // device ATCs come with the ATS work
    case op::PRI_RESP:
      if (!f.pri) return false;
      break;
    case op::RESUME:
    case op::STALL_TERM:
      if (f.stallModel == 1) return false;  // terminate-only model: no stalls to resume
      break;
    case op::CMD_SYNC: {
      ++stats_.syncs;
      // The sync completes once every TBU has acknowledged the invalidations before it.
      const Tick tbuWait = syncTbus(cmdAt_);
      stats_.syncTbuWait += tbuWait;
      t += tbuWait;
      // Every earlier command has taken effect (they execute in order here). Signal
      // completion: CS=SIG_IRQ with an MSI address writes MSIData there (Linux polls that word
      // inside the CMD_SYNC entry itself); CS=SIG_NONE/SEV: software polls CMDQ_CONS.
      if (c.cs == sync::CS_IRQ && c.msiAddr != 0 && f.msi) {
        if (mem_.write32(c.msiAddr, c.msiData, &t) != MemStatus::Ok)
          setGerror(reg::GERROR_MSI_CMDQ_ABT_ERR);
      }
      break;
    }
    default:
      return false;
  }
  stats_.tlbInvalidated += tlbGone;
  stats_.configInvalidated += cfgGone;
  stats_.walkCacheInvalidated += walkGone;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Event queue

bool SmmuCore::recordEvent(const EventRecord& r, Tick* lat) {
  if (!(cr0_ & reg::CR0_EVENTQEN)) {
    ++stats_.eventsLost;
    return false;
  }
  const EventRecord::Words w = r.encode();
  switch (evtq_.write(mem_, w.data(), lat)) {
    case EventQueue::Outcome::Written: ++stats_.eventsRecorded; return true;
    case EventQueue::Outcome::Overflow: break;
    case EventQueue::Outcome::Abort:
      setGerror(reg::GERROR_EVTQ_ABT_ERR);
      cr0_ &= ~reg::CR0_EVENTQEN;  // the queue is disabled on an abort
      break;
  }
  ++stats_.eventsLost;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Translation

StreamTableConfig SmmuCore::streamTable() const {
  StreamTableConfig st;
  st.base = strtabBase_ & reg::STRTAB_BASE_ADDR_MASK;
  st.log2size = uint8_t((strtabBaseCfg_ >> reg::STRTAB_CFG_LOG2SIZE_SHIFT) & 0x3f);
  st.split = uint8_t((strtabBaseCfg_ >> reg::STRTAB_CFG_SPLIT_SHIFT) & 0x1f);
  st.fmt = uint8_t((strtabBaseCfg_ >> reg::STRTAB_CFG_FMT_SHIFT) & 0x3);
  return st;
}

TranslationResult SmmuCore::fault(const TranslationRequest& req, EventId id, bool record,
                                  TranslationResult r, uint64_t addr2, uint8_t cls, bool s2) {
  r.outcome = Outcome::Fault;
  r.event = id;
  r.servedBy = ServedBy::Fault;
  ++stats_.faulted;
  ++stats_.faultsById[uint8_t(id)];
  if (!record) {
    ++stats_.eventsSuppressed;
    return r;
  }
  EventRecord e;
  e.id = id;
  e.sid = req.sid;
  e.ssv = req.ssv;
  e.ssid = req.ssv ? req.ssid : 0;
  e.pnu = req.acc.priv;
  e.ind = req.acc.instr;
  e.rnw = !req.acc.write;
  e.cls = cls;
  e.s2 = s2;
  e.inputAddr = req.iova;
  e.addr2 = addr2;
  r.eventRecorded = recordEvent(e);
  return r;
}

__attribute__((noinline)) TranslationResult SmmuCore::translateWithoutSsid(
    const TranslationRequest& reqIn, Tick now) {
  TranslationRequest cleared = reqIn;
  cleared.ssid = 0;
  return translate(cleared, now);
}

// SMMU disabled: global bypass attributes decide (no translation, no event).
__attribute__((noinline)) TranslationResult SmmuCore::translateDisabled(
    const TranslationRequest& req) {
  ++tbuOf(req.port).stats().translations;
  TranslationResult r;
  if (gbpa_ & reg::GBPA_ABORT) {
    ++stats_.aborted;
    r.outcome = Outcome::Abort;
    r.servedBy = ServedBy::Abort;
    return r;
  }
  ++stats_.bypassed;
  r.pa = req.iova;
  r.writable = true;
  r.readable = true;
  r.servedBy = ServedBy::Bypass;
  return r;
}

// The hit path works on one TranslationResult in place, the caller's return slot (noinline
// keeps it there: inlined, GCC splits r into registers and reassembles it with partial stores
// and wide loads, whose store-forwarding stalls cost more than the rest of a TLB hit). What
// only a miss or a fault needs is out of line, so that a hit runs straight through.
__attribute__((noinline)) TranslationResult SmmuCore::translateEnabled(
    const TranslationRequest& req, Tick now) {
  // A TBU translation slot is held from acceptance to the response.
  Tbu& b = tbuOf(req.port);
  ++b.stats().translations;
  const ResourcePool::Grant slot = b.xlateSlots().acquire(now);
  TranslationResult r;
  r.latency = slot.start - now;
  // (ssid is 0 without ssv already; the condition keeps GCC from loading sid and ssid, which the
  // caller has just stored separately, as one 8-byte word: a store-forwarding stall.)
  const uint32_t sid = req.sid, ssid = req.ssv ? req.ssid : 0u;
  const bool ssv = req.ssv;
  const uint64_t va = req.iova;

  // TBU: the port's micro TLB, then the main TLB. The hit: its entry, the TLB that gave it
  // (nullptr: a TLB of another type than SetAssocTlb) and where it was served.
  const TlbEntry* e;
  const SetAssocTlb* from = nullptr;
  ServedBy by = ServedBy::Tlb;
  if (!b.hasUtlbs()) {
    lookupThrough(b.tlbLookupSlots(), now, r.latency, b.tlbLookupPs());
    ++b.stats().tlbLookups;
    if ((e = lookupTlb(b, sid, ssid, ssv, va, r.latency))) {
      ++b.stats().tlbHits;
      from = b.defaultTlb();
    }
  } else {
    e = lookupMicroThenMain(b, req.port, sid, ssid, ssv, va, now, r, from, by);
  }
  if (e) [[likely]] {
    applyHitTiming(*e, r, now, by, b.stats());
    // The entry of the memo, unchanged, with attributes it passed with: the same translation.
    const HitMemo& m = hitMemo_;
    const unsigned acc = accBits(req.acc);
    if (e == m.entry && from == m.tlb && m.tlb->changes() == m.changes &&
        (m.passed >> acc & 1)) {
      if (m.bypass) ++stats_.bypassed;
      r.level = m.level;
      r.writable = m.writable;
      r.readable = m.readable;
      r.pa = req.iova + m.paMinusIova;
    } else {
      checkHit(req, *e, from, r);
    }
  } else {
    // (Assigned, not returned: r stays the one object returned, built in the caller's slot.)
    r = miss(req, now, r, slot);  // releases the slot (or a parked translation keeps it)
    return r;
  }
  b.xlateSlots().release(slot, now + r.latency);
  return r;
}

// With micro TLBs: the port's, then (on a miss) the main TLB, whose hit fills the micro TLB.
__attribute__((noinline)) const TlbEntry* SmmuCore::lookupMicroThenMain(
    Tbu& b, uint32_t port, uint32_t sid, uint32_t ssid, bool ssv, uint64_t va, Tick now,
    TranslationResult& r, const SetAssocTlb*& from, ServedBy& by) {
  SetAssocTlb* utlb = b.utlbFor(port);
  r.latency += b.utlbLookupPs();
  ++b.stats().utlbLookups;
  if (const TlbEntry* e = utlb->find(TlbLookupKey{sid, ssid, ssv, va})) {
    ++b.stats().utlbHits;
    by = ServedBy::Utlb;
    from = utlb;
    return e;
  }
  lookupThrough(b.tlbLookupSlots(), now, r.latency, b.tlbLookupPs());
  ++b.stats().tlbLookups;
  const TlbEntry* e = lookupTlb(b, sid, ssid, ssv, va, r.latency);
  if (e) {
    ++b.stats().tlbHits;
    from = b.defaultTlb();
    utlb->insert(*e);
  }
  return e;
}

// A hit the memo does not cover: the entry's translation and permission check, then the memo
// (for a hit that passes) or the fault.
__attribute__((noinline)) void SmmuCore::checkHit(const TranslationRequest& req,
                                                  const TlbEntry& e, const SetAssocTlb* from,
                                                  TranslationResult& r) {
  HitMemo& m = hitMemo_;
  const unsigned acc = accBits(req.acc);
  bool s2 = false;
  const EventId perm = applyHitEntry(req, e, r, stats_, s2);
  if (perm != EventId::None) {
    r = raiseHitFault(req, e, perm, s2, r, [this](auto&&... a) { return fault(a...); });
  } else if (&e == m.entry && from == m.tlb && m.tlb->changes() == m.changes) {
    m.passed |= uint8_t(1u << acc);
  } else if (from && hitMemoOn_) {
    m = HitMemo{&e,         from,       from->changes(), uint8_t(1u << acc), e.out.bypass,
                r.writable, r.readable, r.level,         r.pa - req.iova};
  }
}

__attribute__((noinline)) TranslationResult SmmuCore::miss(const TranslationRequest& req, Tick now,
                                                           TranslationResult r,
                                                           const ResourcePool::Grant& slot) {
  r.latency += Tick(cfg_.timing.walkerIssueCycles) * cfg_.timing.clockPeriodPs;
  // The request goes up the TBU's link to the TCU.
  Tbu& b = tbuOf(req.port);
  ++b.stats().misses;
  ++b.stats().linkRequests;
  ++stats_.tbuRequests;
  if (!b.up().instant()) r.latency = b.up().send(now + r.latency, b.stats().linkWait) - now;
  if (parkTo_) {  // the caller arbitrates the walkers: park at the walker request
    Translation& t = *parkTo_;
    t.req = req;
    t.state = Translation::State::Parked;
    t.wait = Translation::Wait::Walker;
    t.slot = slot;
    return r;
  }
  return walkOn(ptw_.acquire(now + r.latency), req, now, r, slot);
}

// TCU: a walker slot is held for the configuration fetch and the table walk (from the walker's
// start), the TBU slot until the translation ends.
TranslationResult SmmuCore::walkOn(const ResourcePool::Grant& walker,
                                   const TranslationRequest& req, Tick now, TranslationResult r,
                                   const ResourcePool::Grant& slot) {
  r.latency = walker.start - now;
  responseSent_ = false;
  r = walk(req, now, r);
  // The walker is free when the walk ends; the response then goes down the link (insertFill
  // sent it with the fill; a walk that filled nothing, a fault or an abort, sends it here).
  ptw_.release(walker, now + r.latency);
  Tbu& b = tbuOf(req.port);
  ++b.stats().linkResponses;
  if (!responseSent_ && !b.down().instant())
    responseAt_ = b.down().send(now + r.latency, b.stats().linkWait);
  if (responseSent_ || !b.down().instant()) r.latency = responseAt_ - now;
  b.xlateSlots().release(slot, now + r.latency);
  b.noteDone(now + r.latency);
  return r;
}

bool SmmuCore::resume(Translation& t, Translation::Resume why, Tick at) {
  if (t.state != Translation::State::Parked) return t.done();
  if (why == Translation::Resume::WalkerGranted) {
    lastFillValid_ = false;
    t.result = walkOn(ptw_.acquireAt(t.parkedAt(), at), t.req, t.arrival, t.result, t.slot);
  } else if (!serveFromFill(t, at)) {
    return false;
  }
  t.state = Translation::State::Done;
  t.wait = Translation::Wait::None;
  return true;
}

bool SmmuCore::serveFromFill(Translation& t, Tick at) {
  const TranslationRequest& req = t.req;
  Tbu& b = tbuOf(req.port);
  Tick checked = 0;  // the time of this check is the wait for the fill
  const TlbEntry* e = lookupTlb(b, req.sid, req.ssid, req.ssv, req.iova, checked);
  if (!e) return false;
  // The main TLB is looked up again when the miss reaches the walkers; the wait for the fill
  // counts as a hit under fill (a miss served by another walk) even when it is complete.
  TranslationResult r = t.result;
  r.latency = at - t.arrival;
  lookupThrough(b.tlbLookupSlots(), t.arrival, r.latency, b.tlbLookupPs());
  if (e->readyAt <= t.arrival + r.latency) ++b.stats().hitsUnderFill;
  // Counted where it would have hit had the fill been there at its lookup: the port's micro
  // TLB when the walk came through the same port (its fill is there too), else the main TLB.
  SetAssocTlb* utlb = b.utlbFor(req.port);
  --b.stats().misses;
  // Its request did cross the link (and stays counted, at both ends); its answer is the fill.
  ++b.stats().linkResponses;
  if (utlb && utlb->find(TlbLookupKey{req.sid, req.ssid, req.ssv, req.iova})) {
    --b.stats().tlbLookups;
    ++b.stats().utlbHits;
  } else {
    ++b.stats().tlbHits;
    if (utlb) utlb->insert(*e);
  }
  r = hit(req, *e, r, t.arrival, ServedBy::Coalesced);
  b.xlateSlots().release(t.slot, t.arrival + r.latency);
  b.noteDone(t.arrival + r.latency);
  t.result = r;
  return true;
}

TranslationResult SmmuCore::hit(const TranslationRequest& req, const TlbEntry& e,
                                TranslationResult r, Tick now, ServedBy by) {
  applyHitTiming(e, r, now, by, tbuOf(req.port).stats());
  bool s2 = false;
  const EventId perm = applyHitEntry(req, e, r, stats_, s2);
  if (perm == EventId::None) return r;
  return raiseHitFault(req, e, perm, s2, r, [this](auto&&... a) { return fault(a...); });
}

TranslationResult SmmuCore::walk(const TranslationRequest& req, Tick now, TranslationResult r) {
  const SmmuTiming& tm = cfg_.timing;
  const Tick clk = tm.clockPeriodPs;
  lookupThrough(configPorts_, now, r.latency, Tick(tm.configLookupCycles) * clk);
  r.servedBy = ServedBy::Walk;
  ++stats_.configLookups;
  ConfigEntry fresh;
  const ConfigEntry* ce = lookupConfig(req.sid, req.ssid, req.ssv, fresh);
  if (ce) {
    ++stats_.configHits;
    // The entry of a fetch still in flight (another walk's): wait for that fetch.
    if (waitUntil(ce->readyAt, now, r.latency)) ++stats_.configHitsUnderFill;
  } else {
    ++stats_.configMisses;
    fresh.tag = ConfigTag{req.sid, req.ssid, req.ssv};
    mem_.setTimeBase(now + r.latency);
    FetchResult fr = fetchSte(streamTable(), req.sid, cfg_.features, mem_, fresh.out.ste);
    r.walkReads += fr.reads;
    r.latency += fr.latency;
    stats_.configReads += fr.reads;
    if (fr.fault != EventId::None) return fault(req, fr.fault, true, r, fr.faultAddr);
    const Ste& s = fresh.out.ste;
    S2WalkConfig s2cfg;
    const bool withS2 = s.config == ste::CFG_S2 || s.config == ste::CFG_NESTED;
    if (withS2 && !S2WalkConfig::fromSte(s, cfg_.features, s2cfg))
      return fault(req, EventId::C_BAD_STE, true, r);
    if (s.config == ste::CFG_S1 || s.config == ste::CFG_NESTED) {
      // S1DSS governs a transaction without a SubstreamID only when substreams are enabled: it
      // is IGNORED when STE.S1CDMax == 0 or SMMU_IDR1.SSIDSIZE == 0 (IHI 0070 5.2 STE.S1DSS),
      // and such a transaction uses the one CD at S1ContextPtr.
      const bool dss = !req.ssv && effectiveS1CdMax(s, cfg_.features) != 0;
      if (dss && s.s1dss == ste::S1DSS_TERMINATE)
        return fault(req, EventId::F_STREAM_DISABLED, true, r);
      const bool dssBypass = dss && s.s1dss == ste::S1DSS_BYPASS;
      if (!dssBypass) {
        // Nested: the CD (and L1 CD) addresses are IPAs that stage 2 translates (CLASS=CD).
        IpaCache::Translator s2t(*ipaCache_, s2cfg, mem_);
        mem_.setTimeBase(now + r.latency);
        FetchResult cr = fetchCd(s, req.ssid, req.ssv, cfg_.features, mem_, fresh.out.cd,
                                 s.config == ste::CFG_NESTED ? &s2t : nullptr);
        r.walkReads += cr.reads;
        r.latency += cr.latency;
        stats_.configReads += cr.reads;
        if (cr.fault != EventId::None) {
          const bool rec = !cr.s2 || !isTranslationFault(cr.fault) || s2cfg.record;
          return fault(req, cr.fault, rec, r, cr.s2 ? cr.ipa : cr.faultAddr,
                       cr.s2 ? evt::CLASS_CD : 0, cr.s2);
        }
        fresh.out.hasCd = true;
      }
    }
    fresh.readyAt = now + r.latency;
    if (defaultCc_)
      defaultCc_->insert(fresh);
    else
      cc_->fill(fresh);
    ce = &fresh;
  }

  const Ste& s = ce->out.ste;
  // Config abort: terminated without an event. Bypass (STE or S1DSS bypass): identity.
  if (s.config == ste::CFG_ABORT) {
    ++stats_.aborted;
    r.outcome = Outcome::Abort;
    r.servedBy = ServedBy::Abort;
    return r;
  }
  TlbEntry fill;
  fill.tag.sid = req.sid;
  fill.tag.ssid = req.ssid;
  fill.tag.ssv = req.ssv;
  Tbu& b = tbuOf(req.port);
  TlbIf* utlb = b.utlbFor(req.port);
  S2WalkConfig s2cfg;
  const bool withS2 = s.config == ste::CFG_S2 || s.config == ste::CFG_NESTED;
  if (withS2 && !S2WalkConfig::fromSte(s, cfg_.features, s2cfg))
    return fault(req, EventId::C_BAD_STE, true, r);
  if (s.config == ste::CFG_S2) return walkS2Only(req, now, r, s, s2cfg, b, utlb);
  if (s.config == ste::CFG_BYPASS || !ce->out.hasCd) {
    ++stats_.bypassed;
    fill.out.bypass = true;
    fill.tag.vaBase = req.iova & ~0xfffull;
    fill.out.paBase = fill.tag.vaBase;
    fill.tag.pageShift = 12;
    fill.out.level = 0;
    fill.readyAt = now + r.latency;
    insertFill(fill, b, utlb);
    r.servedBy = ServedBy::Bypass;
    r.pa = req.iova;  // identity, as on a TLB hit of the bypass entry
    r.writable = true;
    r.readable = true;
    return r;
  }

  // Stage 1.
  const ContextDescriptor& cd = ce->out.cd;
  S1WalkConfig wc;
  if (!S1WalkConfig::fromCd(cd, cfg_.features, wc)) return fault(req, EventId::C_BAD_CD, true, r);
  const AccessAttrs acc = applyStreamOverrides(req.acc, s.privcfg, s.instcfg);
  const uint16_t asid = cfg_.features.asid16 ? cd.asid : uint16_t(cd.asid & 0xff);
  const uint16_t vmid = withS2 ? s2cfg.vmid : 0;
  const bool nested = s.config == ste::CFG_NESTED;

  ++stats_.walks;
  if (nested) ++stats_.nestedWalks;
  WalkCacheHook* hook = nullptr;
  const uint64_t wcHitsBefore = walkCache_->hits(), s2HitsBefore = s2WalkCache_->hits();
  if (walkCache_->enabled()) {
    lookupThrough(walkCachePorts_, now, r.latency, Tick(tm.walkCacheLookupCycles) * clk);
    walkCache_->setContext(vmid, asid);
    hook = walkCache_.get();
  }
  // Walk-prefix coalescing: the in-flight walks are consulted with (in front of) the walk cache.
  if (inflight_.enabled()) {
    inflight_.setInner(hook);
    inflight_.begin((uint64_t(vmid) << 16) | asid, now + r.latency);
    hook = &inflight_;
  }
  mem_.setTimeBase(now + r.latency);
  IpaCache::Translator s2t(*ipaCache_, s2cfg, mem_);
  const WalkResult w = nested ? walkNested(wc, req.iova, acc, mem_, s2t, hook)
                              : walkStage1(wc, req.iova, acc, mem_, hook);
  if (inflight_.enabled()) inflight_.end(now + r.latency + w.latency);
  stats_.walkCacheHits += walkCache_->hits() - wcHitsBefore;
  countWalkSharing(w, s2HitsBefore);
  r.walkReads += w.reads;
  r.latency += w.latency;
  stats_.walkReads += w.reads;
  stats_.walkTime += w.latency;
  r.level = w.level;
  if (w.fault != EventId::None) {
    // Stage-1 translation faults are recorded per CD.R, stage-2 ones per STE.S2R.
    const bool record = !isTranslationFault(w.fault) || (w.s2 ? s2cfg.record : cd.r);
    const uint64_t addr2 = w.fault == EventId::F_WALK_EABT ? w.descAddr : w.s2 ? w.ipa : 0;
    TranslationRequest ev = req;
    ev.acc = acc;
    return fault(ev, w.fault, record, r, addr2, w.cls, w.s2);
  }
  fill.tag.asid = asid;
  fill.tag.vmid = vmid;
  fill.tag.global = !w.attrs.ng;
  fill.tag.vaBase = w.vaBase;
  fill.out.paBase = w.paBase;
  fill.tag.pageShift = w.pageShift;
  fill.out.level = w.level;
  fill.out.attrs = w.attrs;
  fill.out.wxn = wc.wxn;
  fill.out.uwxn = wc.uwxn;
  fill.out.pan = wc.pan;
  fill.out.recordFaults = cd.r;
  fill.out.privcfg = s.privcfg;
  fill.out.instcfg = s.instcfg;
  fill.out.stages = nested ? 3 : 1;
  fill.out.s2Record = s2cfg.record;
  fill.readyAt = now + r.latency;
  fillTlbs(fill, w, b, utlb);
  r.pa = w.pa;
  r.writable = !w.attrs.readOnly && (!nested || w.attrs.s2Write);
  r.readable = !nested || w.attrs.s2Read;  // stage 1 always allows a read
  return r;
}

void SmmuCore::countWalkSharing(const WalkResult& w, uint64_t s2HitsBefore) {
  stats_.s2WalkCacheHits += s2WalkCache_->hits() - s2HitsBefore;
  if (w.joinWait) {
    ++stats_.walkJoins;
    stats_.walkJoinWait += w.joinWait;
  }
}

void SmmuCore::fillTlbs(TlbEntry& fill, const WalkResult& w, Tbu& b, TlbIf* utlb) {
  // The contiguous hint: one entry for the whole aligned span (software guarantees that every
  // descriptor of the span maps contiguously with the same attributes; if it does not, the
  // architecture allows any of their translations, which this is).
  if (cfg_.contiguousHint && w.contigShift > fill.tag.pageShift && w.contigShift < 64) {
    const uint64_t off = fill.tag.vaBase & ((uint64_t(1) << w.contigShift) - 1);
    fill.tag.vaBase -= off;
    fill.out.paBase -= off;
    fill.tag.pageShift = w.contigShift;
    ++stats_.contiguousFills;
  }
  insertFill(fill, b, utlb);
}

// fill.readyAt is the walk's end: the response goes down the link and the TBU's TLBs hold the
// entry from its arrival (a hit before then waits for it, as on a fill in flight).
void SmmuCore::insertFill(TlbEntry& fill, Tbu& b, TlbIf* utlb) {
  if (!b.down().instant()) {
    fill.readyAt = b.down().send(fill.readyAt, b.stats().linkWait);
    responseAt_ = fill.readyAt;
    responseSent_ = true;
  }
  b.tlb().fill(fill);
  if (utlb) utlb->fill(fill);
  lastFill_ = fill;
  lastFillValid_ = true;
  lastFillTbu_ = b.index();
}

TranslationResult SmmuCore::walkS2Only(const TranslationRequest& req, Tick now,
                                       TranslationResult r, const Ste& s,
                                       const S2WalkConfig& s2cfg, Tbu& b, TlbIf* utlb) {
  const AccessAttrs acc = applyStreamOverrides(req.acc, s.privcfg, s.instcfg);
  ++stats_.walks;
  ++stats_.s2Walks;
  WalkCacheHook* hook = nullptr;
  const uint64_t s2HitsBefore = s2WalkCache_->hits();
  if (s2WalkCache_->enabled()) {
    lookupThrough(walkCachePorts_, now, r.latency,
                  Tick(cfg_.timing.walkCacheLookupCycles) * cfg_.timing.clockPeriodPs);
    s2WalkCache_->setContext(s2cfg.vmid, 0);
    hook = s2WalkCache_.get();
  }
  mem_.setTimeBase(now + r.latency);
  const WalkResult w = walkStage2Only(s2cfg, req.iova, acc, mem_, hook);
  countWalkSharing(w, s2HitsBefore);
  r.walkReads += w.reads;
  r.latency += w.latency;
  stats_.walkReads += w.reads;
  stats_.walkTime += w.latency;
  r.level = w.level;
  if (w.fault != EventId::None) {
    // An input beyond the IAS is a stage-1 F_ADDR_SIZE (walkStage2Only reports s2 = false).
    const bool record = !isTranslationFault(w.fault) || !w.s2 || s2cfg.record;
    const uint64_t addr2 = w.fault == EventId::F_WALK_EABT ? w.descAddr : w.s2 ? req.iova : 0;
    TranslationRequest ev = req;
    ev.acc = acc;
    return fault(ev, w.fault, record, r, addr2, w.cls, w.s2);
  }
  TlbEntry fill;
  fill.tag.sid = req.sid;
  fill.tag.ssid = req.ssid;
  fill.tag.ssv = req.ssv;
  fill.tag.vmid = s2cfg.vmid;
  fill.tag.global = true;  // not tagged by an ASID
  fill.tag.vaBase = w.vaBase;
  fill.out.paBase = w.paBase;
  fill.tag.pageShift = w.pageShift;
  fill.out.level = w.level;
  fill.out.attrs = w.attrs;
  fill.out.privcfg = s.privcfg;
  fill.out.instcfg = s.instcfg;
  fill.out.stages = 2;
  fill.out.s2Record = s2cfg.record;
  fill.readyAt = now + r.latency;
  fillTlbs(fill, w, b, utlb);
  r.pa = w.pa;
  r.writable = w.attrs.s2Write;
  r.readable = w.attrs.s2Read;
  return r;
}

}  // namespace smmu
