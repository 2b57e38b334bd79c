// Compacting the core definition bundles (see compact_definitions.h): a RapidJSON SAX filter
// between the reader and a writer that drops the values of some keys of resources and of
// ElementDefinitions.
#include "renkei/fhir/compact_definitions.h"

#include <filesystem>
#include <set>
#include <vector>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/file_io.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir {

const char* const kCoreBundleNames[7] = {
    "profiles-types.json", "profiles-resources.json", "profiles-others.json",
    "extension-definitions.json", "valuesets.json", "v3-codesystems.json", "v2-tables.json",
};

namespace {

/// Keys of a resource (the root, or an entry's resource) the loader never reads.
const std::set<std::string, std::less<>> kResourceKeys = {"text", "description", "purpose", "copyright",
                                                           "contact", "publisher", "mapping",
                                                           "jurisdiction", "useContext"};
/// Keys of an ElementDefinition (snapshot.element[], differential.element[]) it never reads.
const std::set<std::string, std::less<>> kElementKeys = {"short", "definition", "comment", "requirements",
                                                          "alias", "meaningWhenMissing", "orderMeaning",
                                                          "mapping"};

enum class Kind { Resource, Element, Other };

class Filter {
 public:
  explicit Filter(renkei::fhir::RunCopyingWriter& w) : w_(w) {}

  bool Null() { return drop(false) || w_.Null(); }
  bool Bool(bool b) { return drop(false) || w_.Bool(b); }
  bool Int(int) { return false; }  // numbers arrive as text (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return drop(false) || w_.RawValue(s, n, rapidjson::kNumberType);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return drop(false) || w_.String(s, n); }

  bool StartObject() {
    if (drop(true)) return true;
    Kind kind = Kind::Other;
    if (frames_.empty() || (!frames_.back().array && frames_.back().key == "resource")) kind = Kind::Resource;
    if (!frames_.empty() && frames_.back().array && frames_.back().key == "element") kind = Kind::Element;
    frames_.push_back({false, kind, ""});
    return w_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skip_ > 0) return true;
    Frame& f = frames_.back();
    f.key.assign(s, n);
    const auto& dropped = f.kind == Kind::Resource ? kResourceKeys : kElementKeys;
    if (f.kind != Kind::Other && dropped.count(f.key) != 0) {
      skipNext_ = true;  // the key and its value are left out
      return true;
    }
    return w_.Key(s, n);
  }
  bool EndObject(rapidjson::SizeType) {
    if (skip_ > 0) return --skip_, true;
    frames_.pop_back();
    return w_.EndObject();
  }
  bool StartArray() {
    if (drop(true)) return true;
    const std::string key = frames_.empty() || frames_.back().array ? "" : frames_.back().key;
    frames_.push_back({true, Kind::Other, key});
    return w_.StartArray();
  }
  bool EndArray(rapidjson::SizeType) {
    if (skip_ > 0) return --skip_, true;
    frames_.pop_back();
    return w_.EndArray();
  }

 private:
  struct Frame {
    bool array;
    Kind kind;
    std::string key;  ///< an object's current key; an array's own key
  };

  /// True when the value that starts here is left out (inside a dropped value, or the value of
  /// a dropped key); `container`: it is an object or an array, whose end is then awaited.
  bool drop(bool container) {
    if (skip_ > 0) {
      if (container) ++skip_;
      return true;
    }
    if (skipNext_) {
      skipNext_ = false;
      if (container) skip_ = 1;
      return true;
    }
    return false;
  }

  renkei::fhir::RunCopyingWriter& w_;
  std::vector<Frame> frames_;
  bool skipNext_ = false;
  int skip_ = 0;  ///< depth of open containers inside the value being left out
};

}  // namespace

Result<std::string> compactDefinitionsJson(std::string_view json) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter writer(buffer);
  Filter filter(writer);
  rapidjson::Reader reader;
  rapidjson::MemoryStream memory(json.data(), json.size());
  rapidjson::ParseResult r = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(memory, filter);
  if (r.IsError()) return Status::invalidInput("JSON error at byte " + std::to_string(r.Offset()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status compactCoreDirectory(const std::string& fromDirectory, const std::string& toDirectory) {
  std::error_code ec;
  std::filesystem::create_directories(toDirectory, ec);
  if (ec) return Status::unavailable("cannot create " + toDirectory + ": " + ec.message());
  for (const char* name : kCoreBundleNames) {
    auto text = readFileLimited(fromDirectory + "/" + name, 256u << 20);
    if (!text.ok()) return text.status();
    auto compact = compactDefinitionsJson(text.value());
    if (!compact.ok()) return Status::invalidInput(std::string(name) + ": " + compact.status().message());
    RENKEI_RETURN_IF_ERROR(writeFileAtomically(toDirectory + "/" + name, compact.value()));
  }
  return Status::okStatus();
}

}  // namespace renkei::fhir
