// The TLM extension a device attaches to each DMA transaction: its StreamID and optional
// SubstreamID (PASID) and access attributes in, and what the SMMU did with it out.
#pragma once
#include <tlm>

#include "smmu/SmmuCore.h"

namespace smmu {

class TxnExtension : public tlm::tlm_extension<TxnExtension> {
 public:
  // in
  TranslationRequest req;
  // out (filled by the SMMU)
  TranslationResult result;

  tlm::tlm_extension_base* clone() const override { return new TxnExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TxnExtension&>(other);
  }
};

}  // namespace smmu
