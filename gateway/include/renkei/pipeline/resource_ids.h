// Server ids for the resources a message carries: each resource (a transaction or batch Bundle's
// entries; any other resource, documents and messages included, as a whole) gets an id derived
// from a key and its original identity (fullUrl, else Type/id), and references between them are
// rewritten to Type/newId. The same key and message always give the same ids, so a repeat — a
// retry, a replay, a resent request — names the same resources. Resources the client names
// itself (an update, or a transaction entry PUT to Type/id) keep their ids and become updates.
// meta.versionId and meta.lastUpdated are dropped: the store assigns them. Used for the store's
// resource copies and by the fhir_rest sink.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/pipeline/write_intent.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// A resource with its new id and rewritten references.
using IdentifiedResource = store::ResourceCopy;

/// An id (≤ 64 characters, [A-Za-z0-9]) from the key and the original identity.
std::string deterministicId(std::string_view key, std::string_view originalIdentity);
/// The store's id of a message's `index`-th resource: ids of later messages sort after earlier
/// ones, so new rows append to the store's indexes instead of touching pages all over them.
std::string messageResourceId(int64_t messageId, std::size_t index);
/// Whether `id` has the shape of messageResourceId (a server-assigned id).
bool isMessageResourceId(std::string_view id);

/// How identifyResources names resources.
struct IdNaming {
  std::string key;        ///< server ids from deterministicId(key, original identity) …
  int64_t messageId = 0;  ///< … or, when > 0, from messageResourceId(messageId, n)
  /// Client-named resources (an update, a PUT entry) keep their id when this is empty (the store
  /// keeps each sender's ids apart); otherwise they are named deterministicId(clientNamespace,
  /// "Type/id") — the same for every message of one sender, different between senders — so
  /// that a receiver sees each update of a resource as a new version of one resource.
  std::string clientNamespace;
};

Result<std::vector<IdentifiedResource>> identifyResources(std::string_view canonicalJson,
                                                          const IdNaming& naming,
                                                          const WriteIntent& intent = {});

/// The version in an ETag or If-Match value (W/"3", "3" or 3); 0 when there is none.
int64_t versionFromETag(std::string_view etag);

}  // namespace renkei::pipeline
