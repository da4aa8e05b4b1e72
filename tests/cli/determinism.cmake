# `smmusim run` is deterministic: the same scenario run twice writes byte-identical stats.json,
# and another seed writes a different one (so the comparison can fail).
#   cmake -DSMMUSIM=<smmusim> -DSCENARIO=<yaml> -DWORK=<scratch dir> -P determinism.cmake
cmake_minimum_required(VERSION 3.16)
foreach(v SMMUSIM SCENARIO WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "determinism.cmake: -D${v}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")

function(run_into dir)
  execute_process(COMMAND "${SMMUSIM}" run "${SCENARIO}" --out "${WORK}/${dir}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "smmusim run ${ARGN} failed (exit code ${rc}):\n${out}${err}")
  endif()
  if(NOT EXISTS "${WORK}/${dir}/stats.json")
    message(FATAL_ERROR "no ${WORK}/${dir}/stats.json:\n${out}${err}")
  endif()
endfunction()

run_into(a)
run_into(b)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORK}/a/stats.json"
                "${WORK}/b/stats.json" RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "two runs of ${SCENARIO} wrote different stats.json (${WORK}/a, ${WORK}/b)")
endif()
file(READ "${WORK}/a/stats.json" stats)
if(NOT stats MATCHES "\"issued\": 200")
  message(FATAL_ERROR "stats.json does not show 200 issued transactions per device:\n${stats}")
endif()

run_into(c --set seed=12)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORK}/a/stats.json"
                "${WORK}/c/stats.json" RESULT_VARIABLE same)
if(same EQUAL 0)
  message(FATAL_ERROR "another seed wrote the same stats.json: the comparison proves nothing")
endif()
file(REMOVE_RECURSE "${WORK}")
