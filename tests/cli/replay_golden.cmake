# `smmusim replay` on the committed sample must reproduce the committed golden output byte for
# byte.
#   cmake -DSMMUSIM=<smmusim> -DSAMPLE=<traces/sample> -DOUT=<out.csv to write>
#         [-DEXTRA=<arg|arg...>] -P replay_golden.cmake
cmake_minimum_required(VERSION 3.16)
foreach(v SMMUSIM SAMPLE OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "replay_golden.cmake: -D${v}=... is required")
  endif()
endforeach()
set(extra "")
if(DEFINED EXTRA)
  string(REPLACE "|" ";" extra "${EXTRA}")
endif()
file(REMOVE "${OUT}")
get_filename_component(dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
execute_process(
  COMMAND "${SMMUSIM}" replay --regs "${SAMPLE}/regs.json" --image "${SAMPLE}/sample.bin"
          --index "${SAMPLE}/sample.idx" --trace "${SAMPLE}/in.csv" --out "${OUT}" ${extra}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "smmusim replay failed (exit code ${rc}):\n${out}${err}")
endif()
if(NOT out MATCHES "replayed 28 transactions: 14 ok, 3 aborted, 11 faulted")
  message(FATAL_ERROR "unexpected summary:\n${out}${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}" "${SAMPLE}/out.csv"
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  file(READ "${OUT}" got)
  message(FATAL_ERROR "${OUT} differs from ${SAMPLE}/out.csv; it is:\n${got}")
endif()
