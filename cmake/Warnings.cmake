# Project-wide warning flags, applied per target with renkei_warnings(<target>).
function(renkei_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter
                                           -Wnon-virtual-dtor -Wshadow=local -Wno-restrict)
endfunction()
