#include "System.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace smmu::tb {

using sc_core::sc_time;
using sc_core::SC_NS;

namespace {
constexpr uint64_t kTableArea = 1ull << 30;  // first GiB of RAM: structures and page tables
}

System::System(sc_core::sc_module_name name, const Scenario& s, const std::string& recordPath)
    : sc_module(name), sc_(s), mem_(s.memory.latencyNs * kPsPerNs), memTarget_("memory", mem_) {
  validateScenario(s);
  for (const auto& r : s.memory.regions) mem_.addRegion(r.base, r.size);
  mem_.setChannels(s.memory.channels, s.memory.occupancyNs * kPsPerNs, burstBytesOf(s.memory));
  mem_.setAtomicExtra(s.memory.atomicExtraNs * kPsPerNs);
  mem_.setTimeOrdered(s.memory.timeOrdered);
  const bool lt = s.run.mode == RunMode::Lt;
  if (lt) tlm::tlm_global_quantum::instance().set(sc_time(double(s.run.quantumNs), SC_NS));
  if (!recordPath.empty()) recorder_ = std::make_unique<TransactionRecorder>(recordPath);
  if (s.memory.regions.empty() || s.memory.regions.front().size < 2 * kTableArea)
    throw std::runtime_error("memory.regions[0]: needs at least 2 GiB (1 GiB for tables and "
                             "queues, the rest for device buffers)");
  const MemRegion& ram = s.memory.regions.front();
  // The host reaches memory through TLM at its own time (setup work included: its accesses
  // take channel slots when they happen, not at a time computed elsewhere).
  hostMem_ = std::make_unique<HostMemoryPort>("host_memory");
  hostMem_->port.socket.bind(memTarget_.socket);
  // memory.time_ordered: the host's accesses, the walks and the queues take effect at their
  // time (device data does not ask for it: see SparseMemory::orderNext).
  hostMem_->port.setTimeOrdered(s.memory.timeOrdered);
  tableAlloc_ = std::make_unique<PageAllocator>(*hostMem_, ram.base, kTableArea);
  // Device buffers are the devices' memory, prepared outside the simulated system: zeroed
  // without simulated time (they are shared zero pages until written).
  dataAlloc_ = std::make_unique<PageAllocator>(mem_, ram.base + kTableArea, ram.size - kTableArea,
                                               /*timedZeroing=*/false);

  for (size_t i = 0; i < s.smmus.size(); ++i) {
    const SmmuConfig& spec = s.smmus[i].config;
    auto smmu = std::make_unique<Smmu>(spec.name.c_str(), spec);
    smmu->walk.socket.bind(memTarget_.socket);
    smmu->walk.setTimeOrdered(s.memory.timeOrdered);
    smmu->dmaOut.bind(memTarget_.socket);
    smmu->dmaDmi = lt;  // LT: translated data through DMI where memory grants it
    auto port = std::make_unique<TlmRegisterAccess>(fmt::format("host_{}", spec.name).c_str(),
                                                    spec.regBase);
    port->socket.bind(smmu->regs);
    port->memory = hostMem_.get();
    DriverOptions opt;
    opt.sidBits = spec.features.sidBits;
    opt.twoLevel = s.smmus[i].streamTable() == StreamTableFormat::TwoLevel;
    drivers_.push_back(std::make_unique<ArmSmmuV3Driver>(*port, *hostMem_, *tableAlloc_, opt));
    smmus_.push_back(std::move(smmu));
    hostPorts_.push_back(std::move(port));
  }
  tableBytes_.assign(smmus_.size(), 0);

  const auto sidBases = resolvedSidBases(s);
  traceStreams_.resize(s.devices.size());
  std::vector<uint32_t> nextPort(smmus_.size(), 0);  // dmaIn binding index = TBU port
  for (size_t g = 0; g < s.devices.size(); ++g) {
    const DeviceGroup& grp = s.devices[g];
    const size_t si = smmuIndexOf(s, grp);
    const unsigned tbu = tbuIndexOf(s, grp);
    std::shared_ptr<const std::vector<TraceRow>> trace;
    if (!grp.trace.empty()) {
      auto rows = std::make_shared<std::vector<TraceRow>>(loadTrace(tracePathFor(s, g)));
      for (const auto& r : *rows) {
        const std::pair<uint32_t, std::optional<uint32_t>> st{
            r.sid, r.ssv ? std::optional<uint32_t>(r.ssid) : std::nullopt};
        auto& v = traceStreams_[g];
        if (std::find(v.begin(), v.end(), st) == v.end()) v.push_back(st);
      }
      trace = std::move(rows);
    }
    for (uint32_t k = 0; k < grp.count; ++k) {
      DeviceParams p;
      p.sid = sidBases[g] + k;
      p.ssv = grp.ssid.has_value();
      p.ssid = grp.ssid.value_or(0);
      p.iovaBase = grp.iovaBase;
      p.accessBytes = grp.accessBytes;
      p.outstanding = grp.outstanding;
      p.transactions = grp.transactions;
      p.thinkPs = grp.thinkNs * kPsPerNs;
      p.trace = trace;
      p.recorder = recorder_.get();
      p.quantumPs = lt ? s.run.quantumNs * kPsPerNs : 0;
      p.qos = grp.qos;
      // Walker arbitration other than fifo holds misses inside the SMMU's transport: the
      // device issues from a thread per slot so that its other slots go on.
      p.slotThreads = smmus_[si]->arbitratedWalkers();
      p.window = &window_;
      const std::string dname = grp.count == 1 ? grp.name : fmt::format("{}{}", grp.name, k);
      auto dev = std::make_unique<Device>(dname.c_str(), p,
                                          makeTrafficPattern(trafficSpecFor(s, g, k)), start_);
      dev->socket.bind(smmus_[si]->dmaIn);
      smmus_[si]->core().setPortTbu(nextPort[si]++, tbu);
      DeviceRecord rec;
      rec.name = dname;
      rec.group = grp.name;
      rec.smmu = s.smmus[si].config.name;
      rec.tbu = smmus_[si]->core().tbu(tbu).name();
      rec.pattern = grp.pattern;
      rec.sid = p.sid;
      rec.ssv = p.ssv;
      rec.ssid = p.ssid;
      deviceInfo_.push_back(rec);
      devices_.push_back(std::move(dev));
    }
  }
  SC_THREAD(hostThread);
  SC_THREAD(progressThread);
}

System::~System() = default;

void System::hostThread() {
  try {
    for (auto& d : drivers_) d->probe();
    size_t di = 0;
    for (size_t g = 0; g < sc_.devices.size(); ++g) {
      const DeviceGroup& grp = sc_.devices[g];
      const size_t si = smmuIndexOf(sc_, grp);
      ArmSmmuV3Driver& drv = *drivers_[si];
      for (uint32_t k = 0; k < grp.count; ++k, ++di) {
        const DeviceParams& p = devices_[di]->params();
        DomainOptions dopt;
        dopt.granule = grp.granule;
        dopt.iasBits = 48;
        Domain& dom = drv.createDomain(dopt);
        // The buffer is mapped before the device is attached, so that its stream never sees a
        // half-built domain (as with VFIO/iommufd, where the IOVA space is populated first).
        const uint64_t size = (grp.footprintBytes + grp.pageSize - 1) / grp.pageSize * grp.pageSize;
        const PhysAddr pa = dataAlloc_->alloc(size, grp.pageSize);
        // One map() per page_size chunk, so that the buffer is mapped with exactly that page
        // or block size (a single map() would pick the largest size the alignment allows).
        IommuProt prot;
        for (uint64_t off = 0; off < size; off += grp.pageSize)
          if (!drv.map(dom, p.iovaBase + off, pa + off, grp.pageSize, prot))
            throw std::runtime_error(fmt::format("device {}: mapping IOVA {:#x} failed", di,
                                                 p.iovaBase + off));
        if (p.trace) {
          // A trace-driven device attaches every stream its trace uses to its domain.
          for (const auto& [sid, ssid] : traceStreams_[g]) {
            if (ssid)
              drv.attachPasid(dom, sid, *ssid);
            else
              drv.attach(dom, sid);
          }
        } else if (p.ssv) {
          drv.attachPasid(dom, p.sid, p.ssid);
        } else {
          drv.attach(dom, p.sid);
        }
      }
    }
    for (size_t i = 0; i < drivers_.size(); ++i) tableBytes_[i] = drivers_[i]->pgtableBytes();
  } catch (const std::exception& e) {
    hostError_ = e.what();
    sc_core::sc_stop();
    return;
  }
  setupDoneNs_ = sc_core::sc_time_stamp().to_seconds() * 1e9;
  // Statistics start with the traffic: the setup's commands, configuration fetches and memory
  // accesses are not counted. (The host does not wait for the CMD_PREFETCH_CONFIG it queued
  // after the last STE, as Linux does not: the SMMU consumes it in the window's first ~100 ns,
  // and it counts as the window's command.) With a warm-up, the window opens later, at the
  // issue of the first transaction past it, and the counters are reset again then.
  const Tick trafficStart = MemoryTarget::toTick(sc_core::sc_time_stamp());
  window_.warmupEndPs = trafficStart + sc_.run.warmupNs * kPsPerNs;
  window_.warmupTransactions = sc_.run.warmupTransactions;
  const bool warmup = sc_.run.warmupNs || sc_.run.warmupTransactions;
  window_.startPs = warmup ? StatsWindow::kClosed : trafficStart;
  window_.onOpen = [this](Tick) { resetCounters(); };
  resetCounters();
  if (onTrafficStart) onTrafficStart();
  start_.notify(sc_core::SC_ZERO_TIME);
  for (auto& d : devices_)
    if (!d->done()) wait(d->doneEvent);
  for (auto& d : drivers_) eventsDrained_ += d->drainEvents().events.size();
  sc_core::sc_stop();
}

void System::resetCounters() {
  for (auto& m : smmus_) m->resetStats();
  mem_.resetChannelCounters();
}

void System::progressThread() {
  // Reports progress from simulated time; wakes rarely so that it does not cost speed.
  const uint64_t total = totalTransactions(sc_);
  wait(start_);
  for (;;) {
    wait(sc_time(10, sc_core::SC_US));
    if (!onProgress) continue;
    uint64_t done = window_.excluded;  // warm-up transactions are issued too
    for (auto& d : devices_) done += d->stats().issued;
    onProgress(done, total, uint64_t(sc_core::sc_time_stamp().to_seconds() * 1e9));
  }
}

RunRecord System::record() const {
  RunRecord r;
  r.scenario = &sc_;
  for (size_t i = 0; i < devices_.size(); ++i) {
    DeviceRecord d = deviceInfo_[i];
    d.stats = &devices_[i]->stats();
    r.devices.push_back(d);
  }
  for (size_t i = 0; i < smmus_.size(); ++i) {
    SmmuRecord m;
    m.name = sc_.smmus[i].config.name;
    m.stats = &smmus_[i]->core().stats();
    m.tableBytes = tableBytes_[i];
    m.hostCommands = drivers_[i]->stats().commandsIssued;
    m.walkers = &smmus_[i]->core().walkerSlots();
    m.lookupSlots = {{"config_cache", &smmus_[i]->core().configLookupSlots()},
                     {"walk_cache", &smmus_[i]->core().walkCacheLookupSlots()}};
    m.walkerCount = smmus_[i]->config().ptwSlots;
    for (size_t b = 0; b < smmus_[i]->core().tbuCount(); ++b)
      m.tbus.push_back(&smmus_[i]->core().tbu(b));
    m.arbitration = smmus_[i]->config().ptwArbitration;
    if (smmus_[i]->arbitratedWalkers()) m.arbitrationStats = &smmus_[i]->arbitrationStats();
    r.smmus.push_back(m);
  }
  r.simTimeNs = sc_core::sc_time_stamp().to_seconds() * 1e9;
  r.memoryPages = mem_.pagesAllocated();
  if (mem_.timeOrdered()) r.lateWrites = int64_t(mem_.history().lateWrites());
  r.eventsDrained = eventsDrained_;
  r.trafficStartNs = setupDoneNs_;
  r.windowStartPs = window_.startPs;
  r.warmupNs = sc_.run.warmupNs;
  r.warmupTransactions = sc_.run.warmupTransactions;
  r.excludedTransactions = window_.excluded;
  r.memoryChannels = &mem_.channels();
  return r;
}

}  // namespace smmu::tb
