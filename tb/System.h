// The simulated system of a scenario: one shared memory model, N SMMU instances, a host agent
// per SMMU (Linux-like driver reaching the SMMU's register frame over TLM), and the devices.
//
//   Device* --dmaIn--> Smmu --dmaOut--> MemoryTarget <-- Smmu.walk (tables, queues)
//   TlmRegisterAccess --regs--> Smmu            ^-- host agent writes tables directly
//
// Before the devices start, the host thread probes every SMMU and, for every device, creates a
// domain, attaches the device's StreamID (and SubstreamID) and maps its buffer, all through
// the register frame and command queue in simulated time. When every device is done it drains
// the event queues and stops the simulation.
// Statistics cover a window of the traffic: the counters are reset when the traffic starts
// (the host's setup is not counted) and again when the window opens after a warm-up
// (run.warmup_ns, run.warmup_transactions; see StatsWindow).
#pragma once
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "Device.h"
#include "Report.h"
#include "TraceSource.h"
#include "TransactionRecorder.h"
#include "Scenario.h"
#include "host/ArmSmmuV3Driver.h"
#include "host/PageAllocator.h"
#include "host/TlmRegisterAccess.h"
#include "mem/MemoryTarget.h"
#include "mem/SparseMemory.h"
#include "smmu/Smmu.h"

namespace smmu::tb {

class System : public sc_core::sc_module {
 public:
  // recordPath: write one row per transaction there (--record); "" = no record.
  System(sc_core::sc_module_name name, const Scenario& scenario,
         const std::string& recordPath = "");
  ~System() override;
  SC_HAS_PROCESS(System);

  // Called from device threads every `progressEvery` transactions (and at the end).
  std::function<void(uint64_t done, uint64_t total, uint64_t simNs)> onProgress;
  // Called once when the host's setup is done, right before the devices start (benchmarks
  // time the traffic phase from here).
  std::function<void()> onTrafficStart;

  RunRecord record() const;
  SparseMemory& memory() { return mem_; }
  Smmu& smmu(size_t i) { return *smmus_[i]; }
  ArmSmmuV3Driver& driver(size_t i) { return *drivers_[i]; }
  Device& device(size_t i) { return *devices_[i]; }
  size_t deviceCount() const { return devices_.size(); }
  double setupDoneNs() const { return setupDoneNs_; }
  const std::string& hostError() const { return hostError_; }

 private:
  void hostThread();
  void progressThread();
  // Zeroes the counters of every SMMU and of the memory channels (a statistics window opens);
  // caches, queues and timing are untouched.
  void resetCounters();

  const Scenario& sc_;
  SparseMemory mem_;
  MemoryTarget memTarget_;
  std::unique_ptr<PageAllocator> tableAlloc_, dataAlloc_;
  std::vector<std::unique_ptr<Smmu>> smmus_;
  std::vector<std::unique_ptr<TlmRegisterAccess>> hostPorts_;
  // The host agent's memory accesses (tables, queues, CDs) at its own simulated time.
  std::unique_ptr<HostMemoryPort> hostMem_;
  std::vector<std::unique_ptr<ArmSmmuV3Driver>> drivers_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<DeviceRecord> deviceInfo_;
  std::vector<uint64_t> tableBytes_;
  std::unique_ptr<TransactionRecorder> recorder_;
  // Per device group: the (sid, ssid) pairs its trace uses, attached to the group's domain.
  std::vector<std::vector<std::pair<uint32_t, std::optional<uint32_t>>>> traceStreams_;
  sc_core::sc_event start_;
  StatsWindow window_;  // the devices' statistics window (run.warmup_*)
  uint64_t eventsDrained_ = 0;
  double setupDoneNs_ = 0;
  std::string hostError_;
};

}  // namespace smmu::tb
