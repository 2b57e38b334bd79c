// FHIR JSON → node tree (RapidJSON SAX, in situ). Keeps decimals' exact text, merges `_name`
// primitive extensions into their element, and rejects duplicate keys, over-deep nesting and
// oversized input with line:column.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "renkei/fhir/document.h"

namespace renkei::fhir {

ReadResult readJson(std::string text, const ReadOptions& options = {});

/// Builds a tree from the JSON events (rapidjson's handler calls) of a value made in memory, such
/// as a mapped record's Bundle, without writing it as text and reading it back: what readJson
/// checks and merges is the same, strings are copied, numbers are kept as their text. Nothing
/// has a place in a text, so its issues carry no line or column. One sink per value; no other
/// JSON may be read on the thread while it takes events.
class JsonTreeSink {
 public:
  explicit JsonTreeSink(const ReadOptions& options = {});
  ~JsonTreeSink();
  JsonTreeSink(const JsonTreeSink&) = delete;
  JsonTreeSink& operator=(const JsonTreeSink&) = delete;

  bool Null();
  bool Bool(bool b);
  bool Int(int i);
  bool Uint(unsigned u);
  bool Int64(int64_t i);
  bool Uint64(uint64_t u);
  bool Double(double d);
  bool RawNumber(const char* s, unsigned length, bool copy);
  bool String(const char* s, unsigned length, bool copy);
  bool Key(const char* s, unsigned length, bool copy);
  bool StartObject();
  bool EndObject(unsigned members);
  bool StartArray();
  bool EndArray(unsigned elements);

  /// The document, or why there is none; once, after the last event.
  ReadResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Streams a large Bundle: calls `onResource` for each entry.resource as soon as it is complete,
/// then frees it. Used for definition bundles that would not fit comfortably in memory as a tree.
Status streamBundleResources(std::string text, const ReadOptions& options,
                             const std::function<void(const Node& resource)>& onResource);

}  // namespace renkei::fhir
