#include "host/ArmSmmuV3Driver.h"

#include <algorithm>
#include <sstream>

#include "arch/Registers.h"

#include "arch/Bits.h"

namespace smmu {
namespace {

using bits::hex;
using bits::lowestBit;
inline unsigned log2Floor(uint64_t v) { return bits::highestBit(v); }  // v != 0

constexpr uint64_t kQBaseRwa = 1ull << 62;  // Q_BASE_RWA
constexpr uint8_t kShIsh = 3;               // ARM_SMMU_SH_ISH
constexpr uint8_t kMemattrOiwb = 0xf;       // ARM_SMMU_MEMATTR_OIWB
constexpr uint8_t kS1cWbra = 1;             // STRTAB_STE_1_S1C_CACHE_WBRA

// Field masks of the STE / CD words the SMMU uses (arm_smmu_get_ste_used / _cd_used).
constexpr uint64_t kSte0V = 1ull << 0, kSte0Cfg = 0x7ull << 1, kSte0S1Fmt = 0x3ull << 4;
constexpr uint64_t kSte0S1CtxPtr = 0x000fffffffffffc0ull, kSte0S1CdMax = 0x1full << 59;
constexpr uint64_t kSte1S1Dss = 0x3ull, kSte1S1Cir = 0x3ull << 2, kSte1S1Cor = 0x3ull << 4,
                   kSte1S1Csh = 0x3ull << 6, kSte1Mev = 1ull << 19, kSte1S2Fwb = 1ull << 25,
                   kSte1S1Stalld = 1ull << 27, kSte1Eats = 0x3ull << 28,
                   kSte1Strw = 0x3ull << 30, kSte1Shcfg = 0x3ull << 44;
constexpr uint64_t kSte2S2Vmid = 0xffffull, kSte2Vtcr = 0x7ffffull << 32, kSte2S2Aa64 = 1ull << 51,
                   kSte2S2Endi = 1ull << 52, kSte2S2Ptw = 1ull << 54, kSte2S2S = 1ull << 57,
                   kSte2S2R = 1ull << 58;
constexpr uint64_t kSte3S2Ttb = 0x000ffffffffffff0ull;
constexpr uint64_t kCd0V = 1ull << 31, kCd0Epd0 = 1ull << 14;
constexpr uint64_t kCd0Tt0 = 0x3fffull;  // T0SZ, TG0, IRGN0, ORGN0, SH0 [13:0]
constexpr uint64_t kCd1Ttb0 = 0x000ffffffffffff0ull;

bool isTlbi(uint8_t op) { return op >= 0x10 && op <= 0x30; }
bool isCfgi(uint8_t op) { return op >= op::CFGI_STE && op <= op::CFGI_VMS_PIDM; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Errors

std::string cerrorName(uint32_t cerror) {
  switch (cerror) {
    case reg::CERROR_NONE: return "CERROR_NONE";
    case reg::CERROR_ILL: return "CERROR_ILL";
    case reg::CERROR_ABT: return "CERROR_ABT";
    case reg::CERROR_ATC_INV_SYNC: return "CERROR_ATC_INV_SYNC";
    default: return "CERROR_" + hex(cerror);
  }
}

std::string CmdqErrorInfo::describe() const {
  std::ostringstream s;
  s << "CMDQ error " << cerrorName(cerror) << " at CMDQ_CONS " << hex(cons) << " on "
    << opcodeName(uint8_t(command[0] & 0xff)) << " [" << hex(command[0]) << ", "
    << hex(command[1]) << "]";
  return s.str();
}

CmdqError::CmdqError(const CmdqErrorInfo& info)
    : std::runtime_error(info.describe()), info_(info) {}

// ---------------------------------------------------------------------------------------------
// TLB maintenance callbacks for one domain, with an iotlb gather (iommu_iotlb_gather).

class ArmSmmuV3Driver::Flush : public IoPgtableFlushOps {
 public:
  Flush(ArmSmmuV3Driver& drv, Domain& d, bool gatherLeaves)
      : drv_(drv), d_(d), gather_(gatherLeaves) {}

  void tlbFlushWalk(uint64_t iova, uint64_t size, uint64_t granule) override {
    drv_.tlbInvRange(d_, iova, size, granule, false);
  }

  // iommu_iotlb_gather_add_page
  void tlbAddPage(uint64_t iova, uint64_t size) override {
    if (!gather_) return;  // lazy mode: the flush queue invalidates later
    const uint64_t end = iova + size - 1;
    const bool disjoint = end_ != 0 && (end + 1 < start_ || iova > end_ + 1);
    if ((pgsize_ && pgsize_ != size) || disjoint) sync();
    pgsize_ = size;
    start_ = std::min(start_, iova);
    end_ = std::max(end_, end);
  }

  // arm_smmu_iotlb_sync
  void sync() {
    if (pgsize_) drv_.tlbInvRange(d_, start_, end_ - start_ + 1, pgsize_, true);
    start_ = ~uint64_t{0};
    end_ = 0;
    pgsize_ = 0;
  }

 private:
  ArmSmmuV3Driver& drv_;
  Domain& d_;
  bool gather_;
  uint64_t start_ = ~uint64_t{0}, end_ = 0, pgsize_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Construction and probe

ArmSmmuV3Driver::ArmSmmuV3Driver(RegisterAccessIf& regs, PhysMemIf& mem, PageAllocator& alloc,
                                 DriverOptions opts)
    : regs_(regs), mem_(mem), alloc_(alloc), opts_(opts) {}

ArmSmmuV3Driver::~ArmSmmuV3Driver() = default;

uint32_t ArmSmmuV3Driver::rd32(uint32_t off) {
  ++stats_.registerReads;
  return regs_.read32(off);
}
void ArmSmmuV3Driver::wr32(uint32_t off, uint32_t v) {
  ++stats_.registerWrites;
  regs_.write32(off, v);
}
uint64_t ArmSmmuV3Driver::rd64(uint32_t off) {
  ++stats_.registerReads;
  return regs_.read64(off);
}
void ArmSmmuV3Driver::wr64(uint32_t off, uint64_t v) {
  ++stats_.registerWrites;
  regs_.write64(off, v);
}

void ArmSmmuV3Driver::poll(uint64_t& n, const char* what) {
  if (++n > opts_.pollLimit)
    throw std::runtime_error(std::string("ArmSmmuV3Driver: timeout ") + what + " after " +
                             std::to_string(opts_.pollLimit) + " polls");
  ++stats_.polls;
  regs_.pollDelay();
}

void ArmSmmuV3Driver::writeRegSync(uint32_t reg, uint32_t ack, uint32_t val, const char* what) {
  wr32(reg, val);
  uint64_t n = 0;
  while (rd32(ack) != val) poll(n, what);
}

void ArmSmmuV3Driver::requireProbed(const char* what) const {
  if (!probed_)
    throw std::logic_error(std::string("ArmSmmuV3Driver::") + what + ": probe() first");
}

ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::readWords(PhysAddr at) {
  Words8 w{};
  if (mem_.read(at, w.data(), sizeof(w), &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: reading 64 bytes at " + hex(at) + " failed");
  return w;
}

void ArmSmmuV3Driver::memWrite64(PhysAddr at, uint64_t v) {
  if (mem_.write64(at, v, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: writing " + hex(at) + " failed");
}

void ArmSmmuV3Driver::probe() {
  if (probed_) throw std::logic_error("ArmSmmuV3Driver::probe: already probed");

  // arm_smmu_device_hw_probe
  SmmuFeatures::Idr idr{};
  idr.idr0 = rd32(reg::IDR0);
  idr.idr1 = rd32(reg::IDR1);
  idr.idr2 = rd32(reg::IDR2);
  idr.idr3 = rd32(reg::IDR3);
  idr.idr4 = rd32(reg::IDR4);
  idr.idr5 = rd32(reg::IDR5);
  features_ = SmmuFeatures::fromIdr(idr);
  if (!features_.s1p)
    throw std::runtime_error("ArmSmmuV3Driver: the SMMU has no stage-1 translation (IDR0.S1P = 0)"
                             "; this driver only builds stage-1 domains");
  if (!features_.ttfAarch64)
    throw std::runtime_error("ArmSmmuV3Driver: AArch64 table format not supported (IDR0.TTF)");
  if (features_.oasBits == 0)
    throw std::runtime_error("ArmSmmuV3Driver: reserved IDR5.OAS encoding");

  if (features_.sidBits > 32)
    throw std::runtime_error("ArmSmmuV3Driver: IDR1.SIDSIZE " +
                             std::to_string(features_.sidBits) + " is reserved (> 32)");
  sidBits_ = opts_.sidBits == 0 ? features_.sidBits
                                : std::min<unsigned>(opts_.sidBits, features_.sidBits);
  if (opts_.twoLevel && !features_.stLevel2)
    throw std::invalid_argument(
        "ArmSmmuV3Driver: twoLevel requested but IDR0.ST_LEVEL has no 2-level stream table");
  twoLevel_ = opts_.twoLevel || (sidBits_ > kStrtabSplit && features_.stLevel2);
  if (opts_.syncMethod != SyncMethod::PollCons && !features_.msi)
    opts_.syncMethod = SyncMethod::PollCons;  // no MSIs: CMD_SYNC completion by polling CONS

  // arm_smmu_init_queues
  cmdq_ = Queue{};
  cmdq_.log2 = std::min<unsigned>(opts_.cmdqLog2, features_.cmdqLog2);
  cmdq_.base = alloc_.alloc(uint64_t{16} << cmdq_.log2);
  evtq_ = Queue{};
  evtq_.log2 = std::min<unsigned>(opts_.evtqLog2, features_.evtqLog2);
  evtq_.base = alloc_.alloc(uint64_t{32} << evtq_.log2);
  if (opts_.syncMethod == SyncMethod::Msi) msiWord_ = alloc_.alloc(8);
  cmdqReady_ = true;

  // arm_smmu_init_strtab
  if (twoLevel_) {
    const unsigned l1Log2 = sidBits_ > kStrtabSplit ? sidBits_ - kStrtabSplit : 0;
    l1Entries_ = std::min<uint64_t>(uint64_t{1} << l1Log2, kL1MaxEntries);
    strtabBytes_ = uint64_t{8} * l1Entries_;
    strtab_ = alloc_.alloc(strtabBytes_);  // zeroed: every L1 descriptor invalid (SPAN = 0)
    l2_.assign(l1Entries_, 0);
    strtabCfg_ = (reg::STRTAB_FMT_2LVL << reg::STRTAB_CFG_FMT_SHIFT) |
                 (kStrtabSplit << reg::STRTAB_CFG_SPLIT_SHIFT) |
                 ((log2Floor(l1Entries_) + kStrtabSplit) << reg::STRTAB_CFG_LOG2SIZE_SHIFT);
  } else {
    const uint64_t n = uint64_t{1} << sidBits_;
    strtabBytes_ = 64 * n;
    strtab_ = alloc_.alloc(strtabBytes_);
    const Words8 ste = initialSte();
    std::vector<Words8> chunk(std::min<uint64_t>(n, 64), ste);
    for (uint64_t i = 0; i < n; i += chunk.size()) {
      const uint64_t k = std::min<uint64_t>(chunk.size(), n - i);
      const PhysAddr at = strtab_ + 64 * i;
      if (mem_.write(at, chunk.data(), size_t(64 * k), &memTime_) != MemStatus::Ok)
        throw std::runtime_error("ArmSmmuV3Driver: writing the stream table failed");
    }
    strtabCfg_ = (reg::STRTAB_FMT_LINEAR << reg::STRTAB_CFG_FMT_SHIFT) |
                 (sidBits_ << reg::STRTAB_CFG_LOG2SIZE_SHIFT);
  }
  asidUsed_.assign(size_t{1} << (features_.asid16 ? 16 : 8), false);
  asidUsed_[0] = true;  // ASID 0 is never handed out (xa_alloc from 1)

  deviceReset();
  probed_ = true;
}

// arm_smmu_device_reset
void ArmSmmuV3Driver::deviceReset() {
  const uint32_t cr0 = rd32(reg::CR0);
  if (cr0 & reg::CR0_SMMUEN) {
    // arm_smmu_update_gbpa(smmu, GBPA_ABORT, 0)
    uint64_t n = 0;
    uint32_t gbpa;
    while ((gbpa = rd32(reg::GBPA)) & reg::GBPA_UPDATE) poll(n, "waiting for GBPA.UPDATE");
    wr32(reg::GBPA, gbpa | reg::GBPA_ABORT | reg::GBPA_UPDATE);
    while (rd32(reg::GBPA) & reg::GBPA_UPDATE) poll(n, "waiting for GBPA.UPDATE");
  }
  writeRegSync(reg::CR0, reg::CR0ACK, 0, "disabling the SMMU (CR0ACK)");

  wr32(reg::CR1, kCr1);
  wr32(reg::CR2, reg::CR2_PTM | reg::CR2_RECINVSID);

  wr64(reg::STRTAB_BASE, (strtab_ & reg::STRTAB_BASE_ADDR_MASK) | reg::STRTAB_BASE_RA);
  wr32(reg::STRTAB_BASE_CFG, strtabCfg_);

  wr64(reg::CMDQ_BASE, kQBaseRwa | (cmdq_.base & reg::Q_BASE_ADDR_MASK) | cmdq_.log2);
  wr32(reg::CMDQ_PROD, cmdq_.prod);
  wr32(reg::CMDQ_CONS, cmdq_.cons);
  published_ = cmdq_.prod;

  uint32_t enables = reg::CR0_CMDQEN;
  writeRegSync(reg::CR0, reg::CR0ACK, enables, "enabling the command queue (CR0ACK)");

  Command cfgiAll;  // CMDQ_OP_CFGI_ALL: CFGI_STE_RANGE over the whole SID space
  cfgiAll.opcode = op::CFGI_STE_RANGE;
  cfgiAll.range = 31;
  issueWithSync(cfgiAll);
  Command tlbiAll;
  tlbiAll.opcode = op::TLBI_NSNH_ALL;
  issueWithSync(tlbiAll);

  wr64(reg::EVENTQ_BASE, kQBaseRwa | (evtq_.base & reg::Q_BASE_ADDR_MASK) | evtq_.log2);
  wr32(reg::EVENTQ_PROD, evtq_.prod);
  wr32(reg::EVENTQ_CONS, evtq_.cons);
  enables |= reg::CR0_EVENTQEN;
  writeRegSync(reg::CR0, reg::CR0ACK, enables, "enabling the event queue (CR0ACK)");

  if (features_.ats) {
    enables |= reg::CR0_ATSCHK;
    writeRegSync(reg::CR0, reg::CR0ACK, enables, "enabling ATS checks (CR0ACK)");
  }

  enables |= reg::CR0_SMMUEN;
  writeRegSync(reg::CR0, reg::CR0ACK, enables, "enabling the SMMU (CR0ACK)");
}

// ---------------------------------------------------------------------------------------------
// Command queue

bool ArmSmmuV3Driver::hasSpace(uint32_t n) const {
  // queue_has_space
  const QueueIndex q = cmdq_.q();
  const uint32_t prod = q.index(cmdq_.prod), cons = q.index(cmdq_.cons);
  uint32_t space;
  if (q.wrap(cmdq_.prod) == q.wrap(cmdq_.cons))
    space = (1u << cmdq_.log2) - (prod - cons);
  else
    space = cons - prod;
  return space >= n;
}

void ArmSmmuV3Driver::publish() {
  wr32(reg::CMDQ_PROD, cmdq_.prod);
  published_ = cmdq_.prod;
  ++stats_.prodWrites;
}

void ArmSmmuV3Driver::checkConsError(uint32_t cons) {
  if (cons & reg::CMDQ_CONS_ERR_MASK) handleGlobalErrors();
}

void ArmSmmuV3Driver::refreshCons() {
  const uint32_t v = rd32(reg::CMDQ_CONS);
  checkConsError(v);
  cmdq_.cons = cmdq_.q().ptr(v);
}

void ArmSmmuV3Driver::waitForSpace(uint32_t n) {
  uint64_t polls = 0;
  while (!hasSpace(n)) {
    if (cmdq_.prod != published_) publish();  // let the SMMU consume what is written
    refreshCons();
    if (hasSpace(n)) break;
    ++stats_.queueFullWaits;
    poll(polls, "waiting for room in the command queue (CMDQ_CONS does not move)");
  }
}

void ArmSmmuV3Driver::writeCmd(const Command::Words& w) {
  const PhysAddr at = cmdq_.base + PhysAddr(cmdq_.q().index(cmdq_.prod)) * 16;
  if (mem_.write(at, w.data(), 16, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: writing the command queue at " + hex(at) +
                             " failed");
  cmdq_.prod = cmdq_.q().next(cmdq_.prod);
  ++stats_.commandsIssued;
  const uint8_t opc = uint8_t(w[0] & 0xff);
  if (isTlbi(opc)) ++stats_.tlbiCommands;
  if (isCfgi(opc)) ++stats_.cfgiCommands;
  if (opc == op::CMD_SYNC) ++stats_.syncs;
}

Command ArmSmmuV3Driver::makeSync(uint32_t prod) {
  // arm_smmu_cmdq_build_sync_cmd
  Command c;
  c.opcode = op::CMD_SYNC;
  c.msh = kShIsh;
  c.msiattr = kMemattrOiwb;
  switch (opts_.syncMethod) {
    case SyncMethod::PollCons: c.cs = sync::CS_SEV; break;
    case SyncMethod::Msi:
      c.cs = sync::CS_IRQ;
      c.msiAddr = msiWord_;
      c.msiData = ++syncSeq_;
      break;
    case SyncMethod::MsiInQueue:
      c.cs = sync::CS_IRQ;
      c.msiAddr = cmdq_.base + PhysAddr(cmdq_.q().index(prod)) * 16;
      c.msiData = 0;
      break;
  }
  return c;
}

void ArmSmmuV3Driver::waitSync(uint32_t syncProd) {
  const QueueIndex q = cmdq_.q();
  uint64_t polls = 0;
  if (opts_.syncMethod == SyncMethod::PollCons) {
    // __arm_smmu_cmdq_poll_until_consumed
    for (;;) {
      refreshCons();
      const uint32_t cons = cmdq_.cons;
      const bool sameWrap = q.wrap(cons) == q.wrap(syncProd);
      const bool consumed = (sameWrap && q.index(cons) > q.index(syncProd)) ||
                            (!sameWrap && q.index(cons) <= q.index(syncProd));
      if (consumed) return;
      poll(polls, "waiting for CMD_SYNC (CMDQ_CONS)");
    }
  }
  // __arm_smmu_cmdq_poll_until_msi, or a driver-owned word
  const bool inQueue = opts_.syncMethod == SyncMethod::MsiInQueue;
  const PhysAddr at = inQueue ? cmdq_.base + PhysAddr(q.index(syncProd)) * 16 : msiWord_;
  const uint32_t want = inQueue ? 0 : syncSeq_;
  const unsigned every = std::max(1u, opts_.msiErrorCheckInterval);
  for (;;) {
    uint32_t v = 0;
    if (mem_.read32(at, v, &memTime_) != MemStatus::Ok)
      throw std::runtime_error("ArmSmmuV3Driver: reading the CMD_SYNC MSI word at " + hex(at) +
                               " failed");
    if (v == want) break;
    if ((polls + 1) % every == 0) handleGlobalErrors();
    poll(polls, "waiting for the CMD_SYNC MSI write");
  }
  cmdq_.cons = q.next(syncProd);
}

void ArmSmmuV3Driver::issueCmdlist(const Command* cmds, size_t n, bool withSync) {
  // arm_smmu_cmdq_issue_cmdlist, for one CPU
  const uint64_t total = n + (withSync ? 1 : 0);
  if (total == 0) return;
  const uint64_t qsize = uint64_t{1} << cmdq_.log2;
  const bool fits = total <= qsize;
  if (fits) waitForSpace(uint32_t(total));
  uint32_t syncProd = 0;
  for (uint64_t k = 0; k < total; ++k) {
    if (!fits) waitForSpace(1);
    if (k < n) {
      writeCmd(cmds[k].encode());
    } else {
      syncProd = cmdq_.prod;
      writeCmd(makeSync(syncProd).encode());
    }
  }
  publish();
  if (withSync) waitSync(syncProd);
}

void ArmSmmuV3Driver::submit(const std::vector<Command>& cmds, bool withSync) {
  if (!cmdqReady_)
    throw std::logic_error("ArmSmmuV3Driver::submit: no command queue; probe() first");
  const size_t before = errors_.size();
  size_t i = 0;
  do {
    const size_t n = std::min<size_t>(kBatchEntries, cmds.size() - i);
    const bool last = i + n == cmds.size();
    issueCmdlist(cmds.data() + i, n, withSync && last);
    i += n;
  } while (i < cmds.size());
  throwPendingErrors(before);
}

void ArmSmmuV3Driver::throwPendingErrors(size_t before) {
  if (opts_.throwOnCmdqError && errors_.size() > before) throw CmdqError(errors_[before]);
}

// arm_smmu_cmdq_skip_err
void ArmSmmuV3Driver::skipErr() {
  const uint32_t cons = rd32(reg::CMDQ_CONS);
  const uint32_t idx = (cons & reg::CMDQ_CONS_ERR_MASK) >> reg::CMDQ_CONS_ERR_SHIFT;
  if (idx == reg::CERROR_NONE) return;
  const QueueIndex q = cmdq_.q();
  const PhysAddr at = cmdq_.base + PhysAddr(q.index(cons)) * 16;
  CmdqErrorInfo info;
  info.cerror = idx;
  info.cons = q.ptr(cons);
  if (mem_.read(at, info.command.data(), 16, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: reading the failed command at " + hex(at));
  errors_.push_back(info);
  ++stats_.cmdqErrors;
  switch (idx) {
    case reg::CERROR_ABT:            // retry the command fetch
    case reg::CERROR_ATC_INV_SYNC:   // CONS still points at the CMD_SYNC: repeat it
      return;
    case reg::CERROR_ILL:
    default: {
      // Convert the erroneous command into a CMD_SYNC (no MSI).
      Command s;
      s.opcode = op::CMD_SYNC;
      s.cs = sync::CS_SEV;
      s.msh = kShIsh;
      s.msiattr = kMemattrOiwb;
      const Command::Words w = s.encode();
      if (mem_.write(at, w.data(), 16, &memTime_) != MemStatus::Ok)
        throw std::runtime_error("ArmSmmuV3Driver: rewriting the failed command at " + hex(at));
    }
  }
}

// arm_smmu_gerror_handler
bool ArmSmmuV3Driver::handleGlobalErrors() {
  const uint32_t gerror = rd32(reg::GERROR);
  const uint32_t gerrorn = rd32(reg::GERRORN);
  const uint32_t active = gerror ^ gerrorn;
  if (!(active & kGerrorErrMask)) return false;
  ++stats_.globalErrors;
  stats_.lastGlobalErrors = active & kGerrorErrMask;
  if (active & reg::GERROR_CMDQ_ERR) skipErr();
  wr32(reg::GERRORN, gerror);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Event queue (arm_smmu_evtq_thread)

ArmSmmuV3Driver::EventDrain ArmSmmuV3Driver::drainEvents() {
  requireProbed("drainEvents");
  EventDrain out;
  const QueueIndex q = evtq_.q();
  auto syncProdIn = [&] {
    const uint32_t prod = rd32(reg::EVENTQ_PROD);
    if ((prod ^ evtq_.prod) & reg::Q_OVERFLOW_FLAG) {
      out.overflow = true;  // "EVTQ overflow detected -- events lost"
      ++stats_.eventOverflows;
    }
    evtq_.prod = prod;
  };
  syncProdIn();
  while (!q.empty(evtq_.prod, evtq_.cons)) {
    while (!q.empty(evtq_.prod, evtq_.cons)) {
      EventRecord::Words w{};
      const PhysAddr at = evtq_.base + PhysAddr(q.index(evtq_.cons)) * 32;
      if (mem_.read(at, w.data(), 32, &memTime_) != MemStatus::Ok)
        throw std::runtime_error("ArmSmmuV3Driver: reading the event queue at " + hex(at));
      out.events.push_back(EventRecord::decode(w));
      ++stats_.eventsDrained;
      evtq_.cons = q.next(evtq_.cons);  // keeps OVACKFLG
      wr32(reg::EVENTQ_CONS, evtq_.cons);
    }
    syncProdIn();
  }
  // queue_sync_cons_ovf: we believe we are up to speed
  if ((evtq_.prod ^ evtq_.cons) & reg::Q_OVERFLOW_FLAG) {
    evtq_.cons = (evtq_.prod & reg::Q_OVERFLOW_FLAG) | q.ptr(evtq_.cons);
    wr32(reg::EVENTQ_CONS, evtq_.cons);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stream table, STEs and CDs

void ArmSmmuV3Driver::checkSid(uint32_t sid) const {
  const bool ok = (uint64_t{sid} >> sidBits_) == 0 &&
                  (!twoLevel_ || (sid >> kStrtabSplit) < l1Entries_);
  if (!ok)
    throw std::out_of_range("ArmSmmuV3Driver: StreamID " + hex(sid) + " outside the " +
                            std::to_string(sidBits_) + "-bit stream table");
}

PhysAddr ArmSmmuV3Driver::l2Table(uint32_t l1Index) const {
  return l1Index < l2_.size() ? l2_[l1Index] : 0;
}

PhysAddr ArmSmmuV3Driver::steAddress(uint32_t sid) const {
  checkSid(sid);
  if (!twoLevel_) return strtab_ + PhysAddr(sid) * 64;
  const PhysAddr l2 = l2_[sid >> kStrtabSplit];
  return l2 ? l2 + PhysAddr(sid & ((1u << kStrtabSplit) - 1)) * 64 : 0;
}

PhysAddr ArmSmmuV3Driver::cdTableBase(uint32_t sid) const {
  auto it = streams_.find(sid);
  return it == streams_.end() ? 0 : it->second.cd.base;
}

unsigned ArmSmmuV3Driver::cdTableLog2(uint32_t sid) const {
  auto it = streams_.find(sid);
  return it == streams_.end() ? 0 : it->second.cd.log2;
}

PhysAddr ArmSmmuV3Driver::cdAddress(uint32_t sid, uint32_t ssid) const {
  auto it = streams_.find(sid);
  if (it == streams_.end() || !it->second.cd.base || (uint64_t{ssid} >> it->second.cd.log2))
    return 0;
  return it->second.cd.base + PhysAddr(ssid) * 64;
}

// arm_smmu_init_l2_strtab
void ArmSmmuV3Driver::ensureL2(uint32_t sid) {
  const uint32_t idx = sid >> kStrtabSplit;
  if (l2_[idx]) return;
  const unsigned n = 1u << kStrtabSplit;
  const PhysAddr l2 = alloc_.alloc(uint64_t{64} * n);
  const std::vector<Words8> stes(n, initialSte());  // arm_smmu_init_initial_stes
  if (mem_.write(l2, stes.data(), size_t(64) * n, &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: writing the L2 stream table at " + hex(l2));
  l2_[idx] = l2;
  StL1Desc d;
  d.span = kStrtabSplit + 1;
  d.l2ptr = l2;
  memWrite64(strtab_ + PhysAddr(idx) * 8, d.encode());
}

ArmSmmuV3Driver::Stream& ArmSmmuV3Driver::stream(uint32_t sid) {
  checkSid(sid);
  if (twoLevel_) ensureL2(sid);
  auto [it, inserted] = streams_.try_emplace(sid);
  if (inserted) it->second.mode = opts_.bypassByDefault ? Mode::Bypass : Mode::Abort;
  return it->second;
}

ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::initialSte() const {
  return opts_.bypassByDefault ? makeBypassSte() : makeAbortSte();
}

ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::makeAbortSte() const {
  Ste s;
  s.valid = true;
  s.config = ste::CFG_ABORT;
  return s.encode();
}

ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::makeBypassSte() const {
  Ste s;  // SHCFG = incoming only with IDR1.ATTR_TYPES_OVR, which the model does not advertise
  s.valid = true;
  s.config = ste::CFG_BYPASS;
  return s.encode();
}

// arm_smmu_make_cdtable_ste
ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::makeCdTableSte(const Stream& st, uint8_t s1dss) const {
  Ste s;
  s.valid = true;
  s.config = ste::CFG_S1;
  s.s1fmt = ste::S1FMT_LINEAR;
  s.s1ContextPtr = st.cd.base;
  s.s1CdMax = uint8_t(st.cd.log2);
  s.s1dss = s1dss;
  s.s1cir = kS1cWbra;
  s.s1cor = kS1cWbra;
  s.s1csh = kShIsh;
  // ARM_SMMU_FEAT_STALLS (STALL_MODEL 0b00) with a master that does not stall; with
  // STALL_MODEL 0b10 (stall forced) the master stalls and the CD has S = 1 instead.
  s.s1stalld = features_.stallModel == 0;
  s.eats = 0;
  s.strw = 0;  // STRTAB_STE_1_STRW_NSEL1
  s.s2vmid = 0;
  return s.encode();
}

ArmSmmuV3Driver::Words8 ArmSmmuV3Driver::makeCd(const Domain& d) const {
  ContextDescriptor cd = d.cd_;
  cd.s = features_.stallModel == 2;
  return cd.encode();
}

void ArmSmmuV3Driver::steUsed(const Words8& e, Words8& used) {
  used.fill(0);
  used[0] = kSte0V;
  if (!(e[0] & kSte0V)) return;
  used[0] |= kSte0Cfg;
  const unsigned cfg = unsigned((e[0] & kSte0Cfg) >> 1);
  if (cfg & 1) {  // stage 1 translates
    used[0] |= kSte0S1Fmt | kSte0S1CtxPtr | kSte0S1CdMax;
    used[1] |= kSte1S1Dss | kSte1S1Cir | kSte1S1Cor | kSte1S1Csh | kSte1S1Stalld | kSte1Strw |
               kSte1Eats | kSte1Mev;
    used[2] |= kSte2S2Vmid;
    if ((e[1] & kSte1S1Dss) == ste::S1DSS_BYPASS) used[1] |= kSte1Shcfg;
  }
  if (cfg & 2) {  // stage 2 translates
    used[1] |= kSte1S2Fwb | kSte1Eats | kSte1Shcfg | kSte1Mev;
    used[2] |= kSte2S2Vmid | kSte2Vtcr | kSte2S2Aa64 | kSte2S2Endi | kSte2S2Ptw | kSte2S2S |
               kSte2S2R;
    used[3] |= kSte3S2Ttb;
  }
  if (cfg == ste::CFG_BYPASS) used[1] |= kSte1Shcfg;
}

void ArmSmmuV3Driver::cdUsed(const Words8& e, Words8& used) {
  used.fill(0);
  used[0] = kCd0V;
  if (!(e[0] & kCd0V)) return;
  used.fill(~uint64_t{0});
  if (e[0] & kCd0Epd0) {
    used[0] &= ~kCd0Tt0;
    used[1] &= ~kCd1Ttb0;
  }
}

// arm_smmu_write_entry
void ArmSmmuV3Driver::writeEntry(PhysAddr at, const Words8& target, bool isSte, uint32_t sid,
                                 uint32_t ssid) {
  Words8 entry = readWords(at);
  Words8 curUsed{}, targetUsed{}, unusedUpdate{};
  if (isSte) {
    steUsed(entry, curUsed);
    steUsed(target, targetUsed);
  } else {
    cdUsed(entry, curUsed);
    cdUsed(target, targetUsed);
  }
  uint8_t diff = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if (target[i] & ~targetUsed[i])
      throw std::logic_error("ArmSmmuV3Driver: target entry sets unused bits in word " +
                             std::to_string(i));
    unusedUpdate[i] = (entry[i] & curUsed[i]) | (target[i] & ~curUsed[i]);
    if ((unusedUpdate[i] & targetUsed[i]) != target[i]) diff |= uint8_t(1u << i);
  }

  auto syncEntry = [&] {
    Command c;
    c.leaf = true;
    c.sid = sid;
    if (isSte) {
      c.opcode = op::CFGI_STE;
      issueWithSync(c);
    } else {
      auto it = streams_.find(sid);
      if (it == streams_.end() || !it->second.cdInSte) return;  // not live: nothing cached
      c.opcode = op::CFGI_CD;
      c.ssid = ssid;
      issueWithSync(c);
    }
  };
  auto entrySet = [&](const Words8& t, unsigned start, unsigned len) {
    bool changed = false;
    for (unsigned i = start; i < start + len; ++i) {
      if (entry[i] == t[i]) continue;
      entry[i] = t[i];
      memWrite64(at + 8 * i, t[i]);
      ++(isSte ? stats_.steWrites : stats_.cdWrites);
      changed = true;
    }
    if (changed) syncEntry();
  };

  unsigned bitsSet = 0;
  for (unsigned i = 0; i < 8; ++i) bitsSet += (diff >> i) & 1;
  if (bitsSet == 1) {
    // Hitless: only one word of used bits changes.
    const unsigned critical = lowestBit(diff);
    unusedUpdate[critical] = entry[critical];
    entrySet(unusedUpdate, 0, 8);
    entrySet(target, critical, 1);
    entrySet(target, 0, 8);
  } else if (diff) {
    // Breaking: V = 0, then words 1..7, then word 0.
    unusedUpdate[0] = 0;
    entrySet(unusedUpdate, 0, 1);
    entrySet(target, 1, 7);
    entrySet(target, 0, 1);
  } else {
    entrySet(target, 0, 8);
  }
}

void ArmSmmuV3Driver::writeSte(uint32_t sid, const Words8& target) {
  writeEntry(steAddress(sid), target, true, sid, 0);
  if (opts_.prefetchConfig) {
    Command c;
    c.opcode = op::PREFETCH_CONFIG;
    c.sid = sid;
    issue(c);
  }
}

void ArmSmmuV3Driver::writeCd(uint32_t sid, uint32_t ssid, const Words8& target) {
  writeEntry(cdAddress(sid, ssid), target, false, sid, ssid);
}

void ArmSmmuV3Driver::allocCdTable(Stream& s, unsigned log2) {
  const uint64_t bytes = uint64_t{64} << log2;
  s.cd.base = alloc_.alloc(bytes);
  s.cd.log2 = log2;
  s.cd.domains.assign(size_t{1} << log2, nullptr);
  cdTableBytes_ += PageAllocator::blockSize(bytes);
}

void ArmSmmuV3Driver::growCdTable(uint32_t sid, Stream& s, unsigned log2) {
  const CdTable old = s.cd;
  const uint64_t oldBytes = uint64_t{64} << old.log2;
  std::vector<uint8_t> buf(oldBytes);
  if (mem_.read(old.base, buf.data(), buf.size(), &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: reading the CD table at " + hex(old.base));
  allocCdTable(s, log2);
  if (mem_.write(s.cd.base, buf.data(), buf.size(), &memTime_) != MemStatus::Ok)
    throw std::runtime_error("ArmSmmuV3Driver: writing the CD table at " + hex(s.cd.base));
  std::copy(old.domains.begin(), old.domains.end(), s.cd.domains.begin());
  if (s.cdInSte) {
    writeSte(sid, makeCdTableSte(s, s.s1dss));
    Command c;
    c.opcode = op::CFGI_CD_ALL;
    c.sid = sid;
    issueWithSync(c);  // nothing may still use the old table
  }
  alloc_.free(old.base, oldBytes);
  cdTableBytes_ -= PageAllocator::blockSize(oldBytes);
}

bool ArmSmmuV3Driver::ssidsInUse(const Stream& s) const {
  for (size_t i = 1; i < s.cd.domains.size(); ++i)
    if (s.cd.domains[i]) return true;
  return false;
}

void ArmSmmuV3Driver::setCdDomain(uint32_t sid, Stream& s, uint32_t ssid, Domain* d) {
  Domain*& slot = s.cd.domains[ssid];
  if (slot) {
    auto& v = slot->attached_;
    v.erase(std::remove(v.begin(), v.end(), std::make_pair(sid, ssid)), v.end());
  }
  slot = d;
  if (d) d->attached_.emplace_back(sid, ssid);
}

void ArmSmmuV3Driver::checkDomain(const Domain& d) const {
  if (d.driver_ != this)
    throw std::invalid_argument("ArmSmmuV3Driver: the domain was finalised for another SMMU "
                                "(-EINVAL)");
}

// ---------------------------------------------------------------------------------------------
// Domains and attachment

Domain& ArmSmmuV3Driver::createDomain(const DomainOptions& o) {
  requireProbed("createDomain");
  const bool granOk = (o.granule == Granule::k4K && features_.gran4k) ||
                      (o.granule == Granule::k16K && features_.gran16k) ||
                      (o.granule == Granule::k64K && features_.gran64k);
  if (!granOk)
    throw std::invalid_argument("ArmSmmuV3Driver::createDomain: the SMMU does not support the " +
                                hex(uint64_t{1} << granuleShift(o.granule)) + " granule (IDR5)");
  const unsigned maxIas = (features_.vax52 && o.granule == Granule::k64K) ? 52 : 48;
  if (o.iasBits > maxIas || o.iasBits < 25)
    throw std::invalid_argument("ArmSmmuV3Driver::createDomain: ias " +
                                std::to_string(o.iasBits) + " bits outside 25.." +
                                std::to_string(maxIas));

  uint16_t asid = o.asid;
  if (asid != 0) {
    if (asid >= asidUsed_.size() || asidUsed_[asid])
      throw std::invalid_argument("ArmSmmuV3Driver::createDomain: ASID " + std::to_string(asid) +
                                  (asid >= asidUsed_.size() ? " exceeds the ASID size"
                                                            : " is already in use"));
  } else {
    size_t a = 1;
    while (a < asidUsed_.size() && asidUsed_[a]) ++a;
    if (a >= asidUsed_.size())
      throw std::runtime_error("ArmSmmuV3Driver::createDomain: no free ASID");
    asid = uint16_t(a);
  }

  // The SMMU's page sizes (arm_smmu_device_hw_probe) and io_pgtable_cfg of
  // arm_smmu_domain_finalise for a stage-1 domain.
  uint64_t pgsizes = 0;
  if (features_.gran64k) pgsizes |= (1ull << 16) | (1ull << 29);
  if (features_.gran16k) pgsizes |= (1ull << 14) | (1ull << 25);
  if (features_.gran4k) pgsizes |= (1ull << 12) | (1ull << 21) | (1ull << 30);
  if (features_.oasBits >= 52) pgsizes |= 1ull << 42;
  IoPgtableConfig pc;
  pc.granule = o.granule;
  pc.iasBits = o.iasBits;
  pc.oasBits = features_.oasBits;
  pc.coherentWalk = features_.cohacc;
  pc.pgsizeBitmap = pgsizes;

  auto d = std::make_unique<Domain>();
  d->driver_ = this;
  d->asid_ = asid;
  d->granule_ = o.granule;
  d->pgtable_ = std::make_unique<IoPgtable>(mem_, alloc_, pc);
  d->cd_ = d->pgtable_->makeCd(asid);
  asidUsed_[asid] = true;
  domains_.push_back(std::move(d));
  return *domains_.back();
}

void ArmSmmuV3Driver::attach(Domain& d, uint32_t sid) {
  requireProbed("attach");
  checkDomain(d);
  Stream& s = stream(sid);
  if (!s.cd.base) allocCdTable(s, 0);
  writeCd(sid, 0, makeCd(d));
  setCdDomain(sid, s, 0, &d);
  writeSte(sid, makeCdTableSte(s, ste::S1DSS_SSID0));
  s.mode = Mode::CdTable;
  s.s1dss = ste::S1DSS_SSID0;
  s.cdInSte = true;
}

void ArmSmmuV3Driver::attachPasid(Domain& d, uint32_t sid, uint32_t ssid) {
  requireProbed("attachPasid");
  checkDomain(d);
  if (ssid == 0)
    throw std::invalid_argument("ArmSmmuV3Driver::attachPasid: SSID 0 is the stream's own CD "
                                "(IOMMU_NO_PASID); use attach()");
  const unsigned log2 =
      std::min({opts_.cdMaxLog2, unsigned(features_.ssidBits), kLinearCdMaxLog2});
  if ((uint64_t{ssid} >> log2) != 0)
    throw std::out_of_range("ArmSmmuV3Driver::attachPasid: SSID " + hex(ssid) +
                            " outside the CD table of 2^" + std::to_string(log2) + " entries");
  Stream& s = stream(sid);
  if (!s.cd.base)
    allocCdTable(s, log2);
  else if (s.cd.log2 < log2)
    growCdTable(sid, s, log2);
  writeCd(sid, ssid, makeCd(d));
  setCdDomain(sid, s, ssid, &d);
  if (!s.cdInSte) {
    // arm_smmu_update_ste: the stream's own traffic keeps its identity / blocked behaviour.
    const uint8_t dss = opts_.pasidS1dss >= 0
                            ? uint8_t(opts_.pasidS1dss)
                            : (s.mode == Mode::Bypass ? ste::S1DSS_BYPASS : ste::S1DSS_TERMINATE);
    writeSte(sid, makeCdTableSte(s, dss));
    s.mode = Mode::CdTable;
    s.s1dss = dss;
    s.cdInSte = true;
  }
}

void ArmSmmuV3Driver::detachPasid(uint32_t sid, uint32_t ssid) {
  requireProbed("detachPasid");
  checkSid(sid);
  if (ssid == 0)
    throw std::invalid_argument("ArmSmmuV3Driver::detachPasid: SSID 0 is the stream's own CD; "
                                "use bypass() or abort()");
  auto it = streams_.find(sid);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  if (!s.cd.base || (uint64_t{ssid} >> s.cd.log2) || !s.cd.domains[ssid]) return;
  writeCd(sid, ssid, Words8{});  // arm_smmu_clear_cd
  setCdDomain(sid, s, ssid, nullptr);
  // When the last PASID goes, an identity / blocked stream gets its plain STE back.
  if (!ssidsInUse(s) && s.mode == Mode::CdTable && s.s1dss != ste::S1DSS_SSID0)
    attachSte(sid, s.s1dss == ste::S1DSS_BYPASS ? Mode::Bypass : Mode::Abort);
}

// arm_smmu_attach_dev_ste (identity / blocked domains)
void ArmSmmuV3Driver::attachSte(uint32_t sid, Mode mode) {
  Stream& s = stream(sid);
  if (ssidsInUse(s)) {
    const uint8_t dss = mode == Mode::Bypass ? ste::S1DSS_BYPASS : ste::S1DSS_TERMINATE;
    writeSte(sid, makeCdTableSte(s, dss));
    s.mode = Mode::CdTable;
    s.s1dss = dss;
    s.cdInSte = true;
  } else {
    writeSte(sid, mode == Mode::Bypass ? makeBypassSte() : makeAbortSte());
    s.mode = mode;
    s.cdInSte = false;
  }
  if (s.cd.base && s.cd.domains[0]) {
    writeCd(sid, 0, Words8{});
    setCdDomain(sid, s, 0, nullptr);
  }
}

void ArmSmmuV3Driver::bypass(uint32_t sid) {
  requireProbed("bypass");
  attachSte(sid, Mode::Bypass);
}

void ArmSmmuV3Driver::abort(uint32_t sid) {
  requireProbed("abort");
  attachSte(sid, Mode::Abort);
}

// ---------------------------------------------------------------------------------------------
// Map / unmap and TLB invalidation

bool ArmSmmuV3Driver::map(Domain& d, uint64_t iova, PhysAddr pa, uint64_t size,
                          const IommuProt& prot) {
  requireProbed("map");
  checkDomain(d);
  ++stats_.mapCalls;
  Flush f(*this, d, false);
  const bool ok = d.pgtable().map(iova, pa, size, prot, &f);
  if (ok) stats_.bytesMapped += size;
  return ok;
}

uint64_t ArmSmmuV3Driver::unmap(Domain& d, uint64_t iova, uint64_t size) {
  requireProbed("unmap");
  checkDomain(d);
  ++stats_.unmapCalls;
  Flush f(*this, d, opts_.strict);
  const uint64_t n = d.pgtable().unmap(iova, size, &f);
  f.sync();
  stats_.bytesUnmapped += n;
  return n;
}

void ArmSmmuV3Driver::flushIotlbAll(Domain& d) {
  requireProbed("flushIotlbAll");
  checkDomain(d);
  Command c;
  c.opcode = op::TLBI_NH_ASID;
  c.asid = d.asid();
  issueWithSync(c);
}

// arm_smmu_tlb_inv_range_domain / __arm_smmu_tlb_inv_range for a stage-1 domain
void ArmSmmuV3Driver::tlbInvRange(Domain& d, uint64_t iova, uint64_t size, uint64_t granule,
                                  bool leaf) {
  requireProbed("tlbInvRange");
  checkDomain(d);
  if (size == 0) return;
  if (granule == 0 || (granule & (granule - 1)))
    throw std::invalid_argument("ArmSmmuV3Driver::tlbInvRange: granule " + hex(granule) +
                                " is not a power of two");
  std::vector<Command> cmds;
  Command c;
  c.opcode = op::TLBI_NH_VA;
  c.asid = d.asid();
  c.leaf = leaf;
  const uint64_t end = iova + size;
  if (opts_.rangeInvalidation) {
    const unsigned tg = lowestBit(d.pgtable().pgsizeBitmap());  // leaf page size
    uint64_t numPages = std::max<uint64_t>(size >> tg, 1);
    c.tg = uint8_t((tg - 10) / 2);  // 12, 14, 16 -> 1, 2, 3
    if (leaf)
      c.ttl = uint8_t(4 - ((log2Floor(granule) - 3) / (tg - 3)));
    else if ((numPages & 31) == 1)
      ++numPages;  // avoid NUM = SCALE = 0 with TTL = 0
    while (iova < end && numPages) {
      const unsigned scale = lowestBit(numPages);
      const uint64_t num = (numPages >> scale) & 31;
      c.scale = uint8_t(scale);
      c.num = uint8_t(num - 1);
      c.addr = iova;
      cmds.push_back(c);
      iova += num << (scale + tg);
      numPages -= num << scale;
    }
  } else {
    const uint64_t ops = size / granule + ((size % granule) ? 1 : 0);
    const uint64_t limit =
        opts_.maxTlbiOps ? opts_.maxTlbiOps : (uint64_t{1} << (granuleShift(d.granule()) - 3));
    if (ops >= limit) {
      flushIotlbAll(d);  // one TLBI_NH_ASID instead of `ops` TLBI_NH_VA
      return;
    }
    for (; iova < end; iova += granule) {
      c.addr = iova;
      cmds.push_back(c);
    }
  }
  submit(cmds, true);
}

// ---------------------------------------------------------------------------------------------
// Accounting

Tick ArmSmmuV3Driver::memoryTime() const {
  Tick t = memTime_;
  for (const auto& d : domains_) t += d->pgtable().memoryTime();
  return t;
}

Tick ArmSmmuV3Driver::takeMemoryTime() {
  const Tick now = memoryTime();
  const Tick t = now - memTimeTaken_;
  memTimeTaken_ = now;
  return t;
}

uint64_t ArmSmmuV3Driver::pgtableBytes() const {
  uint64_t n = 0;
  for (const auto& d : domains_) n += d->pgtable().tableBytes();
  return n;
}

uint64_t ArmSmmuV3Driver::structureBytes() const {
  if (!probed_) return 0;
  uint64_t n = PageAllocator::blockSize(strtabBytes_);
  for (PhysAddr l2 : l2_)
    if (l2) n += uint64_t{64} << kStrtabSplit;
  n += cdTableBytes_;
  n += PageAllocator::blockSize(uint64_t{16} << cmdq_.log2);
  n += PageAllocator::blockSize(uint64_t{32} << evtq_.log2);
  if (opts_.syncMethod == SyncMethod::Msi) n += 8;
  return n;
}

}  // namespace smmu
