// The host agent: programs one SMMU the way Linux's arm-smmu-v3 driver does
// (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c), with io-pgtable-arm page tables (IoPgtable).
// It reaches the SMMU only through its register frame (RegisterAccessIf) and memory
// (PhysMemIf), so the same driver runs against the SystemC model and against SmmuCore directly.
//
// What it does, and where it follows Linux:
//  - probe(): IDR0/1/5 -> SmmuFeatures; allocates the command and event queues and the stream
//    table, then arm_smmu_device_reset: CR0 = 0, CR1, CR2, STRTAB_BASE(_CFG), CMDQ_BASE/PROD/
//    CONS, CMDQEN, CFGI_ALL + CMD_SYNC, TLBI_NSNH_ALL + CMD_SYNC, EVENTQ_BASE/PROD/CONS,
//    EVTQEN, (ATSCHK), SMMUEN, each CR0 write acknowledged through CR0ACK. Interrupts are not
//    used (the driver polls), so IRQ_CTRL is left alone.
//  - The stream table is 2-level (SPLIT = 8, L2 tables of 256 STEs, SPAN = 9, allocated on the
//    first use of a StreamID in their span like arm_smmu_init_l2_strtab) when options.twoLevel
//    is set, or when more than 8 StreamID bits are used and IDR0.ST_LEVEL allows it (Linux uses
//    a linear table when SIDSIZE <= STRTAB_SPLIT). Otherwise linear, 2^sidBits STEs. Unused
//    STEs are abort STEs (Linux's disable_bypass default) or bypass STEs (bypassByDefault).
//  - STEs and CDs are updated with arm_smmu_write_entry: a hitless update when only one 64-bit
//    word of used bits changes, else V = 0 first, then words 1..7, then word 0; each step that
//    changed memory is followed by CFGI_STE (Leaf) + CMD_SYNC, or for a CD by CFGI_CD (Leaf) +
//    CMD_SYNC when the CD table is live (installed in the stream's STE). PREFETCH_CONFIG follows
//    an STE update (no SYNC), as Linux does unless SKIP_PREFETCH.
//  - attach(): CD 0 of the stream's CD table (one CD, S1CDMax = 0) then an S1 STE with
//    S1DSS = SSID0, S1CIR = S1COR = WBRA (0b01), S1CSH = inner shareable, STRW = NS-EL1,
//    EATS = 0. attachPasid(): a linear CD table of 2^cdMaxLog2 CDs (an existing one-CD table is
//    grown, CD 0 kept), the CD for the SSID, then the STE if it did not yet point at the table.
//  - unmap() in strict mode: io-pgtable reports cleared leaves into an iotlb gather and unlinked
//    tables through tlb_flush_walk; the gather is flushed with TLBI_NH_VA (ASID, Leaf = 1) per
//    gathered page size, or range TLBIs (NUM/SCALE/TTL/TG as __arm_smmu_tlb_inv_range) when
//    options.rangeInvalidation, then CMD_SYNC. Without range invalidation, when a flush would
//    take maxTlbiOps or more TLBI_NH_VA commands, one TLBI_NH_ASID replaces them
//    (CMDQ_MAX_TLBI_OPS = 1 << (PAGE_SHIFT - 3); mainline applies it to SVA invalidations, the
//    2025 invalidation rework to all of them; the page size here is the domain's granule).
//  - Commands: written at PROD in the CMDQ memory, PROD published once per list (batches of up
//    to 64 commands as arm_smmu_cmdq_batch), after waiting for room for the whole list by
//    reading CMDQ_CONS. (A list longer than the whole queue is written in pieces, publishing
//    PROD whenever the queue fills; Linux never needs that because it requires > 64 entries.)
//    CMD_SYNC completion: polling CMDQ_CONS until it passes the SYNC (CS = SEV), or an MSI
//    (CS = SIG_IRQ) that writes a sequence number to a driver-owned word (SyncMethod::Msi), or
//    zero into the CMD_SYNC entry itself as Linux's MSIPOLL does (SyncMethod::MsiInQueue).
//  - Command errors: seen as CMDQ_CONS.ERR while polling (and through GERROR in MSI mode);
//    handled as arm_smmu_gerror_handler + arm_smmu_cmdq_skip_err: CERROR_ILL (and unknown
//    values) replace the faulting entry with a CMD_SYNC, CERROR_ABT and CERROR_ATC_INV_SYNC
//    retry; then GERRORN = GERROR acknowledges. The error is recorded (cmdqErrors()) and, unless
//    options.throwOnCmdqError is false, the submitting call throws CmdqError naming the CERROR
//    once its own CMD_SYNC has completed.
//  - drainEvents(): arm_smmu_evtq_thread: reads EVENTQ_PROD, consumes records (CONS written
//    after each), re-reads PROD until empty, notes PROD.OVFLG changes and finally copies the
//    overflow flag into CONS (queue_sync_cons_ovf).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "arch/Command.h"
#include "arch/ContextDescriptor.h"
#include "arch/Event.h"
#include "arch/Features.h"
#include "arch/QueueIndex.h"
#include "arch/Ste.h"
#include "host/IoPgtable.h"
#include "host/PageAllocator.h"
#include "host/RegisterAccessIf.h"
#include "mem/PhysMem.h"

namespace smmu {

enum class SyncMethod : uint8_t {
  PollCons,    // CMD_SYNC CS = SEV, poll CMDQ_CONS until it has passed the SYNC
  Msi,         // CS = SIG_IRQ, MSIAddr = a driver-owned word, MSIData = sequence number
  MsiInQueue,  // CS = SIG_IRQ, MSIAddr = the CMD_SYNC entry, MSIData = 0 (Linux MSIPOLL)
};

struct DriverOptions {
  unsigned sidBits = 8;            // StreamID bits covered (capped to IDR1.SIDSIZE; 0 = SIDSIZE)
  bool twoLevel = false;           // force a 2-level stream table (needs IDR0.ST_LEVEL = 2-level)
  unsigned cmdqLog2 = 8;           // capped to IDR1.CMDQS
  unsigned evtqLog2 = 7;           // capped to IDR1.EVENTQS
  SyncMethod syncMethod = SyncMethod::PollCons;
  bool rangeInvalidation = false;  // range TLBIs (the SMMU must implement IDR3.RIL)
  unsigned maxTlbiOps = 0;         // 0: 1 << (granule shift - 3); ~0u: never use TLBI_NH_ASID
  bool strict = true;              // invalidate on unmap (else flushIotlbAll() does it later)
  bool prefetchConfig = true;      // PREFETCH_CONFIG after STE updates
  unsigned cdMaxLog2 = 4;          // CD table size for attachPasid (capped to IDR1.SSIDSIZE, 10)
  int pasidS1dss = -1;             // S1DSS attachPasid writes; -1: bypass if the stream was in
                                   // bypass, else terminate (Linux arm_smmu_update_ste)
  bool bypassByDefault = false;    // unused STEs bypass instead of abort
  bool throwOnCmdqError = true;
  uint64_t pollLimit = 1'000'000;  // polls of CR0ACK / CMDQ_CONS / MSI word before giving up
  unsigned msiErrorCheckInterval = 16;  // MSI modes: read GERROR every N polls
};

struct DomainOptions {
  Granule granule = Granule::k4K;
  unsigned iasBits = 48;
  uint16_t asid = 0;  // 0: allocate the lowest free ASID >= 1
};

struct DriverStats {
  uint64_t commandsIssued = 0;   // every command written to the CMDQ, CMD_SYNCs included
  uint64_t syncs = 0;            // CMD_SYNCs issued and waited for
  uint64_t prodWrites = 0;       // CMDQ_PROD register writes
  uint64_t queueFullWaits = 0;   // polls of CMDQ_CONS because the queue was full
  uint64_t cmdqErrors = 0;
  uint64_t globalErrors = 0;     // GERROR activations handled (acknowledged through GERRORN)
  uint32_t lastGlobalErrors = 0; // the active GERROR bits of the last one
  uint64_t tlbiCommands = 0, cfgiCommands = 0;
  uint64_t mapCalls = 0, unmapCalls = 0, bytesMapped = 0, bytesUnmapped = 0;
  uint64_t steWrites = 0, cdWrites = 0;  // 64-bit words written into STEs / CDs
  uint64_t eventsDrained = 0, eventOverflows = 0;
  uint64_t registerReads = 0, registerWrites = 0, polls = 0;
};

struct CmdqErrorInfo {
  uint32_t cerror = 0;          // CMDQ_CONS.ERR
  uint32_t cons = 0;            // CMDQ_CONS (index and wrap) at the error
  Command::Words command{};     // the entry CONS pointed at
  std::string describe() const;
};

class CmdqError : public std::runtime_error {
 public:
  explicit CmdqError(const CmdqErrorInfo& info);
  const CmdqErrorInfo& info() const { return info_; }

 private:
  CmdqErrorInfo info_;
};

// "CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC", "CERROR_NONE", "CERROR_0x.." otherwise.
std::string cerrorName(uint32_t cerror);

class ArmSmmuV3Driver;

// An IOMMU domain: its page table, ASID and CD template, finalised for one SMMU.
class Domain {
 public:
  uint16_t asid() const { return asid_; }
  IoPgtable& pgtable() { return *pgtable_; }
  const IoPgtable& pgtable() const { return *pgtable_; }
  const ContextDescriptor& cd() const { return cd_; }  // arm_smmu_make_s1_cd for this domain
  Granule granule() const { return granule_; }
  ArmSmmuV3Driver& driver() const { return *driver_; }
  // (sid, ssid) pairs whose CD points at this domain.
  const std::vector<std::pair<uint32_t, uint32_t>>& attachments() const { return attached_; }

 private:
  friend class ArmSmmuV3Driver;
  ArmSmmuV3Driver* driver_ = nullptr;
  uint16_t asid_ = 0;
  Granule granule_ = Granule::k4K;
  std::unique_ptr<IoPgtable> pgtable_;
  ContextDescriptor cd_;
  std::vector<std::pair<uint32_t, uint32_t>> attached_;
};

class ArmSmmuV3Driver {
 public:
  static constexpr unsigned kStrtabSplit = 8;        // STRTAB_SPLIT
  static constexpr unsigned kL1MaxEntries = 1u << 17;  // STRTAB_MAX_L1_ENTRIES
  static constexpr unsigned kBatchEntries = 64;      // CMDQ_BATCH_ENTRIES
  static constexpr unsigned kLinearCdMaxLog2 = 10;   // CTXDESC_LINEAR_CDMAX
  static constexpr uint32_t kGerrorErrMask = 0x1fd;  // GERROR_ERR_MASK
  // CR1: tables and queues inner shareable, inner and outer write-back.
  static constexpr uint32_t kCr1 = (3u << 10) | (1u << 8) | (1u << 6) | (3u << 4) | (1u << 2) | 1u;

  ArmSmmuV3Driver(RegisterAccessIf& regs, PhysMemIf& mem, PageAllocator& alloc,
                  DriverOptions opts = {});
  ~ArmSmmuV3Driver();
  ArmSmmuV3Driver(const ArmSmmuV3Driver&) = delete;
  ArmSmmuV3Driver& operator=(const ArmSmmuV3Driver&) = delete;

  // Reads the ID registers, builds queues and stream table, resets and enables the SMMU.
  // Throws std::runtime_error if the SMMU lacks stage 1 / AArch64 tables, or on a timeout.
  void probe();
  bool probed() const { return probed_; }
  const SmmuFeatures& features() const { return features_; }
  const DriverOptions& options() const { return opts_; }

  // Domains live as long as the driver. Throws std::invalid_argument for a granule the SMMU
  // lacks, an ias it cannot translate, or an ASID out of range / in use.
  Domain& createDomain(const DomainOptions& o = {});

  // Stream configuration. Throw std::out_of_range for a StreamID / SubstreamID outside the
  // tables, std::invalid_argument for a domain of another driver or ssid 0 in attachPasid.
  void attach(Domain& d, uint32_t sid);
  void attachPasid(Domain& d, uint32_t sid, uint32_t ssid);
  void detachPasid(uint32_t sid, uint32_t ssid);
  void bypass(uint32_t sid);
  void abort(uint32_t sid);

  // DMA API: map needs no invalidation; unmap invalidates (strict mode) and returns the bytes
  // unmapped. map returns false if part of the range was already mapped.
  bool map(Domain& d, uint64_t iova, PhysAddr pa, uint64_t size, const IommuProt& prot = {});
  uint64_t unmap(Domain& d, uint64_t iova, uint64_t size);
  void flushIotlbAll(Domain& d);  // TLBI_NH_ASID + CMD_SYNC (arm_smmu_tlb_inv_context)
  // TLBI for [iova, iova + size) in steps of granule, then CMD_SYNC (arm_smmu_tlb_inv_range).
  void tlbInvRange(Domain& d, uint64_t iova, uint64_t size, uint64_t granule, bool leaf);

  // Command queue. submit() writes the list (+ a CMD_SYNC if sync) and publishes PROD; with
  // sync it waits for completion.
  void submit(const std::vector<Command>& cmds, bool sync);
  void issue(const Command& c) { submit({c}, false); }
  void issueWithSync(const Command& c) { submit({c}, true); }
  void sync() { submit({}, true); }

  // GERROR handling (what the gerror interrupt handler does); true if an error was active.
  bool handleGlobalErrors();

  struct EventDrain {
    std::vector<EventRecord> events;
    bool overflow = false;  // PROD.OVFLG changed: records were lost
  };
  EventDrain drainEvents();

  // Where the structures are.
  bool twoLevelStreamTable() const { return twoLevel_; }
  unsigned sidBits() const { return sidBits_; }
  PhysAddr streamTableBase() const { return strtab_; }
  uint32_t strtabBaseCfg() const { return strtabCfg_; }
  unsigned l1Entries() const { return l1Entries_; }
  PhysAddr l2Table(uint32_t l1Index) const;  // 0 if not allocated
  PhysAddr steAddress(uint32_t sid) const;   // 0 if its L2 table does not exist yet
  PhysAddr cdTableBase(uint32_t sid) const;  // 0 if the stream has none
  unsigned cdTableLog2(uint32_t sid) const;
  PhysAddr cdAddress(uint32_t sid, uint32_t ssid) const;  // 0 if none
  PhysAddr cmdqBase() const { return cmdq_.base; }
  unsigned cmdqLog2() const { return cmdq_.log2; }
  PhysAddr evtqBase() const { return evtq_.base; }
  unsigned evtqLog2() const { return evtq_.log2; }
  uint32_t cmdqProd() const { return cmdq_.prod; }
  PhysAddr msiWord() const { return msiWord_; }

  const DriverStats& stats() const { return stats_; }
  // Latency the PhysMemIf reported for the driver's own memory accesses (queues, STEs, CDs,
  // page tables; not the allocator's zeroing), and the part of it not yet taken: a SystemC
  // host lets that much time pass after each call.
  Tick memoryTime() const;
  Tick takeMemoryTime();
  uint64_t pgtableBytes() const;    // page tables of every domain
  uint64_t structureBytes() const;  // stream table, CD tables, queues, MSI word
  const std::vector<CmdqErrorInfo>& cmdqErrors() const { return errors_; }
  const std::vector<std::unique_ptr<Domain>>& domains() const { return domains_; }

 private:
  using Words8 = std::array<uint64_t, 8>;
  enum class Mode : uint8_t { Abort, Bypass, CdTable };
  struct CdTable {
    PhysAddr base = 0;
    unsigned log2 = 0;                 // S1CDMax
    std::vector<Domain*> domains;      // per SSID, nullptr where the CD is invalid
  };
  struct Stream {
    Mode mode = Mode::Abort;
    uint8_t s1dss = 0;
    bool cdInSte = false;              // the STE points at cd.base (the CD table is live)
    CdTable cd;
  };
  struct Queue {
    PhysAddr base = 0;
    unsigned log2 = 0;
    uint32_t prod = 0, cons = 0;       // shadow pointers (cons includes OVACKFLG for the EVTQ)
    QueueIndex q() const { return QueueIndex{log2}; }
  };
  class Flush;  // IoPgtableFlushOps for a domain, with an iotlb gather

  // registers
  uint32_t rd32(uint32_t off);
  void wr32(uint32_t off, uint32_t v);
  uint64_t rd64(uint32_t off);
  void wr64(uint32_t off, uint64_t v);
  void writeRegSync(uint32_t reg, uint32_t ack, uint32_t val, const char* what);
  void poll(uint64_t& n, const char* what);
  void deviceReset();

  // memory
  Words8 readWords(PhysAddr at);
  void memWrite64(PhysAddr at, uint64_t v);

  // command queue
  void issueCmdlist(const Command* cmds, size_t n, bool sync);
  void writeCmd(const Command::Words& w);
  void publish();
  void refreshCons();
  void checkConsError(uint32_t cons);
  void waitForSpace(uint32_t n);
  void waitSync(uint32_t syncProd);
  Command makeSync(uint32_t prod);
  void skipErr();
  bool hasSpace(uint32_t n) const;

  // stream table and entries
  void checkSid(uint32_t sid) const;
  Stream& stream(uint32_t sid);  // creates it (and its L2 table) on first use
  void ensureL2(uint32_t sid);
  Words8 initialSte() const;
  Words8 makeAbortSte() const;
  Words8 makeBypassSte() const;
  Words8 makeCdTableSte(const Stream& s, uint8_t s1dss) const;
  Words8 makeCd(const Domain& d) const;
  void writeSte(uint32_t sid, const Words8& target);
  void writeCd(uint32_t sid, uint32_t ssid, const Words8& target);
  void writeEntry(PhysAddr at, const Words8& target, bool ste, uint32_t sid, uint32_t ssid);
  static void steUsed(const Words8& e, Words8& used);
  static void cdUsed(const Words8& e, Words8& used);
  void allocCdTable(Stream& s, unsigned log2);
  void growCdTable(uint32_t sid, Stream& s, unsigned log2);
  bool ssidsInUse(const Stream& s) const;
  void setCdDomain(uint32_t sid, Stream& s, uint32_t ssid, Domain* d);
  void attachSte(uint32_t sid, Mode mode);
  void checkDomain(const Domain& d) const;
  void requireProbed(const char* what) const;
  void throwPendingErrors(size_t before);

  RegisterAccessIf& regs_;
  PhysMemIf& mem_;
  PageAllocator& alloc_;
  DriverOptions opts_;
  SmmuFeatures features_;
  bool probed_ = false;

  unsigned sidBits_ = 0;
  bool twoLevel_ = false;
  PhysAddr strtab_ = 0;
  uint64_t strtabBytes_ = 0;
  uint32_t strtabCfg_ = 0;
  unsigned l1Entries_ = 0;
  std::vector<PhysAddr> l2_;
  std::unordered_map<uint32_t, Stream> streams_;

  Queue cmdq_, evtq_;
  uint32_t published_ = 0;   // last value written to CMDQ_PROD
  bool cmdqReady_ = false;   // queues allocated (probe under way or done)
  PhysAddr msiWord_ = 0;
  uint32_t syncSeq_ = 0;
  uint64_t cdTableBytes_ = 0;
  Tick memTime_ = 0, memTimeTaken_ = 0;

  std::vector<std::unique_ptr<Domain>> domains_;
  std::vector<bool> asidUsed_;
  std::vector<CmdqErrorInfo> errors_;
  DriverStats stats_;
};

}  // namespace smmu
