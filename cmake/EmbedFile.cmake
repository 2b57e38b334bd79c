# Script mode: writes IN's bytes as a raw string literal named SYMBOL into OUT (see renkei_embed).
file(READ "${IN}" content)
string(FIND "${content}" ")RENKEI_EMBED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the embedding delimiter")
endif()
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace renkei::embedded {\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL} = R\"RENKEI_EMBED(${content})RENKEI_EMBED\";\n}\n")
