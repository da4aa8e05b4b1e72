// `--record`: one CSV row per transaction,
//   sid,ssid,iova,pa,dir,issue_ns,done_ns,outcome,hit,walk_reads
// `pa` is the output address of the translation (empty when it faulted or aborted), so that two
// runs can be compared address by address.
// `hit` names where the translation was served: utlb, tlb, coalesced (onto another walk's
// fill), walk, or fault (aborts included). Rows are buffered and written in completion-call
// order; the file is flushed when the recorder is destroyed.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "smmu/SmmuCore.h"

namespace smmu::tb {

class TransactionRecorder {
 public:
  explicit TransactionRecorder(const std::string& path);
  ~TransactionRecorder();
  TransactionRecorder(const TransactionRecorder&) = delete;
  TransactionRecorder& operator=(const TransactionRecorder&) = delete;

  void record(const TranslationRequest& req, uint64_t iova, bool write, Tick issuePs,
              Tick donePs, const TranslationResult& r, bool ok);
  uint64_t rows() const { return rows_; }

 private:
  std::vector<char> buffer_;  // declared before f_: outlives the stream that uses it
  std::FILE* f_ = nullptr;
  std::string path_;
  uint64_t rows_ = 0;
};

const char* hitName(const TranslationResult& r);

}  // namespace smmu::tb
