#!/usr/bin/env bash
# Checks the results.csv of the tiny sweep (tiny.yaml: TLB entries 8/512 x memory latency
# 50/150 ns): four ok rows in point order, and the statistics move the way the axes push them.
# Usage: check_results.sh RESULTS.csv
set -euo pipefail
csv=$1
[ -s "$csv" ] || { echo "FAIL: $csv missing or empty"; exit 1; }
awk -F, '
  function fail(m) { print "FAIL: " m; bad = 1; exit 1 }
  NR == 1 {
    for (i = 1; i <= NF; i++) col[$i] = i
    if ($1 != "point" || $2 != "smmus[0].tlb_entries" || $3 != "memory.latency_ns" ||
        $NF != "status")
      fail("unexpected header: " $0)
    split("issued completed faulted latency_p50_ns latency_p90_ns latency_p99_ns " \
          "latency_p999_ns latency_mean_ns latency_max_ns utlb_rate tlb_rate coalesced_rate " \
          "walk_rate fault_rate config_cache_hit_rate walks memory_accesses_per_walk " \
          "transactions_per_s bytes_per_s sim_time_ns", names, " ")
    for (k in names) if (!(names[k] in col)) fail("missing column " names[k])
    next
  }
  {
    rows++
    if ($1 != rows - 1) fail("row " rows " is point " $1)
    if ($NF != "ok") fail("point " $1 " status " $NF)
    if ($col["issued"] != 1000 || $col["completed"] != 1000) fail("point " $1 ": " $0)
    walk[$2, $3] = $col["walk_rate"]; mean[$2, $3] = $col["latency_mean_ns"]
    walks[$2, $3] = $col["walks"]
    if (!($col["transactions_per_s"] > 0)) fail("point " $1 ": no throughput")
  }
  END {
    if (bad) exit 1
    if (rows != 4) fail(rows " rows, expected 4")
    if (!(8 SUBSEP 50 in walk) || !(512 SUBSEP 150 in walk)) fail("axis values missing")
    for (l = 50; l <= 150; l += 100) {
      # More TLB entries: fewer transactions walk (64 pages per device: 8 entries thrash).
      if (!(walk[512, l] < walk[8, l])) fail("latency " l ": walk rate 512 entries " \
                                              walk[512, l] " >= 8 entries " walk[8, l])
      if (!(walks[512, l] < walks[8, l])) fail("latency " l ": walks did not drop")
    }
    for (t = 8; t <= 512; t *= 64) {
      # Slower memory: a higher mean DMA latency, and the same walk rate.
      if (!(mean[t, 150] > mean[t, 50])) fail("tlb " t ": mean latency did not rise")
      if (walk[t, 150] != walk[t, 50]) fail("tlb " t ": walk rate changed with memory latency")
    }
    print "results ok: " rows " points"
  }' "$csv"
