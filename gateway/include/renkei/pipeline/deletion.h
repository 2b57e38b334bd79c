// A deletion (DELETE Type/id over the FHIR API) as a message of its own: its FHIR body, and its
// routing — it follows the resource to every recipient its versions went to, in the same ordering
// line, so that a recipient never gets the deletion before what it deletes.
#pragma once

#include <functional>
#include <string>

#include "renkei/pipeline/write_intent.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// A transaction Bundle with one entry: DELETE type/id.
std::string deletionBundle(const std::string& type, const std::string& id);

/// The outcome of routing a deletion `intent` by `sender` whose normalized body is `canonical`:
/// one delivery per (destination, recipient) the resource went to (not those consent held)
/// whose destination `deliversDeletions`; the others are named in the routing record as not
/// told. FAILED, with the reason, when the store cannot say.
store::RoutingOutcome routeDeletion(store::Store& store, const WriteIntent& intent,
                                    const std::string& sender, std::string canonical,
                                    const std::function<bool(const std::string&)>& deliversDeletions);

}  // namespace renkei::pipeline
