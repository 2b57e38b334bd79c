// RapidJSON SAX handler that builds the FHIR node tree in a single pass.
#include "renkei/fhir/json_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "renkei/core/utf8.h"

namespace renkei::fhir {
namespace {

using rapidjson::SizeType;

constexpr std::string_view kTrue = "true";
constexpr std::string_view kFalse = "false";

class TreeBuilder {
 public:
  TreeBuilder(Document& doc, const char* buffer, uint32_t baseOffset, const ReadOptions& options)
      : doc_(doc), buffer_(buffer), baseOffset_(baseOffset), options_(options),
        frames_(workspace().frames), keys_(workspace().keys) {
    frames_.clear();
    keys_.clear();
  }

  void setStream(rapidjson::InsituStringStream* stream) { stream_ = stream; }
  void setStreamingCallback(const std::function<void(const Node&)>* cb) { onResource_ = cb; }

  bool Null() { return primitive({}, ValueKind::None, streamOffset(0)); }
  bool Bool(bool b) { return primitive(b ? kTrue : kFalse, ValueKind::Boolean, streamOffset(0)); }
  bool Int(int) { return true; }
  bool Uint(unsigned) { return true; }
  bool Int64(int64_t) { return true; }
  bool Uint64(uint64_t) { return true; }
  bool Double(double) { return true; }
  bool RawNumber(const char* s, SizeType len, bool) {
    return primitive(kept(s, len), ValueKind::Number, textOffset(s, 0));
  }
  bool String(const char* s, SizeType len, bool) {
    return primitive(kept(s, len), ValueKind::String, textOffset(s, 1));
  }

  bool Key(const char* s, SizeType len, bool) {
    if (!error_.empty()) return false;
    Frame& f = frames_.back();
    std::string_view key = kept(s, len);
    uint32_t off = textOffset(s, 1);
    if (!noteKey(f, key)) return fail("duplicate JSON property '" + std::string(key) + "'", off);
    f.key = key;
    f.keyOffset = off;
    ++f.members;
    return true;
  }

  bool StartObject() {
    if (!error_.empty()) return false;
    if (!checkLimits()) return false;
    uint32_t off = streamOffset(1);
    if (frames_.empty()) {
      Node* root = doc_.newNode({}, off);
      root->flags |= kFromObject;
      doc_.setRoot(root);
      pushObject(root);
      return true;
    }
    Frame& f = frames_.back();
    if (f.type == Frame::Skip) {
      frames_.push_back(skipFrame());
      return true;
    }
    if (f.type == Frame::Object) {
      auto [name, underscore] = splitKey(f.key);
      if (!underscore && name == "resourceType" && holdsResource(f)) {
        addIssue(IssueType::Structure, "resourceType must be a string", f.keyOffset);
        frames_.push_back(skipFrame());
        return true;
      }
      Node* n = memberNode(f, name, underscore, f.keyOffset);
      n->flags |= underscore ? kFromUnderscore : kFromObject;
      beginResourceIfStreaming(n);
      pushObject(n);
      return true;
    }
    // Inside an array.
    Node* n = arrayItem(f, off);
    n->flags |= f.underscore ? kFromUnderscore : kFromObject;
    pushObject(n);
    return true;
  }

  bool EndObject(SizeType) {
    Frame f = frames_.back();
    if (f.type == Frame::Object && f.members == 0) {
      addIssue(IssueType::Structure, "Object must have some content", f.node->offset);
    }
    frames_.pop_back();
    if (f.type == Frame::Object) {
      if (f.bigKeys) bigKeySets_.pop_back();
      keys_.resize(f.keyStart);
      if (streamingNode_ == f.node) finishStreamedResource();
    }
    return true;
  }

  bool StartArray() {
    if (!error_.empty()) return false;
    if (!checkLimits()) return false;
    uint32_t off = streamOffset(1);
    if (frames_.empty()) return fail("the document must be a JSON object, not an array", off);
    Frame& f = frames_.back();
    if (f.type == Frame::Skip) {
      frames_.push_back(skipFrame());
      return true;
    }
    if (f.type == Frame::Array) {
      addIssue(IssueType::Structure, "Arrays of arrays are not allowed in FHIR JSON", off);
      frames_.push_back(skipFrame());
      return true;
    }
    auto [name, underscore] = splitKey(f.key);
    if (!underscore && name == "resourceType" && holdsResource(f)) {
      addIssue(IssueType::Structure, "resourceType must be a string", f.keyOffset);
      frames_.push_back(skipFrame());
      return true;
    }
    Frame a;
    a.type = Frame::Array;
    a.node = f.node;
    a.key = name;
    a.underscore = underscore;
    a.keyOffset = f.keyOffset;
    a.counterpartSeen = counterpartSeen(f, name, underscore);
    frames_.push_back(a);
    return true;
  }

  bool EndArray(SizeType count) {
    Frame f = frames_.back();
    frames_.pop_back();
    if (f.type != Frame::Array) return true;
    if (count == 0) {
      addIssue(IssueType::Invalid,
               "Array cannot be empty - the property should not be present if it has no values",
               f.keyOffset, f.key);
    } else if (f.counterpartSeen) {
      uint32_t existing = 0;
      for (const Node* c = f.node->firstChild; c; c = c->next) existing += (c->name == f.key);
      if (existing != count) {
        addIssue(IssueType::Structure,
                 "The arrays '" + std::string(f.key) + "' and '_" + std::string(f.key) +
                     "' must have the same number of items",
                 f.keyOffset);
      }
    }
    return true;
  }

  const std::string& error() const { return error_; }
  uint32_t errorOffset() const { return errorOffset_; }
  bool hasError() const { return !error_.empty(); }
  bool limitHit() const { return limitHit_; }

 private:
  struct Frame {
    enum Type { Object, Array, Skip } type = Skip;
    Node* node = nullptr;
    std::string_view key;
    uint32_t keyOffset = 0;
    uint32_t keyStart = 0;
    uint32_t members = 0;
    uint32_t index = 0;
    Node* cursor = nullptr;
    bool underscore = false;
    bool counterpartSeen = false;
    bool bigKeys = false;
    bool sawUnderscore = false;  ///< some key of this object starts with '_'

  };

  static Frame skipFrame() { return Frame{}; }

  // In R4 JSON, "resourceType" marks a resource only in the root object and in the values of the
  // Resource-typed elements (contained, entry.resource, parameter.resource, response.outcome);
  // elsewhere (ExampleScenario.instance.resourceType) it is an ordinary element.
  bool holdsResource(const Frame& f) const {
    if (frames_.size() == 1) return true;
    std::string_view n = f.node->name;
    return n == "contained" || n == "resource" || n == "outcome";
  }

  static std::pair<std::string_view, bool> splitKey(std::string_view key) {
    if (key.size() > 1 && key[0] == '_') return {key.substr(1), true};
    return {key, false};
  }
  std::string_view underscoreName(std::string_view name) {
    scratch_.assign("_");
    scratch_.append(name);
    return scratch_;
  }

  // Without a buffer the events come from a value in memory: strings are copied into the
  // document, and nothing has an offset in a text.
  std::string_view kept(const char* s, SizeType len) {
    if (buffer_ != nullptr) return {s, len};
    char* copy = static_cast<char*>(doc_.arena().allocate(len + 1, 1));
    std::memcpy(copy, s, len);
    copy[len] = '\0';
    return {copy, len};
  }
  /// The offset of a string `back` bytes before `p` (its opening quote) in the text.
  uint32_t textOffset(const char* p, uint32_t back) const {
    return buffer_ == nullptr ? kNoOffset : static_cast<uint32_t>(p - buffer_) + baseOffset_ - back;
  }
  /// The offset `back` bytes before where the reader is in the text.
  uint32_t streamOffset(uint32_t back) const {
    return stream_ == nullptr ? kNoOffset : static_cast<uint32_t>(stream_->Tell()) + baseOffset_ - back;
  }

  void pushObject(Node* n) {
    Frame f;
    f.type = Frame::Object;
    f.node = n;
    f.keyStart = static_cast<uint32_t>(keys_.size());
    frames_.push_back(f);
  }

  // Records a key of the current object; false when it is a duplicate.
  bool noteKey(Frame& f, std::string_view key) {
    if (key[0] == '_') f.sawUnderscore = true;
    if (f.bigKeys) return bigKeySets_.back().insert(key).second;
    for (std::size_t i = f.keyStart; i < keys_.size(); ++i) {
      if (sameName(keys_[i], key)) return false;
    }
    keys_.push_back(key);
    if (keys_.size() - f.keyStart > 32) {
      f.bigKeys = true;
      bigKeySets_.emplace_back(keys_.begin() + f.keyStart, keys_.end());
    }
    return true;
  }
  bool seenKey(const Frame& f, std::string_view key) const {
    if (f.bigKeys) return bigKeySets_.back().count(key) != 0;
    for (std::size_t i = f.keyStart; i < keys_.size(); ++i) {
      if (sameName(keys_[i], key)) return true;
    }
    return false;
  }
  // True when `name` (or `_name`) already appeared in the object: its node must be reused.
  bool counterpartSeen(const Frame& f, std::string_view name, bool underscore) {
    if (underscore) return seenKey(f, name);
    return f.sawUnderscore && seenKey(f, underscoreName(name));
  }

  bool checkLimits() {
    if (frames_.size() >= options_.maxDepth) {
      limitHit_ = true;
      return fail("nesting deeper than the limit of " + std::to_string(options_.maxDepth),
                  streamOffset(0));
    }
    return true;
  }

  Node* newNode(std::string_view name, uint32_t off) {
    if (++nodeCount_ > options_.maxNodes) {
      limitHit_ = true;
      fail("more than " + std::to_string(options_.maxNodes) + " elements", off);
    }
    Arena& arena = streamingNode_ ? entryArena_ : doc_.arena();
    Node* n = arena.make<Node>();
    n->name = name;
    n->offset = off;
    return n;
  }

  // The node for object member `name`, reusing the one its `_name`/`name` counterpart created.
  Node* memberNode(Frame& f, std::string_view name, bool underscore, uint32_t off) {
    if (counterpartSeen(f, name, underscore)) {
      for (Node* c = f.node->firstChild; c; c = c->next) {
        if (c->name == name) return c;
      }
    }
    Node* n = newNode(name, off);
    f.node->append(n);
    return n;
  }

  Node* arrayItem(Frame& a, uint32_t off) {
    Node* n = nullptr;
    if (a.counterpartSeen) {
      for (Node* c = a.cursor ? a.cursor->next : a.node->firstChild; c; c = c->next) {
        if (c->name == a.key) {
          n = c;
          break;
        }
      }
    }
    if (n == nullptr) {
      n = newNode(a.key, off);
      a.node->append(n);
    }
    if (!a.underscore) n->offset = off;
    n->flags |= kFromArray;
    a.cursor = n;
    ++a.index;
    return n;
  }

  bool primitive(std::string_view text, ValueKind kind, uint32_t off) {
    if (!error_.empty()) return false;
    if (frames_.empty()) return fail("the document must be a JSON object", off);
    Frame& f = frames_.back();
    if (f.type == Frame::Skip) return true;
    if (f.type == Frame::Object) {
      auto [name, underscore] = splitKey(f.key);
      if (!underscore && name == "resourceType" && holdsResource(f)) {
        if (kind != ValueKind::String) {
          addIssue(IssueType::Structure, "resourceType must be a string", f.keyOffset);
        } else {
          f.node->resourceType = text;
        }
        return true;
      }
      if (kind == ValueKind::None) {
        addIssue(IssueType::Invalid, "The property '" + std::string(f.key) + "' cannot be null",
                 f.keyOffset, name);
        return true;
      }
      if (underscore) {
        addIssue(IssueType::Structure,
                 "The property '" + std::string(f.key) + "' must be an object, not a primitive",
                 f.keyOffset);
        return true;
      }
      Node* n = memberNode(f, name, false, f.keyOffset);
      n->offset = f.keyOffset;
      n->value = text;
      n->kind = kind;
      return true;
    }
    // Array item.
    if (f.underscore) {
      if (kind == ValueKind::None) {
        arrayItem(f, off);  // no id/extension at this index: keep alignment with the values
        return true;
      }
      addIssue(IssueType::Structure,
               "Items of '_" + std::string(f.key) + "' must be objects or null", off);
      ++f.index;
      return true;
    }
    Node* n = arrayItem(f, off);
    if (kind == ValueKind::None) {
      n->flags |= kNullInArray;
      return true;
    }
    n->value = text;
    n->kind = kind;
    return true;
  }

  std::string path(std::string_view leaf) const {
    std::string p;
    for (std::size_t i = 1; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const Frame& parent = frames_[i - 1];
      if (f.type == Frame::Array) continue;
      if (parent.type == Frame::Array) {
        p += '.';
        p += parent.key;
        p += '[' + std::to_string(parent.index - 1) + ']';
      } else if (parent.type == Frame::Object) {
        p += '.';
        p += splitKey(parent.key).first;
      }
    }
    if (!leaf.empty()) {
      p += '.';
      p += leaf;
    }
    return p;
  }

  void addIssue(IssueType type, std::string message, uint32_t off, std::string_view leaf = {}) {
    Issue i;
    i.severity = Severity::Error;
    i.type = type;
    i.message = std::move(message);
    i.expression = path(leaf);  // made absolute with the resource type once it is known
    i.offset = off;
    doc_.issues().push_back(std::move(i));
  }

  bool fail(std::string message, uint32_t off) {
    if (error_.empty()) {
      error_ = std::move(message);
      errorOffset_ = off;
    }
    return false;
  }

  void beginResourceIfStreaming(Node* n) {
    if (onResource_ && streamingNode_ == nullptr && n->name == "resource" && frames_.size() == 3) {
      streamingNode_ = n;
    }
  }
  void finishStreamedResource() {
    (*onResource_)(*streamingNode_);
    // The entry's nodes lived in entryArena_; detach them and reuse the memory for the next one.
    streamingNode_->firstChild = streamingNode_->lastChild = nullptr;
    streamingNode_ = nullptr;
    entryArena_.reset();
  }

  Document& doc_;
  const char* buffer_;
  uint32_t baseOffset_;
  const ReadOptions& options_;
  rapidjson::InsituStringStream* stream_ = nullptr;
  const std::function<void(const Node&)>* onResource_ = nullptr;
  Node* streamingNode_ = nullptr;
  Arena entryArena_{256 * 1024};
  // Parsing state reused across documents on this thread (a parse never nests).
  struct Workspace {
    std::vector<Frame> frames;
    std::vector<std::string_view> keys;
  };
  static Workspace& workspace() {
    thread_local Workspace w;
    return w;
  }
  std::vector<Frame>& frames_;
  std::vector<std::string_view>& keys_;
  std::vector<std::unordered_set<std::string_view>> bigKeySets_;
  std::string scratch_;
  std::string error_;
  uint32_t errorOffset_ = 0;
  uint32_t nodeCount_ = 0;
  bool limitHit_ = false;
};

// UTF-8 is validated for the whole input before parsing (much faster than RapidJSON's
// per-character check), so the parser itself runs without kParseValidateEncodingFlag.
constexpr unsigned kBaseFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;

// A tree built without errors: its root must be a resource (not needed when streaming a Bundle's
// entries); the issues found on the way are made absolute with its type.
ReadResult completed(std::unique_ptr<Document> doc, bool streaming) {
  ReadResult out;
  Node* root = doc->root();
  if (root == nullptr) {
    out.status = Status::invalidInput("the document must be a JSON object");
    return out;
  }
  if (root->resourceType.empty() && !streaming) {
    std::string where;
    if (root->offset != kNoOffset) {
      out.position = doc->position(root->offset);
      where = "line " + std::to_string(out.position.line) + ", column " + std::to_string(out.position.column) + ": ";
    }
    out.status = Status::invalidInput(where + "Unable to find resourceType property");
    return out;
  }
  root->name = root->resourceType;
  for (Issue& i : doc->issues()) i.expression = std::string(root->resourceType) + i.expression;
  out.document = std::move(doc);
  return out;
}

// Parses `doc`'s text; on success the tree is in `doc`, otherwise the status says why.
ReadResult parse(std::unique_ptr<Document> doc, const ReadOptions& options,
                 const std::function<void(const Node&)>* onResource) {
  ReadResult out;
  const std::string& text = doc->text();
  if (text.size() > options.maxBytes) {
    out.status = Status::tooLarge("input is " + std::to_string(text.size()) +
                                  " bytes, over the limit of " + std::to_string(options.maxBytes));
    return out;
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    uint32_t off = static_cast<uint32_t>(static_cast<const char*>(nul) - text.data());
    out.position = doc->position(off);
    out.status = Status::invalidInput("NUL byte in JSON input");
    return out;
  }
  if (std::size_t bad = firstInvalidUtf8(text); bad != std::string_view::npos) {
    out.position = doc->position(static_cast<uint32_t>(bad));
    out.status = Status::invalidInput("line " + std::to_string(out.position.line) + ", column " +
                                      std::to_string(out.position.column) +
                                      ": the input is not valid UTF-8");
    return out;
  }
  uint32_t base = 0;
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) base = 3;

  // In-situ parsing rewrites strings, so it works on a copy in the document's arena (the tree
  // points into it) and the original text stays intact for line:column lookups — unless the
  // caller gives the text up (std::string's buffer ends in a NUL, as RapidJSON needs).
  // RapidJSON's SSE4.2 string scan loads aligned 16-byte blocks and may read up to 15 bytes past
  // the terminating NUL: both buffers keep that much readable after it.
  constexpr std::size_t kScanPadding = 16;
  std::size_t workSize = text.size() - base;
  char* work = nullptr;
  if (options.parseInPlace) {
    work = doc->textToRewrite(kScanPadding) + base;
  } else {
    work = static_cast<char*>(doc->arena().allocate(workSize + kScanPadding, 1));
    std::memcpy(work, text.data() + base, workSize);
    std::memset(work + workSize, 0, kScanPadding);
  }
  TreeBuilder builder(*doc, work, base, options);
  builder.setStreamingCallback(onResource);
  rapidjson::InsituStringStream stream(work);
  builder.setStream(&stream);
  rapidjson::Reader reader;
  rapidjson::ParseResult pr = options.allowComments
      ? reader.Parse<kBaseFlags | rapidjson::kParseCommentsFlag>(stream, builder)
      : reader.Parse<kBaseFlags>(stream, builder);

  if (pr.IsError() || builder.hasError()) {
    uint32_t off;
    std::string msg;
    if (builder.hasError()) {
      off = builder.errorOffset();
      msg = builder.error();
      out.status = builder.limitHit() ? Status::tooLarge(msg) : Status::invalidInput(msg);
    } else {
      off = static_cast<uint32_t>(pr.Offset()) + base;
      msg = std::string("JSON syntax error: ") + rapidjson::GetParseError_En(pr.Code());
      out.status = Status::invalidInput(msg);
    }
    out.position = doc->position(off);
    out.status = Status(out.status.code(), "line " + std::to_string(out.position.line) +
                                               ", column " + std::to_string(out.position.column) +
                                               ": " + out.status.message());
    return out;
  }
  return completed(std::move(doc), onResource != nullptr);
}

}  // namespace

ReadResult readJson(std::string text, const ReadOptions& options) {
  auto doc = std::make_unique<Document>(SourceFormat::Json, std::move(text));
  return parse(std::move(doc), options, nullptr);
}

struct JsonTreeSink::Impl {
  explicit Impl(const ReadOptions& o)
      : options(o), doc(std::make_unique<Document>(SourceFormat::Json, std::string())),
        builder(*doc, nullptr, 0, options) {}
  ReadOptions options;
  std::unique_ptr<Document> doc;
  TreeBuilder builder;
};

JsonTreeSink::JsonTreeSink(const ReadOptions& options) : impl_(std::make_unique<Impl>(options)) {}
JsonTreeSink::~JsonTreeSink() = default;

bool JsonTreeSink::Null() { return impl_->builder.Null(); }
bool JsonTreeSink::Bool(bool b) { return impl_->builder.Bool(b); }
bool JsonTreeSink::Int(int i) { return Int64(i); }
bool JsonTreeSink::Uint(unsigned u) { return Uint64(u); }
bool JsonTreeSink::Int64(int64_t i) {
  const std::string text = std::to_string(i);
  return RawNumber(text.data(), static_cast<unsigned>(text.size()), true);
}
bool JsonTreeSink::Uint64(uint64_t u) {
  const std::string text = std::to_string(u);
  return RawNumber(text.data(), static_cast<unsigned>(text.size()), true);
}
bool JsonTreeSink::Double(double d) {
  if (!std::isfinite(d)) return false;  // as rapidjson's Writer: JSON has no NaN or infinity
  char text[32];
  const char* end = rapidjson::internal::dtoa(d, text);
  return RawNumber(text, static_cast<unsigned>(end - text), true);
}
bool JsonTreeSink::RawNumber(const char* s, unsigned n, bool copy) { return impl_->builder.RawNumber(s, n, copy); }
bool JsonTreeSink::String(const char* s, unsigned n, bool copy) { return impl_->builder.String(s, n, copy); }
bool JsonTreeSink::Key(const char* s, unsigned n, bool copy) { return impl_->builder.Key(s, n, copy); }
bool JsonTreeSink::StartObject() { return impl_->builder.StartObject(); }
bool JsonTreeSink::EndObject(unsigned n) { return impl_->builder.EndObject(n); }
bool JsonTreeSink::StartArray() { return impl_->builder.StartArray(); }
bool JsonTreeSink::EndArray(unsigned n) { return impl_->builder.EndArray(n); }

ReadResult JsonTreeSink::finish() {
  if (impl_->builder.hasError()) {
    ReadResult out;
    out.status = impl_->builder.limitHit() ? Status::tooLarge(impl_->builder.error())
                                           : Status::invalidInput(impl_->builder.error());
    return out;
  }
  return completed(std::move(impl_->doc), false);
}

Status streamBundleResources(std::string text, const ReadOptions& options,
                             const std::function<void(const Node&)>& onResource) {
  auto doc = std::make_unique<Document>(SourceFormat::Json, std::move(text));
  ReadResult r = parse(std::move(doc), options, &onResource);
  return r.ok() ? Status{} : r.status;
}

}  // namespace renkei::fhir
