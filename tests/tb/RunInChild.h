// Runs a whole System in a forked child (a SystemC kernel runs once per process) and returns
// its stats.json through a pipe; shared by the whole-system tests.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <systemc>

#include "Report.h"
#include "Scenario.h"
#include "System.h"

namespace smmu::tb {

// Runs the scenario in a child process and returns its stats.json.
inline nlohmann::json runInChild(const Scenario& s, const std::string& record = "") {
  int fd[2];
  if (pipe(fd) != 0) throw std::runtime_error("pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    std::string out;
    try {
      sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                              sc_core::SC_DO_NOTHING);
      System sys("system", s, record);
      sc_core::sc_start();
      out = makeStatsJson(sys.record()).dump();
    } catch (const std::exception& e) {
      out = nlohmann::json{{"error", e.what()}}.dump();
    }
    size_t off = 0;
    while (off < out.size()) {
      const ssize_t n = write(fd[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += size_t(n);
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  std::string in;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd[0], buf, sizeof buf)) > 0) in.append(buf, size_t(n));
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  auto j = nlohmann::json::parse(in);
  if (j.contains("error")) throw std::runtime_error(j["error"].get<std::string>());
  return j;
}

}  // namespace smmu::tb
