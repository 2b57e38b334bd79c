// The CareTeams a routed message leaves behind: what it says of who cares for its patient
// (care/stated_care_team.h), one CareTeam per role, written under its sender as a client-named
// resource so that a later statement of the same role replaces it and repeats change nothing.
#pragma once

#include <vector>

#include "renkei/care/care_directory.h"
#include "renkei/routing/message_facts.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// Nothing when the message states no member or names its patient by no identifier. Members are
/// referred to by their directory entry when `directory` knows them, else by identifier.
std::vector<store::ResourceCopy> statedCareTeams(const routing::MessageFacts& facts,
                                                 const care::CareDirectory* directory);

}  // namespace renkei::pipeline
