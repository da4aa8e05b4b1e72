// Google Benchmark micro benchmarks of the model's pure parts, without a SystemC kernel: the
// TBU TLB, the stage-1 walker, SmmuCore::translate on a TLB hit and on a miss (every access
// walks), and the memory model. The whole-system cases (bare loop, LT hits, contention,
// miss-heavy, scale) are `smmusim bench` (bench/README.md).
//
//   smmu_bench [--benchmark_filter=REGEX] [--benchmark_min_time=0.2]
#include <benchmark/benchmark.h>

#include <memory>
#include <systemc>
#include <vector>

#include "cache/Tlb.h"
#include "host/ArmSmmuV3Driver.h"
#include "host/PageAllocator.h"
#include "mem/SparseMemory.h"
#include "smmu/DirectRegisterAccess.h"
#include "smmu/SmmuCore.h"
#include "walk/PageTableWalker.h"

namespace {

using namespace smmu;

constexpr uint64_t kIova = 0x100000000ull;  // IOVA of the mapped buffer
constexpr PhysAddr kData = 0x200000000ull;  // its physical address (never accessed here)

// An SmmuCore programmed by the host agent (DirectRegisterAccess: no kernel): StreamID 1 with
// a stage-1 domain mapping `pages` 4 KiB pages at kIova.
struct ProgrammedSmmu {
  SparseMemory mem;
  PageAllocator tables{mem, 0x80000000ull, 1ull << 30};
  std::unique_ptr<SmmuCore> core;
  std::unique_ptr<DirectRegisterAccess> regs;
  std::unique_ptr<ArmSmmuV3Driver> drv;
  Domain* domain = nullptr;
  Tick clock = 0;

  ProgrammedSmmu(const SmmuConfig& cfg, uint64_t pages) {
    core = std::make_unique<SmmuCore>(cfg, mem);
    regs = std::make_unique<DirectRegisterAccess>(*core);
    drv = std::make_unique<ArmSmmuV3Driver>(*regs, mem, tables);
    drv->probe();
    domain = &drv->createDomain();
    drv->attach(*domain, 1);
    for (uint64_t p = 0; p < pages; ++p)
      if (!drv->map(*domain, kIova + (p << 12), kData + (p << 12), 4096))
        throw std::runtime_error("map failed");
  }
  // One translation by a serial requester (issued when the previous one completed).
  const TranslationResult translate(uint64_t iova) {
    TranslationRequest r;
    r.sid = 1;
    r.iova = iova;
    const TranslationResult res = core->translate(r, clock);
    clock += res.latency;
    return res;
  }
};

// Pages visited in a pseudo-random order (a fixed odd stride modulo a power of two).
inline uint64_t scatter(uint64_t i, uint64_t pages) { return (i * 0x9E3779B1ull) & (pages - 1); }

void BM_TlbLookupHit(benchmark::State& state) {
  const unsigned live = unsigned(state.range(0));
  SetAssocTlb tlb(512, 4, "lru");
  TlbEntry e;
  e.tag.sid = 1;
  for (unsigned p = 0; p < live; ++p) {
    e.tag.vaBase = kIova + (uint64_t(p) << 12);
    e.out.paBase = kData + (uint64_t(p) << 12);
    tlb.insert(e);
  }
  TlbLookupKey key{1, 0, false, 0};
  uint64_t i = 0, hits = 0;
  for (auto _ : state) {
    key.va = kIova + ((i++ % live) << 12) + 0x40;
    hits += tlb.find(key) != nullptr;
  }
  if (hits != i) state.SkipWithError("expected every lookup to hit");
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_TlbLookupHit)->Arg(64)->Arg(256);

void BM_TlbLookupMiss(benchmark::State& state) {
  SetAssocTlb tlb(512, 4, "lru");
  TlbEntry e;
  e.tag.sid = 1;
  for (unsigned p = 0; p < 512; ++p) {
    e.tag.vaBase = kIova + (uint64_t(p) << 12);
    tlb.insert(e);
  }
  TlbLookupKey key{2, 0, false, 0};  // another stream: never present
  uint64_t i = 0;
  for (auto _ : state) {
    key.va = kIova + ((i++ & 511) << 12);
    benchmark::DoNotOptimize(tlb.find(key));
  }
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_TlbLookupMiss);

// A 4-level stage-1 walk (4 descriptor reads from SparseMemory) of a random mapped page.
void BM_WalkStage1(benchmark::State& state) {
  const uint64_t pages = uint64_t(state.range(0));
  ProgrammedSmmu s(SmmuConfig{}, pages);
  S1WalkConfig wc;
  if (!S1WalkConfig::fromCd(s.domain->cd(), s.core->features(), wc)) {
    state.SkipWithError("bad CD");
    return;
  }
  AccessAttrs acc;
  uint64_t i = 0;
  for (auto _ : state) {
    const WalkResult w = walkStage1(wc, kIova + (scatter(i++, pages) << 12), acc, s.mem);
    benchmark::DoNotOptimize(w.pa);
    if (w.fault != EventId::None) {
      state.SkipWithError("walk faulted");
      break;
    }
  }
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_WalkStage1)->Arg(1 << 16);

// SmmuCore::translate served by the main TLB: 64 pages, 64-byte steps.
void BM_TranslateHit(benchmark::State& state) {
  ProgrammedSmmu s(SmmuConfig{}, 64);
  for (uint64_t p = 0; p < 64; ++p) s.translate(kIova + (p << 12));  // fill the TLB
  const uint64_t hitsBefore = s.core->stats().tlbHits;
  uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.translate(kIova + ((i++ * 64) & ((64 << 12) - 1))).pa);
  }
  if (s.core->stats().tlbHits - hitsBefore != i) state.SkipWithError("expected TLB hits only");
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_TranslateHit);

// SmmuCore::translate when every access walks: a 4-entry TLB, no walk caches, random pages out
// of 64 K (config cache hit, 4 descriptor reads, TLB fill).
void BM_TranslateMiss(benchmark::State& state) {
  SmmuConfig cfg;
  cfg.tlbEntries = 4;
  cfg.tlbWays = 0;  // fully associative
  const uint64_t pages = 1 << 16;
  ProgrammedSmmu s(cfg, pages);
  const uint64_t walksBefore = s.core->stats().walks;
  uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.translate(kIova + (scatter(i++, pages) << 12)));
  state.counters["walks_per_translation"] =
      double(s.core->stats().walks - walksBefore) / double(i ? i : 1);
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_TranslateMiss);

// SparseMemory reads of stored pages (the walker's descriptor reads), random over 64 MiB.
void BM_SparseMemoryRead64(benchmark::State& state) {
  SparseMemory mem;
  const uint64_t pages = 1 << 14;
  for (uint64_t p = 0; p < pages; ++p) mem.write64(p << 12, p);
  uint64_t i = 0, v = 0;
  Tick lat = 0;
  for (auto _ : state) {
    mem.read64(scatter(i++, pages) << 12 | 0x18, v, &lat);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(int64_t(i));
}
BENCHMARK(BM_SparseMemoryRead64);

}  // namespace

// libsystemc provides main() and calls sc_main; no kernel is started here.
int sc_main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
