#include "smmu/Smmu.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>

#include "arch/Registers.h"

namespace smmu {

namespace {

// memcpy with the usual DMA sizes as fixed-size copies (inlined moves, not a library call);
// a cache line, the commonest, tested first.
inline void copyBytes(unsigned char* dst, const unsigned char* src, unsigned len) {
  if (len == 64) {
    std::memcpy(dst, src, 64);
    return;
  }
  switch (len) {
    case 4: std::memcpy(dst, src, 4); return;
    case 8: std::memcpy(dst, src, 8); return;
    case 16: std::memcpy(dst, src, 16); return;
    case 32: std::memcpy(dst, src, 32); return;
    case 64: std::memcpy(dst, src, 64); return;
    case 128: std::memcpy(dst, src, 128); return;
    case 256: std::memcpy(dst, src, 256); return;
    default: std::memcpy(dst, src, len); return;
  }
}

}  // namespace

using sc_core::sc_time;
using sc_core::SC_PS;

Smmu::Smmu(sc_core::sc_module_name name, const SmmuConfig& cfg)
    : sc_module(name),
      regs("regs"),
      dmaIn("dmaIn", this),
      dmaOut("dmaOut"),
      walk("walk"),
      core_(cfg, walk),
      arbitrated_(cfg.ptwArbitration != ArbitrationPolicy::Fifo),
      arbiter_(cfg.ptwSlots, cfg.ptwArbitration) {
  // (Sized once: a transport waiting in a TBU's queue holds a reference to it.)
  slotWaiters_.resize(core_.tbuCount());
  regs.register_b_transport(this, &Smmu::regTransport);
  regs.register_transport_dbg(this, &Smmu::regDebug);
  dmaOut.register_invalidate_direct_mem_ptr(this, &Smmu::invalidateDmi);
  SC_THREAD(commandThread);
  SC_METHOD(arbitrationPass);
  sensitive << arbitrate_;
  dont_initialize();
}

void Smmu::regTransport(tlm::tlm_generic_payload& p, sc_time& delay) {
  regDebug(p);
  delay += regAccessLatency;
  if (p.is_write() && p.is_response_ok()) {
    const uint32_t off = uint32_t(p.get_address() - config().regBase);
    if (off == reg::CMDQ_PROD || off == reg::CR0 || off == reg::GERRORN) cmdqKick_.notify(delay);
  }
}

unsigned Smmu::regDebug(tlm::tlm_generic_payload& p) {
  // The frame decodes physical addresses [reg_base, reg_base + 128 KiB).
  const unsigned len = p.get_data_length();
  const uint64_t base = config().regBase;
  const uint64_t addr = p.get_address();
  const uint64_t off = addr - base;
  if (addr < base || (len != 4 && len != 8) || (off & (len - 1)) || off >= reg::FRAME_SIZE ||
      p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return 0;
  }
  if (p.is_read()) {
    const uint64_t v = core_.readReg(uint32_t(off), len);
    std::memcpy(p.get_data_ptr(), &v, len);
  } else if (p.is_write()) {
    uint64_t v = 0;
    std::memcpy(&v, p.get_data_ptr(), len);
    core_.writeReg(uint32_t(off), v, len);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

// (This and completeDma are inlined into dmaTransport: one function for the whole DMA hit path.)
__attribute__((always_inline)) inline bool Smmu::dmaThroughDmi(tlm::tlm_generic_payload& p,
                                                             PhysAddr pa, sc_time& delay) {
  const unsigned len = p.get_data_length();
  const tlm::tlm_command cmd = p.get_command();
  unsigned char* data = p.get_data_ptr();
  const unsigned width = p.get_streaming_width();
  // Only what b_transport would do plainly: a read or write of at least one byte, no byte
  // enables, no streaming (the target reports those).
  static_assert(tlm::TLM_READ_COMMAND == 0 && tlm::TLM_WRITE_COMMAND == 1 &&
                tlm::TLM_IGNORE_COMMAND == 2);
  if (len == 0 || unsigned(cmd) > 1 || p.get_byte_enable_ptr() || (width != 0 && width < len) ||
      !data)
    return false;
  const DmiGrant& g = dmi_[(pa >> 12) % kDmiGrants];
  // Inside the grant: start <= pa and pa + len - 1 <= end, without overflow (pa < start wraps
  // off above span).
  const uint64_t off = pa - g.start;
  if (!((g.allow >> cmd) & 1) || off > g.span || len - 1 > g.span - off) return false;
  unsigned char* mem = g.ptr + off;
  // One copy between selected ends rather than a branch on the direction, which a random
  // read/write mix mispredicts half the time (and which GCC makes of a ?: here): the ends are
  // swapped by a mask, all ones for a write.
  const uintptr_t swap = (uintptr_t(mem) ^ uintptr_t(data)) & (0 - uintptr_t(cmd));
  copyBytes(reinterpret_cast<unsigned char*>(uintptr_t(data) ^ swap),
            reinterpret_cast<const unsigned char*>(uintptr_t(mem) ^ swap), len);
  delay += g.latency[cmd];
  p.set_dmi_allowed(true);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  ++dmaDmiAccesses;
  return true;
}

// The simulated time of a transport annotated with `delay`, in picoseconds.
inline Tick Smmu::timeOf(const sc_time& delay) {
  if (!unitsPerPs_) {  // the resolution is fixed while simulating
    unitsPerPs_ = sc_time(1, SC_PS).value();
    psResolution_ = unitsPerPs_ == 1;
  }
  // The kernel's time, inline (sc_time_stamp() is a library call).
  const uint64_t at = simcontext()->time_stamp().value() + delay.value();
  return psResolution_ ? at : at / unitsPerPs_;
}

// The request of a DMA from the device bound at `port`.
__attribute__((always_inline)) inline TranslationRequest Smmu::requestOf(
    int port, const tlm::tlm_generic_payload& p, const TxnExtension& ext) {
  // Field by field, as the device has just written them: a wider load of fields stored
  // separately stalls on store forwarding (hence also the condition on ssid, which keeps
  // GCC from loading sid and ssid as one word; without a substream SmmuCore ignores ssid).
  // Every field once (no default initialisation first).
  const bool ssv = ext.req.ssv;
  return TranslationRequest{uint32_t(port),  // the binding index: one micro TLB per device
                            ext.req.sid,
                            ssv ? ext.req.ssid : 0,
                            ssv,
                            p.get_address(),
                            AccessAttrs{p.is_write(), ext.req.acc.priv, ext.req.acc.instr},
                            ext.req.qos};
}

void Smmu::dmaTransport(int port, tlm::tlm_generic_payload& p, sc_time& delay) {
  TxnExtension* ext = nullptr;
  p.get_extension(ext);
  if (!ext) [[unlikely]] {
    dmaTransportWithoutExtension(port, p, delay);
    return;
  }
  if (arbitrated_) [[unlikely]] {
    dmaTransportArbitrated(port, p, delay, ext);
    return;
  }
  const TranslationRequest req = requestOf(port, p, *ext);
  // The result is built in place, in the extension (the device reads it there): constructing
  // it from the returned prvalue writes it there directly, where an assignment would copy the
  // freshly written struct (and stall on store forwarding).
  static_assert(std::is_trivially_destructible_v<TranslationResult>);
  TranslationResult& r = ext->result;
  new (&r) TranslationResult(core_.translate(req, timeOf(delay)));
  completeDma(p, r, r.latency, delay);
  core_.noteTransactionEnd(uint32_t(port), timeOf(delay));  // (for CMD_SYNC, IHI 0070 3.21)
}

// No TxnExtension, so no StreamID: treated as StreamID 0 without substream.
__attribute__((noinline)) void Smmu::dmaTransportWithoutExtension(int port,
                                                                  tlm::tlm_generic_payload& p,
                                                                  sc_time& delay) {
  ++dmaWithoutExtension;
  if (arbitrated_) {  // the same walkers, through the arbiter (request: StreamID 0, QoS 0)
    TxnExtension none;
    dmaTransportArbitrated(port, p, delay, &none);
    return;
  }
  TranslationRequest req;
  req.port = uint32_t(port);
  req.iova = p.get_address();
  req.acc.write = p.is_write();
  const TranslationResult r = core_.translate(req, timeOf(delay));
  completeDma(p, r, r.latency, delay);
  core_.noteTransactionEnd(uint32_t(port), timeOf(delay));
}

// The translation's latency onto the delay, then the data access at the translated address
// (or the error response of a fault or abort).
__attribute__((always_inline)) inline void Smmu::completeDma(tlm::tlm_generic_payload& p,
                                                           const TranslationResult& r,
                                                           Tick latencyPs, sc_time& delay) {
  if (latencyPs != lastLatencyPs_) {  // hits mostly take the same time: convert once
    lastLatency_ = psTime(latencyPs);
    lastLatencyPs_ = latencyPs;
  }
  delay += lastLatency_;
  if (r.outcome != Outcome::Ok) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const PhysAddr pa = r.pa;
  if (dmaDmi && dmaThroughDmi(p, pa, delay)) return;
  const uint64_t iova = p.get_address();
  p.set_address(pa);
  dmaOut->b_transport(p, delay);
  if (dmaDmi && p.is_write() && p.is_response_ok() && p.is_dmi_allowed()) requestDmi(p, pa);
  p.set_address(iova);
}

// ---------------------------------------------------------------------------------------------
// Walker arbitration

// A miss queued for a walker (it lives on the stack of the transport that waits).
struct Smmu::WalkWaiter {
  const TranslationRequest* req = nullptr;
  bool covered = false;       // woken because another walk's fill translates it
  sc_core::sc_event granted;  // the arbiter handed it a walker (or covered)
};

// The stream of a request: StreamID, SSV and SubstreamID.
inline uint64_t streamKey(const TranslationRequest& r) {
  return uint64_t(r.sid) << 32 | uint64_t(r.ssv) << 31 | (r.ssv ? r.ssid : 0);
}

Tick Smmu::nowTick() { return timeOf(sc_core::SC_ZERO_TIME); }

void Smmu::waitUntilPs(Tick t) {
  const Tick now = nowTick();
  if (t > now) wait(psTime(t - now));
}

// The transaction at the front of the port's TBU-slot queue, when a slot can be taken.
void Smmu::wakeSlotWaiter(uint32_t port) {
  auto& q = slotWaiters_[core_.tbuIndexOf(port)];
  if (!q.empty() && core_.translationSlotAvailable(port)) q.front()->notify();
}

void Smmu::dmaTransportArbitrated(int port, tlm::tlm_generic_payload& p, sc_time& delay,
                                  TxnExtension* ext) {
  // The arbiter decides as walkers free, in simulated time: start at the kernel's time.
  if (delay != sc_core::SC_ZERO_TIME) {
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  const Tick arrival = nowTick();
  const uint64_t order = arrivals_++;
  // A TBU translation slot, in arrival order, while parked misses hold every slot: the front
  // waiter takes the earliest-free slot when it frees (no slot held by a miss not yet granted a
  // walker can free earlier: it ends after its grant, after now); a release wakes it to look
  // again. The translation is computed from the arrival, as without deferral.
  // (Each TBU has its own slots and its own queue.)
  auto& waiters = slotWaiters_[core_.tbuIndexOf(uint32_t(port))];
  if (!waiters.empty() || !core_.translationSlotAvailable(uint32_t(port))) {
    sc_core::sc_event mine;
    waiters.push_back(&mine);
    for (;;) {
      if (waiters.front() == &mine && core_.translationSlotAvailable(uint32_t(port))) {
        const Tick freeAt = core_.translationSlotFreeAt(uint32_t(port)), now = nowTick();
        if (freeAt <= now) break;
        wait(psTime(freeAt - now), mine);
      } else {
        wait(mine);
      }
    }
    waiters.pop_front();
  }
  Translation t;
  core_.start(t, requestOf(port, p, *ext), arrival);
  wakeSlotWaiter(uint32_t(port));  // (another slot may be free: the next in line takes it)
  if (t.parked()) arbitrateWalk(t, order);
  TranslationResult& r = ext->result;
  r = t.result;
  // What is left of the translation time after the waits inside this transport.
  const Tick end = arrival + r.latency, at = nowTick();
  completeDma(p, r, end > at ? end - at : 0, delay);
  core_.noteTransactionEnd(uint32_t(port), timeOf(delay));
}

void Smmu::arbitrateWalk(Translation& t, uint64_t order) {
  const Tick request = t.parkedAt();
  waitUntilPs(request);  // the miss reaches the walkers
  WalkWaiter me;
  me.req = &t.req;
  const uint64_t id = uint64_t(reinterpret_cast<uintptr_t>(&me));
  std::vector<WalkWaiter*>& sameStream = queuedWalks_[streamKey(t.req)];
  for (bool granted = false;;) {
    // Another walk filled the page (or is filling it) since the miss: no walk of its own. (Also
    // after a grant: a walk granted in the same pass may have filled it; the walker is freed.)
    if (core_.resume(t, Translation::Resume::FillArrived, nowTick())) {
      ++arbStats_.servedByFill;
      if (granted) {
        arbiter_.free();
        arbitrate_.notify(sc_core::SC_ZERO_TIME);
      }
      wakeSlotWaiter(t.req.port);
      return;
    }
    if (granted) break;
    // Requests and releases of this instant are arbitrated together, after this delta.
    arbiter_.request(WalkerArbiter::Waiter{id, t.req.port, t.req.qos, order});
    sameStream.push_back(&me);
    me.covered = false;
    arbitrate_.notify(sc_core::SC_ZERO_TIME);
    wait(me.granted);
    sameStream.erase(std::find(sameStream.begin(), sameStream.end(), &me));
    granted = !me.covered;  // else: covered by another walk's fill, served above
  }
  const Tick grant = nowTick();  // (>= request: it asked no earlier)
  arbStats_.recordGrant(t.req.qos, grant - request);
  core_.resume(t, Translation::Resume::WalkerGranted, grant);
  // Misses waiting for a walker that this walk's fill translates take the fill instead (a
  // TBU matches its outstanding misses against a returning translation).
  for (WalkWaiter* w : sameStream)
    if (!w->covered && core_.lastFillCovers(*w->req) &&
        arbiter_.cancel(uint64_t(reinterpret_cast<uintptr_t>(w)))) {
      w->covered = true;
      w->granted.notify();
    }
  wakeSlotWaiter(t.req.port);
  // The walker is held until the translation ends; then it is free for the next pass.
  waitUntilPs(t.arrival + t.result.latency);
  arbiter_.free();
  arbitrate_.notify(sc_core::SC_ZERO_TIME);
}

void Smmu::arbitrationPass() {
  WalkerArbiter::Waiter w;
  while (arbiter_.grant(&w)) reinterpret_cast<WalkWaiter*>(uintptr_t(w.id))->granted.notify();
}

void Smmu::requestDmi(tlm::tlm_generic_payload& p, PhysAddr pa) {
  tlm::tlm_dmi d;  // p carries the translated address (no new payload: no allocation)
  if (!dmaOut->get_direct_mem_ptr(p, d) || !d.get_dmi_ptr()) return;
  if (pa < d.get_start_address() || pa > d.get_end_address()) return;
  DmiGrant& g = dmi_[(pa >> 12) % kDmiGrants];
  g.allow = uint8_t((d.is_read_allowed() ? 1u << tlm::TLM_READ_COMMAND : 0u) |
                    (d.is_write_allowed() ? 1u << tlm::TLM_WRITE_COMMAND : 0u));
  g.start = d.get_start_address();
  g.end = d.get_end_address();
  g.span = g.end - g.start;
  g.ptr = d.get_dmi_ptr();
  g.latency[tlm::TLM_READ_COMMAND] = d.get_read_latency();
  g.latency[tlm::TLM_WRITE_COMMAND] = d.get_write_latency();
}

void Smmu::invalidateDmi(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (DmiGrant& g : dmi_)
    if (g.allow && g.start <= end && start <= g.end) g.allow = 0;
}

void Smmu::commandThread() {
  for (;;) {
    while (core_.commandsPending()) {
      // The command's memory accesses start now (not at the last translation's time base).
      walk.setTimeBase(nowTick());
      const Tick t = core_.processCommands(1, nowTick());
      wait(sc_time(double(t), SC_PS));
    }
    wait(cmdqKick_);
  }
}

}  // namespace smmu
