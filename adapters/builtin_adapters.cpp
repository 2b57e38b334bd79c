// The one hand-kept list of adapters built into renkei (explicit registration, no static
// initialisers). Each adapter is its own library behind a CMake option (adapters/CMakeLists.txt),
// which defines RENKEI_WITH_<NAME> here when it is built.
#include "renkei/pipeline/adapter_registry.h"
#ifdef RENKEI_WITH_SINK_FAX_SHEET
#include "sink_fax_sheet/fax_sheet_sink.h"
#endif
#ifdef RENKEI_WITH_SINK_CSV_FOLDER
#include "sink_csv_folder/csv_folder_sink.h"
#endif
#ifdef RENKEI_WITH_SINK_FHIR_REST
#include "sink_fhir_rest/fhir_rest_sink.h"
#endif
#ifdef RENKEI_WITH_SINK_REST_HOOK
#include "sink_rest_hook/rest_hook_sink.h"
#endif
#ifdef RENKEI_WITH_SINK_FILE_FOLDER
#include "sink_file_folder/file_folder_sink.h"
#endif
#ifdef RENKEI_WITH_SOURCE_FHIR_HTTP
#include "source_fhir_http/fhir_http_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_MLLP
#include "source_mllp/mllp_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_SSMIX2
#include "source_ssmix2/ssmix2_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_REPLIES
#include "source_fax_replies/fax_replies_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_FORMS
#include "source_fax_forms/fax_forms_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_REVIEW
#include "source_fax_review/fax_review_source.h"
#endif
#ifdef RENKEI_WITH_SOURCE_FOLDER
#include "source_folder/folder_source.h"
#endif

namespace renkei::pipeline {

void registerBuiltinAdapters([[maybe_unused]] AdapterRegistry& registry) {
#ifdef RENKEI_WITH_SOURCE_FOLDER
  adapters::registerFolderSource(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_FHIR_HTTP
  adapters::registerFhirHttpSource(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_MLLP
  adapters::registerMllpSource(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_SSMIX2
  adapters::registerSsmix2Source(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_REPLIES
  adapters::registerFaxRepliesSource(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_FORMS
  adapters::registerFaxFormsSource(registry);
#endif
#ifdef RENKEI_WITH_SOURCE_FAX_REVIEW
  adapters::registerFaxReviewSource(registry);
#endif
#ifdef RENKEI_WITH_SINK_FHIR_REST
  adapters::registerFhirRestSink(registry);
#endif
#ifdef RENKEI_WITH_SINK_REST_HOOK
  adapters::registerRestHookSink(registry);
#endif
#ifdef RENKEI_WITH_SINK_FILE_FOLDER
  adapters::registerFileFolderSink(registry);
#endif
#ifdef RENKEI_WITH_SINK_CSV_FOLDER
  adapters::registerCsvFolderSink(registry);
#endif
#ifdef RENKEI_WITH_SINK_FAX_SHEET
  adapters::registerFaxSheetSink(registry);
#endif
}

}  // namespace renkei::pipeline
