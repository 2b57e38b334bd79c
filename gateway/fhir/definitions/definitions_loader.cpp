// Loads R4 core bundles and FHIR packages into a Definitions set: StructureDefinitions with
// snapshots are compiled as they stream past; differential-only ones wait until their base is
// loaded and then get a generated snapshot.
#include <malloc.h>

#include <filesystem>

#include "../node_util.h"
#include "package_reader.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/json_reader.h"
#include "snapshot_generator.h"
#include "structure_compiler.h"
#include "terminology_compiler.h"

namespace renkei::fhir {
namespace {

// The R4 core bundles, in load order (types first: resources build on them).
constexpr const char* kCoreBundles[] = {
    "profiles-types.json", "profiles-resources.json", "profiles-others.json",
    "extension-definitions.json", "valuesets.json", "v3-codesystems.json", "v2-tables.json",
};

class Loader {
 public:
  explicit Loader(Definitions& defs) : defs_(defs) {}

  void accept(const Node& r, const std::string& origin) {
    std::string_view type = r.resourceType;
    if (type == "StructureDefinition") {
      if (r.child("snapshot")) {
        auto sd = compileStructure(r, defs_.arena(), origin);
        if (sd.ok()) {
          defs_.add(std::move(sd).value());
        } else {
          defs_.warn(origin + ": " + sd.status().message());
        }
      } else if (r.child("differential")) {
        pending_.push_back({deepCopy(r, pendingArena_), origin});
      }
    } else if (type == "CodeSystem") {
      defs_.mutableTerminology().addCodeSystem(compileCodeSystem(r));
    } else if (type == "ValueSet") {
      defs_.mutableTerminology().addValueSet(compileValueSet(r));
    } else if (type == "Bundle") {
      forEachNamed(r, "entry", [&](const Node& e) {
        if (const Node* res = e.child("resource")) accept(*res, origin);
      });
    }
  }

  Status loadBundleFile(const std::string& path) {
    auto text = readFileLimited(path, 256u << 20);
    if (!text.ok()) return text.status();
    ReadOptions opts;
    opts.maxBytes = 256u << 20;
    opts.maxNodes = UINT32_MAX;
    opts.parseInPlace = true;  // the bundle's text is not needed once it is parsed
    std::string origin = std::filesystem::path(path).filename().string();
    return streamBundleResources(std::move(text).value(), opts,
                                 [&](const Node& r) { accept(r, origin); });
  }

  Status loadPackage(const std::string& path) {
    Status failure;
    std::string origin = std::filesystem::path(path).filename().string();
    Status st = readPackageFiles(path, {}, [&](const std::string& name, std::string content) {
      auto doc = readJson(std::move(content));
      if (!doc.ok()) {
        defs_.warn(origin + "/" + name + ": " + doc.status.message());
        return;
      }
      accept(*doc.document->root(), origin);
    });
    return st;
  }

  void resolvePending() {
    defs_.link();
    bool progress = true;
    while (!pending_.empty() && progress) {
      progress = false;
      for (auto it = pending_.begin(); it != pending_.end();) {
        std::string base(canonicalWithoutVersion(it->resource->childValue("baseDefinition")));
        if (defs_.structure(base) == nullptr && hasPending(base)) {
          ++it;
          continue;
        }
        auto sd = generateSnapshot(*it->resource, defs_, defs_.arena(), it->origin);
        if (sd.ok()) {
          defs_.add(std::move(sd).value());
          defs_.link();
        } else {
          defs_.warn(it->origin + ": " + sd.status().message());
        }
        it = pending_.erase(it);
        progress = true;
      }
    }
    for (const auto& p : pending_) {
      defs_.warn(p.origin + ": " + std::string(p.resource->childValue("url")) +
                 ": base definition never loaded");
    }
  }

 private:
  bool hasPending(const std::string& url) const {
    for (const auto& p : pending_) {
      if (p.resource->childValue("url") == url) return true;
    }
    return false;
  }

  struct Pending {
    const Node* resource;
    std::string origin;
  };
  Definitions& defs_;
  Arena pendingArena_;
  std::vector<Pending> pending_;
};

}  // namespace

Result<std::shared_ptr<const Definitions>> loadDefinitions(const DefinitionSources& sources) {
  auto defs = std::make_shared<Definitions>();
  Loader loader(*defs);
  if (!sources.coreDirectory.empty()) {
    for (const char* name : kCoreBundles) {
      std::string path = (std::filesystem::path(sources.coreDirectory) / name).string();
      Status st = loader.loadBundleFile(path);
      if (!st.ok()) {
        return Status(st.code(), "loading R4 definitions from " + sources.coreDirectory + ": " +
                                     st.message());
      }
    }
  }
  for (const std::string& pkg : sources.packages) {
    Status st = loader.loadPackage(pkg);
    if (!st.ok()) return Status(st.code(), "loading package " + pkg + ": " + st.message());
  }
  loader.resolvePending();
  defs->link();
  if (defs->baseType("Resource") == nullptr) {
    return Status::notFound("no R4 core definitions were loaded (looked in '" +
                            sources.coreDirectory + "')");
  }
  malloc_trim(0);  // return the transient parse memory to the system
  return std::shared_ptr<const Definitions>(std::move(defs));
}

}  // namespace renkei::fhir
