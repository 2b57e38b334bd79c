// A parsed FHIR document: the node tree, the arena that owns it, the original text (for
// line:column reporting) and the structural issues the reader found but could represent.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/core/arena.h"
#include "renkei/core/line_index.h"
#include "renkei/core/status.h"
#include "renkei/fhir/issue.h"
#include "renkei/fhir/node.h"

namespace renkei::fhir {

enum class SourceFormat { Json, Xml };

class Document {
 public:
  Document(SourceFormat format, std::string text);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  SourceFormat format() const { return format_; }
  const std::string& text() const { return text_; }
  /// The text for a reader that parses it in place (ReadOptions::parseInPlace): it is rewritten.
  /// The text to parse in place, with `padding` readable bytes after its terminating NUL (the
  /// SIMD string scan reads whole 16-byte blocks).
  char* textToRewrite(std::size_t padding = 0) {
    if (text_.capacity() < text_.size() + padding) text_.reserve(text_.size() + padding);
    return text_.data();
  }
  Node* root() { return root_; }
  const Node* root() const { return root_; }
  void setRoot(Node* n) { root_ = n; }

  Arena& arena() { return arena_; }
  Node* newNode(std::string_view name, uint32_t offset) {
    Node* n = arena_.make<Node>();
    n->name = name;
    n->offset = offset;
    return n;
  }

  /// Issues the reader found in an input it could still represent (empty arrays, nulls, ...).
  std::vector<Issue>& issues() { return issues_; }
  const std::vector<Issue>& issues() const { return issues_; }

  /// Line and column of a byte offset (the line table is built on first use).
  TextPosition position(uint32_t offset) const;
  /// Fills line/column of every issue that has an offset into this document's text.
  void locate(std::vector<Issue>& issues) const;

 private:
  SourceFormat format_;
  std::string text_;
  // Built on first use, under the mutex (std::call_once costs a system call per document).
  mutable std::mutex linesMutex_;
  mutable std::atomic<bool> linesReady_{false};
  mutable LineIndex lines_;
  Arena arena_;
  Node* root_ = nullptr;
  std::vector<Issue> issues_;
};

/// Limits applied to every outside input before and while it is parsed.
struct ReadOptions {
  std::size_t maxBytes = 64u << 20;
  uint32_t maxDepth = 100;
  uint32_t maxNodes = 4'000'000;
  bool allowComments = false;  ///< JSON only: accept // and /* */ comments (not FHIR JSON)
  /// JSON only: parse the document's own text in place instead of a copy of it (large trusted
  /// inputs such as the definition bundles: half the memory traffic). The text is rewritten, so
  /// a position reported after an error may count the newlines of escapes decoded before it.
  bool parseInPlace = false;
  /// XML only: try the subset scanner before libxml2 (off only to test one against the other).
  bool xmlSubsetScanner = true;
};

/// Outcome of reading: a document, or the reason there is none and where it happened.
struct ReadResult {
  std::unique_ptr<Document> document;
  Status status;
  TextPosition position;  ///< where a fatal error occurred, when known

  bool ok() const { return document != nullptr; }
};

}  // namespace renkei::fhir
