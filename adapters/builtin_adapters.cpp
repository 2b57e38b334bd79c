// The one hand-kept list of adapters built into renkei (explicit registration, no static
// initialisers).
#include "renkei/pipeline/adapter_registry.h"
#include "sink_csv_folder/csv_folder_sink.h"
#include "sink_fhir_rest/fhir_rest_sink.h"
#include "sink_file_folder/file_folder_sink.h"
#include "source_fhir_http/fhir_http_source.h"
#include "source_folder/folder_source.h"

namespace renkei::pipeline {

void registerBuiltinAdapters(AdapterRegistry& registry) {
  adapters::registerFolderSource(registry);
  adapters::registerFhirHttpSource(registry);
  adapters::registerFhirRestSink(registry);
  adapters::registerFileFolderSink(registry);
  adapters::registerCsvFolderSink(registry);
}

}  // namespace renkei::pipeline
