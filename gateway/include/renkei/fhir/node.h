// The resource model: one tree of Nodes per parsed document, shared by both codecs, the validator
// and FHIRPath. Repeating elements are sibling nodes with the same name (as in XML); a primitive
// keeps its exact lexical text; a node that holds a resource (root, contained, entry.resource)
// carries its resource type.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>

namespace renkei::fhir {

/// How a primitive value was written in the source (JSON distinguishes; XML is always String).
enum class ValueKind : uint8_t { None, String, Number, Boolean };

enum NodeFlag : uint8_t {
  kFromArray = 1 << 0,       ///< JSON: the property's value was an array
  kFromObject = 1 << 1,      ///< JSON: the property's value was an object
  kFromUnderscore = 1 << 2,  ///< JSON: id/extension arrived via the `_name` property
  kNullInArray = 1 << 3,     ///< JSON: a `null` placeholder in a primitive array
  kXmlAttribute = 1 << 4,    ///< XML: came from an attribute (id, url)
};

/// Name equality for element names: length and first byte first, memcmp only when both match.
inline bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a.compare(b) == 0));
}

struct Node {
  std::string_view name;          ///< element name, e.g. "valueQuantity"
  std::string_view value;         ///< exact primitive text when kind != None (valid UTF-8)
  std::string_view resourceType;  ///< non-empty when this node is a resource
  Node* firstChild = nullptr;
  Node* lastChild = nullptr;
  Node* next = nullptr;
  uint32_t offset = 0;  ///< byte offset of the element in the source text
  ValueKind kind = ValueKind::None;
  uint8_t flags = 0;

  bool hasValue() const { return kind != ValueKind::None; }
  bool isResource() const { return !resourceType.empty(); }
  bool hasChildren() const { return firstChild != nullptr; }
  bool has(NodeFlag f) const { return (flags & f) != 0; }

  void append(Node* child) {
    if (lastChild) {
      lastChild->next = child;
    } else {
      firstChild = child;
    }
    lastChild = child;
  }

  /// First child with this name, or nullptr.
  const Node* child(std::string_view childName) const {
    for (const Node* c = firstChild; c; c = c->next) {
      if (sameName(c->name, childName)) return c;
    }
    return nullptr;
  }
  /// Value of the first child with this name, or empty.
  std::string_view childValue(std::string_view childName) const {
    const Node* c = child(childName);
    return c ? c->value : std::string_view{};
  }

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = const Node;
    using difference_type = std::ptrdiff_t;
    using pointer = const Node*;
    using reference = const Node&;
    explicit Iterator(const Node* n) : n_(n) {}
    const Node& operator*() const { return *n_; }
    const Node* operator->() const { return n_; }
    Iterator& operator++() {
      n_ = n_->next;
      return *this;
    }
    bool operator==(const Iterator& o) const { return n_ == o.n_; }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }

   private:
    const Node* n_;
  };
  struct Children {
    const Node* first;
    Iterator begin() const { return Iterator(first); }
    Iterator end() const { return Iterator(nullptr); }
  };
  Children children() const { return {firstChild}; }
};

}  // namespace renkei::fhir
