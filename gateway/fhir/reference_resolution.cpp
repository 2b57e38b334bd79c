// Reference resolution inside a resource or a Bundle (see reference_resolution.h).
#include "renkei/fhir/reference_resolution.h"

#include "validation/primitive_rules.h"

namespace renkei::fhir {
namespace {

bool isRestfulUrl(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::string_view idOf(std::string_view typeId) { return typeId.substr(typeId.find('/') + 1); }

}  // namespace

std::string_view referenceWithoutHistory(std::string_view ref, std::string_view* version) {
  std::size_t hist = ref.find("/_history/");
  if (hist == std::string_view::npos) return ref;
  if (version) *version = ref.substr(hist + 10);
  return ref.substr(0, hist);
}

std::string_view referenceTypeAndId(std::string_view url) {
  url = referenceWithoutHistory(url, nullptr);
  std::size_t slash = url.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  std::size_t prev = url.rfind('/', slash - 1);
  std::size_t start = prev == std::string_view::npos ? 0 : prev + 1;
  return url.substr(start);
}

BundleIndex BundleIndex::build(const Node& bundle) {
  BundleIndex index;
  index.type = std::string(bundle.childValue("type"));
  for (const Node* e = bundle.firstChild; e; e = e->next) {
    if (e->name != "entry") continue;
    const Node* res = e->child("resource");
    if (res && !res->isResource()) res = nullptr;
    std::size_t i = index.entries.size();
    index.entries.push_back({e, res, e->childValue("fullUrl")});
    if (res == nullptr) continue;
    index.entryOfResource[res] = i;
    std::string_view fullUrl = index.entries.back().fullUrl;
    if (!fullUrl.empty()) {
      index.byFullUrl.emplace(std::string(referenceWithoutHistory(fullUrl, nullptr)), i);
    } else if (std::string_view id = res->childValue("id"); !id.empty()) {
      index.byTypeId.emplace(std::string(res->resourceType) + "/" + std::string(id), i);
    }
  }
  return index;
}

std::string_view BundleIndex::fullUrlOf(const Node* resource) const {
  auto found = entryOfResource.find(resource);
  return found == entryOfResource.end() ? std::string_view() : entries[found->second].fullUrl;
}

Resolution resolveInBundle(const BundleIndex& bundle, std::string_view ref,
                           std::string_view fromFullUrl) {
  Resolution r;
  r.searched = true;
  std::string_view version;
  std::string_view base = referenceWithoutHistory(ref, &version);
  std::vector<std::string> keys;
  const std::unordered_multimap<std::string, std::size_t>* map = &bundle.byFullUrl;
  if (hasUriScheme(base)) {
    keys.emplace_back(base);
  } else {
    std::string_view ti = referenceTypeAndId(base);
    if (ti.empty()) return r;
    std::string_view fromTi = referenceTypeAndId(fromFullUrl);
    if (isRestfulUrl(fromFullUrl) && !fromTi.empty()) {
      std::string_view stem = referenceWithoutHistory(fromFullUrl, nullptr);
      keys.push_back(std::string(stem.substr(0, stem.size() - fromTi.size())) + std::string(ti));
    } else if (!fromFullUrl.empty()) {
      keys.push_back("urn:uuid:" + std::string(idOf(ti)));
    } else {
      keys.emplace_back(ti);
      map = &bundle.byTypeId;
    }
  }
  for (const std::string& key : keys) {
    auto [lo, hi] = map->equal_range(key);
    for (auto it = lo; it != hi; ++it) {
      const Node* res = bundle.entries[it->second].resource;
      if (!version.empty()) {
        const Node* meta = res->child("meta");
        if (meta == nullptr || meta->childValue("versionId") != version) continue;
      }
      if (r.target == nullptr) r.target = res;
      ++r.matches;
    }
  }
  return r;
}

Resolution resolveContained(const Node& container, std::string_view ref) {
  Resolution r;
  if (ref.empty() || ref[0] != '#') return r;
  r.searched = true;
  if (ref.size() == 1) {
    r.target = &container;
    r.matches = 1;
    return r;
  }
  std::string_view id = ref.substr(1);
  for (const Node* c = container.firstChild; c; c = c->next) {
    if (c->name == "contained" && c->childValue("id") == id) {
      r.target = c;
      r.matches = 1;
      break;
    }
  }
  return r;
}

}  // namespace renkei::fhir
