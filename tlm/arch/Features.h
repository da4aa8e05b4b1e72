// What one SMMU instance implements, as its ID registers advertise it. Instances differ
// (granules, OAS, HTTU, ATS/PRI ...), so nothing in the model may assume one global set.
#pragma once
#include <cstdint>

namespace smmu {

struct SmmuFeatures {
  bool s1p = true;          // IDR0.S1P
  bool s2p = false;         // IDR0.S2P
  bool ttfAarch64 = true;   // IDR0.TTF = 0b10
  bool cohacc = true;       // IDR0.COHACC
  bool btm = false;         // IDR0.BTM
  uint8_t httu = 0;         // IDR0.HTTU: 0 none, 1 AF, 2 AF+dirty
  bool ats = false;         // IDR0.ATS
  bool pri = false;         // IDR0.PRI
  bool cd2l = true;         // IDR0.CD2L
  bool vmid16 = true;       // IDR0.VMID16
  bool asid16 = true;       // IDR0.ASID16
  bool msi = true;          // IDR0.MSI
  uint8_t stallModel = 1;   // IDR0.STALL_MODEL: 0 stall+terminate, 1 terminate only, 2 stall only
  bool stLevel2 = true;     // IDR0.ST_LEVEL = 0b01 (2-level stream table supported)
  uint8_t cmdqLog2 = 8;     // IDR1.CMDQS
  uint8_t evtqLog2 = 7;     // IDR1.EVENTQS
  uint8_t priqLog2 = 7;     // IDR1.PRIQS
  uint8_t sidBits = 16;     // IDR1.SIDSIZE
  uint8_t ssidBits = 8;     // IDR1.SSIDSIZE
  uint8_t oasBits = 48;     // IDR5.OAS (decoded to bits: 32 36 40 42 44 48 52)
  bool gran4k = true;       // IDR5.GRAN4K
  bool gran16k = true;      // IDR5.GRAN16K
  bool gran64k = true;      // IDR5.GRAN64K
  bool vax52 = false;       // IDR5.VAX = 0b01 (52-bit VA)
  bool ril = false;         // IDR3.RIL (range TLBI: NUM/SCALE/TTL/TG in TLBI_*_VA/IPA)
  bool had = false;         // IDR3.HAD (CD.HAD0/HAD1 honoured; without it they are IGNORED)

  struct Idr {
    uint32_t idr0, idr1, idr2, idr3, idr4, idr5;
  };
  Idr toIdr() const;
  static SmmuFeatures fromIdr(const Idr& idr);
};

// IDR5.OAS encoding <-> bits. Returns 0 for a reserved encoding.
unsigned oasEncodingToBits(unsigned enc);
// Smallest encoding whose size is >= bits (e.g. 48 -> 5). Returns 7 when none fits.
unsigned oasBitsToEncoding(unsigned bits);

}  // namespace smmu
