# Finds the Debian-packaged dependencies once, for every target.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(RapidJSON CONFIG QUIET)
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/reader.h REQUIRED)
find_package(Poco REQUIRED COMPONENTS Foundation Util)

add_library(renkei_rapidjson INTERFACE)
target_include_directories(renkei_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
target_compile_definitions(renkei_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1 RAPIDJSON_SSE42=1)
target_compile_options(renkei_rapidjson INTERFACE -msse4.2)

# Storage and networking. Debian's PocoDataPostgreSQL config links PostgreSQL::client, which
# nothing defines, and PocoDataSQLite links SQLite::SQLite3: provide both before finding POCO.
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()
find_package(OpenSSL REQUIRED)
find_package(Poco REQUIRED COMPONENTS Net NetSSL Crypto JWT Data DataSQLite DataPostgreSQL)

# Embeds a text file (SQL migrations, JSON Schemas, data tables) into a target as
# `extern const std::string_view SYMBOL` in namespace renkei::embedded.
function(renkei_embed target file symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS "${file}" ${CMAKE_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE "${out}")
endfunction()
