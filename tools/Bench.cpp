#include "Bench.h"

#include <sys/resource.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <fmt/format.h>

#include "SweepRunner.h"
#include "System.h"

namespace smmu::tb {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this (single-threaded) process: the figure the cases report, because it does not
// count the time other processes of a shared machine hold the CPU (wall time is reported too).
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

uint64_t peakRssBytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return uint64_t(ru.ru_maxrss) * 1024;  // Linux: KiB
}

// ---- bare_loop: the floor ----------------------------------------------------------------------
// What every LT transaction of the model has at least: an initiator thread with a quantum keeper
// calling b_transport through a socket on a target that copies the data and annotates a latency.
// Same access size, read/write mix and quantum as lt_hit.
constexpr unsigned kBareBytes = 64;
constexpr uint64_t kBareFootprint = 64 * 1024;

struct BareTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<BareTarget> socket;
  std::vector<unsigned char> mem = std::vector<unsigned char>(kBareFootprint);
  const sc_core::sc_time latency{10, sc_core::SC_NS};

  explicit BareTarget(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &BareTarget::transport);
  }
  void transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t a = p.get_address();
    const unsigned len = p.get_data_length();
    if (a + len > mem.size()) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (p.is_write())
      std::memcpy(&mem[a], p.get_data_ptr(), len);
    else
      std::memcpy(p.get_data_ptr(), &mem[a], len);
    delay += latency;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct BareInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<BareInitiator> socket;
  uint64_t n, done = 0, errors = 0;
  std::array<unsigned char, kBareBytes> buf{};
  SC_HAS_PROCESS(BareInitiator);

  BareInitiator(sc_core::sc_module_name nm, uint64_t count) : sc_module(nm), socket("socket"),
                                                               n(count) {
    SC_THREAD(run);
  }
  void run() {
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    tlm::tlm_generic_payload p;
    uint64_t addr = 0;
    for (uint64_t i = 0; i < n; ++i) {
      p.set_command((i & 1) ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      p.set_address(addr);
      p.set_data_ptr(buf.data());
      p.set_data_length(kBareBytes);
      p.set_streaming_width(kBareBytes);
      p.set_byte_enable_ptr(nullptr);
      p.set_dmi_allowed(false);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = qk.get_local_time();
      socket->b_transport(p, delay);
      qk.set(delay);
      if (qk.need_sync()) qk.sync();
      if (!p.is_response_ok()) ++errors;
      ++done;
      addr = (addr + kBareBytes) % kBareFootprint;
    }
    qk.sync();
    sc_core::sc_stop();
  }
};

nlohmann::json runBareLoop(bool quick) {
  const uint64_t n = quick ? 4'000'000 : 40'000'000;
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1000, sc_core::SC_NS));
  BareInitiator ini("initiator", n);
  BareTarget tgt("target");
  ini.socket.bind(tgt.socket);
  const auto t0 = Clock::now();
  const double c0 = cpuSeconds();
  sc_core::sc_start();
  const double s = cpuSeconds() - c0;
  const double wall = seconds(t0, Clock::now());
  if (ini.errors || ini.done != n) throw std::runtime_error("bare_loop: transactions failed");
  nlohmann::json j;
  j["transactions"] = n;
  j["host_s"] = s;
  j["wall_s"] = wall;
  j["ns_per_txn"] = s * 1e9 / double(n);
  j["sim_time_ns"] = sc_core::sc_time_stamp().to_seconds() * 1e9;
  return j;
}

// ---- System-based cases ------------------------------------------------------------------------

const char* kLtHit = R"yaml(
name: bench-lt-hit
memory: {latency_ns: 100}
smmus: [{name: smmu0}]
devices:
  - {name: dev, count: 4, pattern: sequential, footprint_bytes: 64KiB, access_bytes: 64,
     write_fraction: 0.5, outstanding: 64, transactions: 5000000}
run: {mode: lt, quantum_ns: 1000, progress: off}
)yaml";

// Shared resources are limited: the memory channels run near capacity (nearly every access
// queues, ~25 ns on average), translation slots and walkers queue now and then.
const char* kContention = R"yaml(
name: bench-contention
memory: {latency_ns: 100, channels: 8, occupancy_ns: 4}
smmus: [{name: smmu0, tlb_entries: 1024, tlb_ways: 4, ptw_slots: 8, tbu_xlate_slots: 16}]
devices:
  - {name: dev, count: 16, pattern: random, footprint_bytes: 128KiB, access_bytes: 64,
     write_fraction: 0.3, outstanding: 16, transactions: 250000}
run: {mode: contention, progress: off}
)yaml";

const char* kMissHeavy = R"yaml(
name: bench-miss-heavy
memory: {latency_ns: 100}
smmus: [{name: smmu0, tlb_entries: 16, tlb_ways: 0, utlb_entries: 0,
         walk_cache_entries: [0, 0, 0]}]
devices:
  - {name: dev, count: 4, pattern: random, footprint_bytes: 256MiB, access_bytes: 64,
     write_fraction: 0.3, outstanding: 16, transactions: 250000}
run: {mode: contention, progress: off}
)yaml";

// 4096 devices x 16 MiB mapped with 4 KiB pages = 16 M pages (64 GiB of buffers).
const char* kScale = R"yaml(
name: bench-scale
memory: {latency_ns: 100, regions: [{base: 0x80000000, size: 72GiB}]}
smmus: [{name: smmu0, sid_bits: 16}]
devices:
  - {name: dev, count: 4096, pattern: random, footprint_bytes: 16MiB, access_bytes: 64,
     write_fraction: 0.3, outstanding: 4, transactions: 64, page_size: 4K}
run: {mode: contention, progress: off}
)yaml";

nlohmann::json runSystemCase(const std::string& name, bool quick,
                             const std::vector<std::string>& sets) {
  Scenario s = benchScenario(name, quick);
  for (const auto& a : sets) applyOverride(s, a);
  const auto t0 = Clock::now();
  Clock::time_point tTraffic{};
  double cTraffic = 0;
  System sys("system", s);
  sys.onTrafficStart = [&] {
    tTraffic = Clock::now();
    cTraffic = cpuSeconds();
  };
  const auto tElab = Clock::now();
  sc_core::sc_start();
  const double c1 = cpuSeconds();
  const auto t1 = Clock::now();
  if (!sys.hostError().empty()) throw std::runtime_error("host agent: " + sys.hostError());
  if (tTraffic == Clock::time_point{}) throw std::runtime_error("the traffic never started");

  uint64_t issued = 0, completed = 0, faulted = 0, mappedPages = 0;
  for (size_t i = 0; i < sys.deviceCount(); ++i) {
    const DeviceStats& d = sys.device(i).stats();
    issued += d.issued;
    completed += d.completed;
    faulted += d.faulted;
  }
  for (const auto& g : s.devices)
    mappedPages += uint64_t(g.count) * ((g.footprintBytes + g.pageSize - 1) / g.pageSize);
  uint64_t xl = 0, hits = 0, walks = 0, dmi = 0;
  for (size_t i = 0; i < s.smmus.size(); ++i) {
    dmi += sys.smmu(i).dmaDmiAccesses;
    const SmmuStats& st = sys.smmu(i).core().stats();
    xl += st.translations;
    hits += st.utlbHits + st.tlbHits;
    walks += st.walks;
  }
  if (issued != totalTransactions(s) || completed != issued || faulted)
    throw std::runtime_error(fmt::format("{}: {} issued, {} completed, {} faulted (expected {})",
                                         name, issued, completed, faulted,
                                         totalTransactions(s)));
  const double traffic = c1 - cTraffic;
  nlohmann::json j;
  j["transactions"] = issued;
  j["devices"] = sys.deviceCount();
  j["mapped_pages"] = mappedPages;
  j["mode"] = s.run.mode == RunMode::Lt ? "lt" : "contention";
  j["host_s"] = traffic;
  j["wall_s"] = seconds(tTraffic, t1);
  j["ns_per_txn"] = traffic * 1e9 / double(issued);
  j["m_txn_per_s"] = double(issued) / traffic / 1e6;
  j["elaboration_s"] = seconds(t0, tElab);
  j["setup_s"] = seconds(tElab, tTraffic);  // the host agent: probe, attach, map
  j["tlb_hit_rate"] = xl ? double(hits) / double(xl) : 0.0;
  j["walks_per_txn"] = xl ? double(walks) / double(xl) : 0.0;
  j["dmi_fraction"] = double(dmi) / double(issued);  // data accesses served through DMI
  j["sim_time_ns"] = sc_core::sc_time_stamp().to_seconds() * 1e9;
  j["memory_pages"] = sys.memory().pagesAllocated();
  return j;
}

std::string firstLineOf(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) {
      const auto c = line.find(':');
      if (c != std::string::npos) {
        const auto b = line.find_first_not_of(" \t", c + 1);
        return b == std::string::npos ? "" : line.substr(b);
      }
    }
  return "";
}

nlohmann::json machineJson() {
  nlohmann::json m;
  m["cpu"] = firstLineOf("/proc/cpuinfo", "model name");
  m["cpus_online"] = sysconf(_SC_NPROCESSORS_ONLN);
  m["cpus_usable"] = defaultJobs();
  const long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);
  m["memory_bytes"] = uint64_t(pages) * uint64_t(psz);
  utsname u{};
  if (uname(&u) == 0) m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m["compiler"] = __VERSION__;
#ifdef NDEBUG
  m["assertions"] = false;
#else
  m["assertions"] = true;
#endif
  m["systemc"] = sc_core::sc_release();
  return m;
}

// Targets of the issue: lt_hit <= 3x the bare loop; contention >= 2 M/s; miss_heavy >= 0.5 M/s;
// scale <= 4 GiB resident.
constexpr double kLtHitMaxRatio = 3.0;
constexpr double kContentionMinMps = 2.0;
constexpr double kMissHeavyMinMps = 0.5;
constexpr uint64_t kScaleMaxRss = uint64_t(4) << 30;

}  // namespace

const std::vector<BenchCaseInfo>& benchCases() {
  static const std::vector<BenchCaseInfo> cases = {
      {"bare_loop", "bare_loop_ns", "bare LT b_transport loop + quantum keeper (the floor)"},
      {"lt_hit", "lt_hit_ns", "LT, hit-dominated translated DMA (4 devices)"},
      {"contention", "contention_ns", "contention mode, 16 devices, mostly TLB hits"},
      {"miss_heavy", "miss_heavy_ns", "contention mode, every access walks"},
      {"scale", "scale_rss_bytes", "4096 devices x 4096 mapped 4 KiB pages"},
  };
  return cases;
}

Scenario benchScenario(const std::string& name, bool quick) {
  const char* text = name == "lt_hit"       ? kLtHit
                     : name == "contention" ? kContention
                     : name == "miss_heavy" ? kMissHeavy
                     : name == "scale"      ? kScale
                                            : nullptr;
  if (!text) throw std::invalid_argument("no System scenario for bench case '" + name + "'");
  Scenario s = parseScenarioString(text, "bench:" + name);
  if (quick) {  // fewer transactions; the same system
    for (size_t g = 0; g < s.devices.size(); ++g) {
      const uint64_t t = std::max<uint64_t>(s.devices[g].transactions / 10, 1);
      applyOverride(s, fmt::format("devices[{}].transactions={}", g, t));
    }
  }
  return s;
}

nlohmann::json runBenchCase(const std::string& name, bool quick,
                            const std::vector<std::string>& sets) {
  bool known = false;
  for (const auto& c : benchCases()) known = known || c.name == name;
  if (!known) throw std::invalid_argument("unknown bench case '" + name + "'");
  if (name == "bare_loop" && !sets.empty())
    throw std::invalid_argument("bare_loop has no scenario to --set");
  nlohmann::json j = name == "bare_loop" ? runBareLoop(quick) : runSystemCase(name, quick, sets);
  if (!sets.empty()) j["sets"] = sets;
  j["case"] = name;
  j["quick"] = quick;
  j["rss_bytes"] = peakRssBytes();
  return j;
}

int runBench(const BenchOptions& o) {
  std::vector<std::string> names = o.cases;
  if (names.empty())
    for (const auto& c : benchCases()) names.push_back(c.name);
  for (const auto& n : names) {
    bool known = false;
    for (const auto& c : benchCases()) known = known || c.name == n;
    if (!known) throw std::invalid_argument("unknown bench case '" + n + "'");
  }
  const std::string exe = o.exe.empty() ? selfExe() : o.exe;
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

  nlohmann::json out;
  out["machine"] = machineJson();
  out["quick"] = o.quick;
  out["repeat"] = o.repeat;
  nlohmann::json cases = nlohmann::json::object();
  std::map<std::string, std::vector<double>> samples;  // ns/txn of every run of a case
  bool failed = false;
  // Rounds of every case (interleaved, so that a noisy moment of a shared machine does not hit
  // one case only); a case keeps its fastest run. scale runs once: its figure is memory.
  const unsigned repeat = std::max(1u, o.repeat);
  for (unsigned round = 0; round < repeat; ++round) {
    for (const auto& n : names) {
      if (round > 0 && (n == "scale" || !cases.contains(n))) continue;
      std::cerr << fmt::format("bench: {} ({}/{}) ...", n, round + 1, n == "scale" ? 1 : repeat)
                << std::flush;
      std::vector<std::string> argv{exe, "bench-case", n};
      if (o.quick) argv.push_back("--quick");
      const auto t0 = Clock::now();
      const CommandResult r = runCommand(argv);
      std::cerr << fmt::format(" {:.1f} s\n", seconds(t0, Clock::now()));
      nlohmann::json j;
      // The result is the last line that parses as a JSON object.
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line[0] == '{') {
          try {
            j = nlohmann::json::parse(line);
          } catch (const nlohmann::json::exception&) {
          }
        }
      if (r.status != 0 || !j.is_object()) {
        failed = true;
        std::cerr << "bench: case " << n << " failed (exit status " << r.status << ")\n"
                  << r.err << r.out;
        cases.erase(n);
        continue;
      }
      const double v = j["ns_per_txn"].get<double>();
      samples[n].push_back(v);
      if (!cases.contains(n) || v < cases[n]["ns_per_txn"].get<double>()) cases[n] = j;
    }
  }
  for (auto& [n, v] : samples)
    if (cases.contains(n)) cases[n]["ns_per_txn_runs"] = v;
  out["cases"] = cases;

  auto ns = [&](const std::string& n) -> double {
    return cases.contains(n) ? cases[n]["ns_per_txn"].get<double>() : 0.0;
  };
  const double bare = ns("bare_loop");
  for (const auto& c : benchCases()) {
    if (!cases.contains(c.name)) continue;
    if (c.name == "scale")
      out[c.key] = cases[c.name]["rss_bytes"];
    else
      out[c.key] = ns(c.name);
  }
  nlohmann::json ratios = nlohmann::json::object(), targets = nlohmann::json::object();
  if (bare > 0)
    for (const auto& c : benchCases())
      if (cases.contains(c.name) && c.name != "scale" && c.name != "bare_loop")
        ratios[c.name] = ns(c.name) / bare;
  bool missed = false;
  auto target = [&](const std::string& n, const std::string& what, double value, bool met) {
    targets[n] = {{"target", what}, {"value", value}, {"met", met}};
    missed = missed || !met;
  };
  if (bare > 0 && cases.contains("lt_hit"))
    target("lt_hit", "<= 3x bare_loop per transaction", ns("lt_hit") / bare,
           ns("lt_hit") / bare <= kLtHitMaxRatio);
  if (cases.contains("contention"))
    target("contention", ">= 2 M translations per host-second", 1e3 / ns("contention"),
           1e3 / ns("contention") >= kContentionMinMps);
  if (cases.contains("miss_heavy"))
    target("miss_heavy", ">= 0.5 M translations per host-second", 1e3 / ns("miss_heavy"),
           1e3 / ns("miss_heavy") >= kMissHeavyMinMps);
  if (cases.contains("scale")) {
    const uint64_t rss = cases["scale"]["rss_bytes"].get<uint64_t>();
    target("scale", "<= 4 GiB peak resident memory (bytes)", double(rss), rss <= kScaleMaxRss);
  }
  out["ratios_to_bare_loop"] = ratios;
  out["targets"] = targets;

  // The table.
  std::cout << fmt::format("{:<11} {:>11} {:>10} {:>8}  {}\n", "case", "ns/txn", "M txn/s",
                           "x bare", "target");
  for (const auto& c : benchCases()) {
    if (!cases.contains(c.name)) continue;
    const nlohmann::json& j = cases[c.name];
    const double v = j["ns_per_txn"].get<double>();
    std::string t = c.name == "bare_loop" ? "(floor)" : "";
    if (targets.contains(c.name) && c.name != "scale")
      t = targets[c.name]["target"].get<std::string>() +
          (targets[c.name]["met"].get<bool>() ? "  met" : "  MISSED");
    std::cout << fmt::format("{:<11} {:>11.1f} {:>10.2f} {:>8}  {}\n", c.name, v, 1e3 / v,
                             bare > 0 ? fmt::format("{:.2f}", v / bare) : "-", t);
  }
  if (cases.contains("scale")) {
    const nlohmann::json& j = cases["scale"];
    const double gib = j["rss_bytes"].get<double>() / double(1ull << 30);
    std::cout << fmt::format(
        "scale: {} devices, {} mapped 4 KiB pages: peak RSS {:.2f} GiB ({}), setup {:.1f} s{}\n",
        j["devices"].get<uint64_t>(), j["mapped_pages"].get<uint64_t>(), gib,
        targets["scale"]["met"].get<bool>() ? "<= 4 GiB, met" : "> 4 GiB, MISSED",
        j["setup_s"].get<double>(), o.quick ? " (quick)" : "");
  }
  if (!o.outDir.empty()) {
    std::filesystem::create_directories(o.outDir);
    const std::string file = o.outDir + "/bench.json";
    std::ofstream f(file);
    if (!f) throw std::runtime_error(file + ": cannot create");
    f << out.dump(2) << '\n';
    std::cout << "wrote " << file << '\n';
  }
  return failed ? 2 : missed ? 1 : 0;
}

bool BenchCommands::selected() const {
  return (bench && bench->parsed()) || (benchCase && benchCase->parsed());
}

void addBenchSubcommands(CLI::App& app, BenchCommands& c) {
  c.bench = app.add_subcommand(
      "bench", "measure host speed: bare loop, LT hits, contention, miss-heavy, scale");
  c.bench->add_option("--out", c.opts.outDir, "write DIR/bench.json");
  c.bench->add_flag("--quick", c.opts.quick, "fewer transactions per case (same systems)");
  c.bench->add_option("--case", c.opts.cases, "run only this case (repeatable)");
  c.bench->add_option("--repeat", c.opts.repeat,
                      "runs of each case, interleaved; the fastest counts (default 3)");
  c.benchCase = app.add_subcommand("bench-case", "run one bench case, print one JSON line");
  c.benchCase->group("");  // hidden: `bench` runs it in a child process
  c.benchCase->add_option("name", c.caseName, "case")->required();
  c.benchCase->add_flag("--quick", c.caseQuick, "fewer transactions");
  c.benchCase->add_option("--set", c.caseSets, "override a field of the case's scenario");
}

int runBenchCommand(const BenchCommands& c) {
  if (c.benchCase && c.benchCase->parsed()) {
    std::cout << runBenchCase(c.caseName, c.caseQuick, c.caseSets).dump() << std::endl;
    return 0;
  }
  return runBench(c.opts);
}

}  // namespace smmu::tb
