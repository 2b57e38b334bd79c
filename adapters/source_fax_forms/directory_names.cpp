// The directory's organization names for fax forms (see directory_names.h).
#include "directory_names.h"

#include <rapidjson/document.h>

#include "renkei/core/json_fields.h"
#include "renkei/mapping/transforms.h"

namespace renkei::adapters {
namespace {

constexpr int64_t kReloadMs = 60'000;
constexpr int64_t kPage = 1000;

}  // namespace

std::string comparableName(const std::string& name) {
  auto nfkc = mapping::applyTransform("nfkc", "", name, {});
  auto compact = mapping::applyTransform("no_spaces", "", nfkc.ok() ? nfkc.value() : name, {});
  return compact.ok() ? compact.value() : name;
}

bool DirectoryNames::known(const std::string& name, int64_t nowMs) {
  std::lock_guard<std::mutex> hold(mutex_);
  if (loadedMs_ < 0 || nowMs - loadedMs_ >= kReloadMs) {
    // Read again only when a message wrote an Organization since the last reading.
    auto latest = store_->latestResourceMessage("Organization");
    if (latest.ok() && loadedMs_ >= 0 && latest.value() == loadedMessage_) {
      loadedMs_ = nowMs;
      return names_.count(comparableName(name)) != 0;
    }
    std::set<std::string> names;
    std::string organization, id;
    bool complete = true;
    for (;;) {
      auto page = store_->currentResources("Organization", organization, id, kPage);
      if (!page.ok()) {
        complete = false;
        break;
      }
      for (const store::StoredResource& r : page.value()) {
        rapidjson::Document d;
        d.Parse(r.content.c_str(), r.content.size());
        if (d.HasParseError()) continue;
        if (std::string n = json::str(d, "name"); !n.empty()) names.insert(comparableName(n));
        json::each(d, "alias", [&](const rapidjson::Value& a) {
          if (a.IsString()) names.insert(comparableName(a.GetString()));
        });
      }
      if (page->size() < std::size_t(kPage)) break;
      organization = page->back().organization;
      id = page->back().id;
    }
    if (complete) {
      names_ = std::move(names);
      loadedMessage_ = latest.ok() ? latest.value() : -1;
    }
    loadedMs_ = nowMs;
  }
  return names_.count(comparableName(name)) != 0;
}

}  // namespace renkei::adapters
