// A simulation scenario: the memory, the SMMU instances and the groups of devices that generate
// traffic through them. Read from a YAML file (JSON is accepted too: it is YAML), written back
// canonically by scenarioToYaml(), changed field by field by applyOverride() (sweeps).
//
// File format (every key optional; the defaults are the member initialisers below, and an SMMU's
// defaults are SmmuConfig's):
//
//   name: default                 # string
//   seed: 1                       # integer; every device's traffic seed derives from it
//   memory:
//     latency_ns: 100             # DRAM access latency
//     regions:                    # RAM, [{base, size}], 4 KiB aligned, non-overlapping
//       - {base: 0x80000000, size: 8GiB}
//     channels: 0                 # accesses served at once; 0 = unlimited (no contention)
//     occupancy_ns: 0             # time one burst keeps its channel busy
//     channel_bytes_per_ns: 0     # a channel's bandwidth (GB/s): a burst carries
//                                 # occupancy_ns x this many bytes, an access of n bytes takes
//                                 # ceil(n / burst) bursts; 0 = any access is one burst
//     atomic_extra_ns: 0          # an atomic read-modify-write (HTTU flag update) costs
//                                 # latency_ns + this
//     time_ordered: true          # an access takes effect at its arrival: a read sees the
//                                 # writes that arrived before it, in any order performed
//   smmus:                        # list of SMMU instances
//     - name: smmu0
//       preset: default           # named configuration (tlm/smmu/Presets.h), applied first:
//                                 # every other key given for this SMMU overrides it
//       reg_base: auto            # register frame (2 x 64 KiB), 64 KiB aligned; auto: the
//                                 # first free 128 KiB frame from 0x2b400000 up
//       ...                       # every other SMMU key: the knobs of tlm/smmu/SmmuKnobs.h
//                                 # (`smmusim scenario --reference` lists them), e.g.
//       tlb_entries: 512          # TBU main TLB
//       walk_cache_entries: [0, 0, 0]  # stage-1 walk caches of levels 0, 1, 2; 0 = none
//   devices:                      # groups of identical devices
//     - name: dma                 # unique
//       count: 32                 # devices in the group, SIDs sid_base .. sid_base+count-1
//       smmu: smmu0               # default: the first SMMU
//       sid_base: auto            # auto: right after the previous groups on the same SMMU
//       ssid: none                # none (no substream) | SubstreamID used by every device
//       pattern: sequential       # sequential | strided | random | zipf (see Traffic.h)
//       footprint_bytes: 1MiB     # buffer each device touches
//       access_bytes: 64          # bytes per transaction: power of two <= 4096
//       stride_bytes: 4KiB        # strided only
//       zipf_s: 1.0               # zipf only: exponent
//       write_fraction: 0.0       # [0, 1]
//       outstanding: 16           # transactions in flight per device
//       transactions: 1000        # per device
//       think_ns: 0               # gap between a device's issues
//       page_size: 4K             # mapping of the buffer: 4K 2M 1G | 16K 32M | 64K 512M
//       granule: 4K               # translation granule of the device's tables: 4K | 16K | 64K
//       iova_base: 0x100000000    # IOVA of the buffer, aligned to page_size
//       trace: ""                 # CSV trace of the device's accesses instead of the pattern;
//                                 # a relative path is relative to the scenario file
//   run:
//     progress: auto              # auto | on | off (progress line on stderr)
//     mode: contention            # contention | lt (loosely timed, temporal decoupling)
//     quantum_ns: 1000            # lt only: the global quantum
//     warmup_ns: 0                # statistics start this long after the traffic starts
//     warmup_transactions: 0      # ... and after this many transactions (all devices)
//
// Sizes (_bytes, base, size, page_size, reg_base, iova_base) accept integers (decimal, 0x hex,
// '_' separators) and binary-suffixed strings: 64KiB, 2MiB, 1GiB, 4K, 2M, 1G (K = KiB).
// Errors throw ScenarioError "FILE:LINE:COL: devices[2].pattern: unknown value 'zipff'
// (expected sequential, strided, random, zipf)": unknown keys, wrong types and out-of-range
// values are all errors.
//
// Presets: `preset: NAME` sets every SMMU key but name and reg_base to the preset's values
// (presetNames(): default, gem5-default, mmu500-like, mmu600-like, mmu700-server); the other
// keys of that SMMU are applied after it, wherever they stand in the map. An override of
// smmus[i].preset alone re-applies the preset over the SMMU's current values; to keep some,
// give them in the same override: smmus[0]={preset: mmu600-like, tlb_entries: 1024}.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "Progress.h"
#include "Traffic.h"
#include "arch/Types.h"
#include "smmu/SmmuConfig.h"

namespace smmu {

class ScenarioError : public std::runtime_error {
 public:
  // what() = "file:line:col: path: message" (the parts that are known; line/column 1-based,
  // 0 when unknown).
  ScenarioError(std::string file, unsigned line, unsigned column, std::string path,
                std::string message, std::string prefix = {});
  const std::string& file() const { return file_; }
  unsigned line() const { return line_; }
  unsigned column() const { return column_; }
  const std::string& path() const { return path_; }        // "devices[2].pattern"
  const std::string& message() const { return message_; }  // "unknown value 'zipff' (...)"

 private:
  std::string file_;
  unsigned line_, column_;
  std::string path_, message_;
};

enum class StreamTableFormat : uint8_t { Linear, TwoLevel };

struct MemRegion {
  uint64_t base = 0;  // base
  uint64_t size = 0;  // size (bytes)
  bool operator==(const MemRegion& o) const { return base == o.base && size == o.size; }
};

struct MemorySpec {
  uint64_t latencyNs = 100;  // latency_ns
  uint32_t channels = 0;     // channels: accesses served at once (0 = unlimited)
  uint64_t occupancyNs = 0;  // occupancy_ns: time one burst keeps its channel busy
  double channelBytesPerNs = 0;  // channel_bytes_per_ns: bandwidth of one channel (0 = by burst)
  uint64_t atomicExtraNs = 0;    // atomic_extra_ns: an atomic costs latency_ns + this
  bool timeOrdered = true;       // time_ordered: accesses take effect at their arrival
  std::vector<MemRegion> regions{{0x80000000ull, uint64_t(8) << 30}};  // regions
};

// Bytes one burst carries (occupancy_ns x channel_bytes_per_ns, at least 1), 0 when transfers
// do not cost by their size.
inline uint64_t burstBytesOf(const MemorySpec& m) {
  if (m.channelBytesPerNs <= 0 || m.occupancyNs == 0) return 0;
  const double b = double(m.occupancyNs) * m.channelBytesPerNs + 0.5;
  return b < 1 ? 1 : uint64_t(b);
}

// One SMMU instance: its configuration, whose every key (name, reg_base and the rest) is a knob of
// tlm/smmu/SmmuKnobs.h, and the preset it started from. Defaults are SmmuConfig's.
struct SmmuSpec {
  // preset: the named configuration the other keys started from (Presets.h). Informative once
  // read: toSmmuConfig() uses `config`, which the preset set when it was read.
  std::string preset = "default";
  SmmuConfig config;
  // reg_base was written (or set by an override). Otherwise config.regBase is assigned by the
  // scenario reader: the first free 128 KiB frame from 0x2b400000 up (assignRegisterFrames).
  bool regBaseGiven = false;

  bool supports(Granule g) const {
    const SmmuFeatures& f = config.features;
    return g == Granule::k4K ? f.gran4k : g == Granule::k16K ? f.gran16k : f.gran64k;
  }
  StreamTableFormat streamTable() const {
    return config.features.stLevel2 ? StreamTableFormat::TwoLevel : StreamTableFormat::Linear;
  }
};

struct DeviceGroup {
  std::string name = "dev";
  uint32_t count = 1;
  std::string smmu;                    // "" = the first SMMU
  std::string tbu;                     // the SMMU's TBU, by name ("" = its first)
  std::optional<uint32_t> sidBase;     // sid_base; nullopt = auto
  std::optional<uint32_t> ssid;        // nullopt = no substream (SSV = 0)
  std::string pattern = "sequential";  // one of trafficPatternNames()
  uint64_t footprintBytes = 1 << 20;   // footprint_bytes
  uint32_t accessBytes = 64;           // access_bytes
  uint64_t strideBytes = 4096;         // stride_bytes
  double zipfS = 1.0;                  // zipf_s
  double writeFraction = 0.0;          // write_fraction
  uint32_t outstanding = 16;           // outstanding
  uint8_t qos = 0;                     // qos: priority of the transactions (0..15)
  uint64_t transactions = 1000;        // transactions (per device)
  uint64_t thinkNs = 0;                // think_ns
  uint64_t pageSize = 4096;            // page_size (bytes)
  Granule granule = Granule::k4K;      // granule
  uint64_t iovaBase = 0x100000000ull;  // iova_base
  std::string trace;                   // trace: CSV of accesses ("" = generate from pattern);
                                       // relative paths: see tracePathFor()
};

// How the system model runs: contention (default; transactions compete for shared resources in
// simulated time) or lt (loosely timed, temporal decoupling with a global quantum of quantum_ns).
enum class RunMode : uint8_t { Contention, Lt };

struct RunSpec {
  ProgressMode progress = ProgressMode::Auto;  // progress
  RunMode mode = RunMode::Contention;          // mode
  uint64_t quantumNs = 1000;                   // quantum_ns (lt)
  // The statistics window opens with the first transaction issued at least warmup_ns after the
  // traffic starts and after warmup_transactions transactions (all devices) were issued; with
  // both 0 it opens with the traffic.
  uint64_t warmupNs = 0;            // warmup_ns
  uint64_t warmupTransactions = 0;  // warmup_transactions
};

struct Scenario {
  std::string name = "default";
  uint64_t seed = 1;
  MemorySpec memory;
  std::vector<SmmuSpec> smmus{SmmuSpec{}};
  std::vector<DeviceGroup> devices{DeviceGroup{}};
  RunSpec run;
  // Directory of the scenario file (parseScenarioFile), "" otherwise: relative trace paths are
  // taken from there. Not part of the YAML.
  std::string baseDir;
};

// Parsing (the result is validated). sourceName is what error messages call the text.
Scenario parseScenarioFile(const std::string& path);
Scenario parseScenarioString(const std::string& text, const std::string& sourceName = "<string>");
// The built-in default scenario (tb/DefaultScenario.h), parsed.
Scenario defaultScenario();

// Checks every cross-field rule; throws ScenarioError naming the field path (no file/line).
void validateScenario(const Scenario& s);

// Sets one field by its dotted path and re-validates; on error throws ScenarioError and leaves s
// unchanged. The value is YAML: "devices[0].outstanding=8", "smmus[0].granules=[4K, 64K]",
// "memory.regions=[{base: 0x80000000, size: 4GiB}]". A list element can be named by index or by
// its name: "devices[nic].count=4". Assigning a struct overlays the keys given
// ("devices[0]={count: 2, outstanding: 4}"); assigning a list replaces it.
void applyOverride(Scenario& s, const std::string& assignment);

// Canonical YAML: every field, in the documented order; parseScenarioString() of it gives back
// an equal scenario.
std::string scenarioToYaml(const Scenario& s);

// A reference of every key: path, kind, default and meaning (for --help output and docs).
std::string scenarioReference();

// The SMMU's configuration: spec.config (the preset is already in it).
SmmuConfig toSmmuConfig(const SmmuSpec& spec);
// The inverse: `c` with preset "default".
SmmuSpec toSmmuSpec(const SmmuConfig& c);
// Sets every knob of `spec` that a preset sets (all but name and reg_base) to the preset's
// values, and spec.preset to `name`. Throws ScenarioError (path "preset") naming the valid
// presets for an unknown name.
void applyPreset(SmmuSpec& spec, const std::string& name);
// `smmusim presets`: one line per preset, "NAME  summary", names padded to one column.
std::string presetListing();
// `smmusim presets NAME`: the preset as a scenario (an `smmus:` list of one SMMU, `preset: NAME`
// and then every preset key with its value), each key's source as a comment, the preset's notes
// as comments at the end. Parsing it gives an SMMU with the preset's values. Throws
// ScenarioError (path "preset") for an unknown name, as applyPreset does.
std::string presetToYaml(const std::string& name);

// ---- derived values (on a validated scenario) ----
// Index into s.smmus of the group's SMMU (the first for an empty name); throws if unknown.
size_t smmuIndexOf(const Scenario& s, const DeviceGroup& g);
// The index of the group's TBU in its SMMU (0 for tbu "" or an SMMU without tbus).
unsigned tbuIndexOf(const Scenario& s, const DeviceGroup& g);
// The first StreamID of every group (auto ones resolved), indexed like s.devices.
std::vector<uint32_t> resolvedSidBases(const Scenario& s);
// Traffic seed of device `index` of group `group`: derived from the scenario seed, the group's
// name and the index, so adding or reordering other groups does not change it.
uint64_t deviceSeed(const Scenario& s, size_t group, uint32_t index);
TrafficSpec trafficSpecFor(const Scenario& s, size_t group, uint32_t index);
uint64_t totalDevices(const Scenario& s);
uint64_t totalTransactions(const Scenario& s);
// The trace file of group `group`: "" without a trace; an absolute path as given; a relative
// one joined to s.baseDir.
std::string tracePathFor(const Scenario& s, size_t group);

// Size / granule helpers shared with the CLI.
std::string formatSize(uint64_t bytes);  // 4096 -> "4KiB", 3000 -> "3000"
bool parseSize(const std::string& text, uint64_t& out, std::string* error = nullptr);
std::string_view granuleName(Granule g);  // "4K", "16K", "64K"
std::string_view streamTableName(StreamTableFormat f);  // "linear", "2level"
std::string_view httuName(unsigned httu);               // "none", "af", "af_dirty"
std::string_view runModeName(RunMode m);                // "contention", "lt"

}  // namespace smmu
