// Where definitions are found when nothing says otherwise: environment, then the locations the
// build recorded (the checkout's .deps and fhir-profiles), then the installed share directory.
#pragma once

#include "renkei/fhir/definitions.h"

namespace renkei::fhir {

/// R4 core definitions directory: $RENKEI_DEFINITIONS_DIR, the build's default, or
/// /usr/share/renkei/definitions.
std::string defaultCoreDirectory();
/// Renkei's own profiles: $RENKEI_PROFILES_DIR, the checkout's fhir-profiles/, or
/// /usr/share/renkei/fhir-profiles.
std::string defaultProfilesDirectory();
/// Core definitions plus Renkei's own profiles.
DefinitionSources defaultDefinitionSources();

}  // namespace renkei::fhir
