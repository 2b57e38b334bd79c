// Loads R4 core bundles and FHIR packages into a Definitions set: StructureDefinitions with
// snapshots are compiled as they stream past; differential-only ones wait until their base is
// loaded and then get a generated snapshot.
#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>

#include "../node_util.h"
#include "package_cache.h"
#include "package_reader.h"
#include "renkei/core/digest.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/compact_definitions.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/json_reader.h"
#include "snapshot_generator.h"
#include "structure_compiler.h"
#include "terminology_compiler.h"

namespace renkei::fhir {
namespace {

/// A definitions file (the build's compacted bundles, the package cache: files no one truncates
/// while they are read) copied once from its mapping into a string: one pass over the memory,
/// where read(2) into a string costs two (the string's zeroing, then the kernel's copy).
Result<std::string> readDefinitionFile(const std::string& path, std::size_t maxBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::unavailable("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
    ::close(fd);
    return readFileLimited(path, maxBytes);
  }
  if (static_cast<std::size_t>(st.st_size) > maxBytes) {
    ::close(fd);
    return Status::tooLarge(path + " is over the limit of " + std::to_string(maxBytes) + " bytes");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* mapped = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) return readFileLimited(path, maxBytes);
  std::string text(static_cast<const char*>(mapped), size);
  munmap(mapped, size);
  return text;
}

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

  /// `origin` names the file in warnings (default: its own name).
  Status loadBundleFile(const std::string& path, std::string origin = "") {
    auto text = readDefinitionFile(path, 256u << 20);
    if (!text.ok()) return text.status();
    ReadOptions opts;
    opts.maxBytes = 256u << 20;
    opts.maxNodes = UINT32_MAX;
    opts.parseInPlace = true;  // the bundle's text is not needed once it is parsed
    if (origin.empty()) origin = std::filesystem::path(path).filename().string();
    return streamBundleResources(std::move(text).value(), opts,
                                 [&](const Node& r) { accept(r, origin); });
  }

  /// A package folder is read file by file; a package file (.tgz) through the package cache:
  /// read from its compacted Bundle when one was made, else read, compacted, and its Bundle made.
  Status loadPackage(const std::string& path) {
    const std::string origin = std::filesystem::path(path).filename().string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return readPackageFiles(path, {}, acceptFile(origin, nullptr));
    const PackageLimits limits;
    auto bytes = readFileLimited(path, limits.maxTotalBytes);
    if (!bytes.ok()) return bytes.status();
    const std::string cache = packageCacheFile(sha256Hex(bytes.value()));
    if (!cache.empty() && std::filesystem::exists(cache, ec)) {
      Status cached = loadBundleFile(cache, origin);
      if (!cached.ok()) return Status(cached.code(), "the package cache " + cache + " is damaged (delete it): " + cached.message());
      return cached;
    }
    CacheBundle bundle;
    RENKEI_RETURN_IF_ERROR(readPackageBytes(bytes.value(), path, limits, acceptFile(origin, &bundle)));
    // A package with files that did not parse is not cached: their warnings come on every start.
    if (!cache.empty() && bundle.complete) (void)writeFileAtomically(cache, bundle.text + "]}");
    return Status::okStatus();
  }

  /// What a package's files make, for its cache: a Bundle of the compacted resources accepted.
  struct CacheBundle {
    std::string text = R"({"resourceType":"Bundle","type":"collection","entry":[)";
    bool first = true;
    bool complete = true;
  };

  /// Compacts a package file, parses the compacted text, accepts it; with `bundle`, also adds
  /// the compacted text to it.
  std::function<void(const std::string&, std::string)> acceptFile(const std::string& origin, CacheBundle* bundle) {
    return [this, origin, bundle](const std::string& name, std::string content) {
      auto compact = compactDefinitionsJson(content);
      if (compact.ok()) content = std::move(compact).value();
      std::string kept = bundle ? content : std::string();
      ReadOptions opts;
      opts.parseInPlace = true;  // the text is not needed once it is parsed
      auto doc = readJson(std::move(content), opts);
      if (!doc.ok()) {
        defs_.warn(origin + "/" + name + ": " + doc.status.message());
        if (bundle) bundle->complete = false;
        return;
      }
      const std::string_view type = doc.document->root()->resourceType;
      if (bundle && (type == "StructureDefinition" || type == "CodeSystem" || type == "ValueSet" || type == "Bundle")) {
        bundle->text += bundle->first ? R"({"resource":)" : R"(,{"resource":)";
        bundle->text += kept;
        bundle->text += "}";
        bundle->first = false;
      }
      accept(*doc.document->root(), origin);
    };
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
        // Generation looks structures up by URL and types by name (linked above from the core
        // types); the new ones are linked once, with everything, by loadDefinitions.
        auto sd = generateSnapshot(*it->resource, defs_, defs_.arena(), it->origin);
        if (sd.ok()) {
          defs_.add(std::move(sd).value());
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

/// While definitions load, the large buffers each bundle needs (its text, its tree) are kept in
/// the heap when freed instead of being unmapped, so the next bundle reuses pages already mapped
/// (a third of the start-up went to page faults); afterwards glibc's defaults come back and the
/// transient memory is returned to the system.
class LoadingHeap {
 public:
  LoadingHeap() {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
  }
  ~LoadingHeap() {
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    mallopt(M_TRIM_THRESHOLD, 128 << 10);
    malloc_trim(0);
  }
  LoadingHeap(const LoadingHeap&) = delete;
  LoadingHeap& operator=(const LoadingHeap&) = delete;
};

Result<std::shared_ptr<const Definitions>> loadDefinitions(const DefinitionSources& sources) {
  const LoadingHeap heap;
  auto defs = std::make_shared<Definitions>();
  Loader loader(*defs);
  if (!sources.coreDirectory.empty()) {
    for (const char* name : kCoreBundleNames) {
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
  return std::shared_ptr<const Definitions>(std::move(defs));
}

}  // namespace renkei::fhir
