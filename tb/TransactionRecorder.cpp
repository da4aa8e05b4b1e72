#include "TransactionRecorder.h"

#include <cinttypes>
#include <stdexcept>

namespace smmu::tb {

const char* hitName(const TranslationResult& r) {
  switch (r.servedBy) {
    case ServedBy::Utlb: return "utlb";
    case ServedBy::Tlb: return "tlb";
    case ServedBy::Coalesced: return "coalesced";
    case ServedBy::Walk:
    case ServedBy::Bypass: return r.outcome == Outcome::Ok ? "walk" : "fault";
    case ServedBy::Fault:
    case ServedBy::Abort: return "fault";
  }
  return "fault";
}

TransactionRecorder::TransactionRecorder(const std::string& path) : path_(path) {
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) throw std::runtime_error(path + ": cannot create");
  buffer_.resize(1 << 16);
  std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
  std::fputs("sid,ssid,iova,pa,dir,issue_ns,done_ns,outcome,hit,walk_reads\n", f_);
}

TransactionRecorder::~TransactionRecorder() {
  if (f_) std::fclose(f_);
}

void TransactionRecorder::record(const TranslationRequest& req, uint64_t iova, bool write,
                                 Tick issuePs, Tick donePs, const TranslationResult& r, bool ok) {
  const char* outcome = ok ? "ok" : (r.outcome == Outcome::Abort ? "abort" : "fault");
  char ssid[16] = "", pa[24] = "";
  if (req.ssv) std::snprintf(ssid, sizeof ssid, "0x%" PRIx32, req.ssid);
  if (r.outcome == Outcome::Ok) std::snprintf(pa, sizeof pa, "0x%" PRIx64, r.pa);
  std::fprintf(f_, "0x%" PRIx32 ",%s,0x%" PRIx64 ",%s,%c,%" PRIu64 ".%03" PRIu64 ",%" PRIu64
                   ".%03" PRIu64 ",%s,%s,%u\n",
               req.sid, ssid, iova, pa, write ? 'w' : 'r', issuePs / 1000, issuePs % 1000,
               donePs / 1000, donePs % 1000, outcome, hitName(r), r.walkReads);
  ++rows_;
}

}  // namespace smmu::tb
