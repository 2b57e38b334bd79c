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
