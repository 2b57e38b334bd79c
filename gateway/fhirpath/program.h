// The compiled form of an expression: an immutable tree of AstNodes in the program's arena,
// with functions, variables, type specifiers and literal regular expressions resolved.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "functions.h"
#include "renkei/core/arena.h"
#include "renkei/core/regex.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhirpath/expression.h"
#include "renkei/fhirpath/value.h"

namespace renkei::fhirpath {

enum class AstKind : uint8_t {
  Literal,
  EmptySet,  ///< {}
  This,
  Index,
  Total,
  Variable,
  Member,    ///< name, applied to `source` (or the focus when there is none)
  Function,  ///< function applied to `source` (or the focus)
  Indexer,   ///< source[args[0]]
  Negate,    ///< -args[0]
  Binary,
  Is,  ///< args[0] is type
  As,  ///< args[0] as type
};

enum class BinaryOp : uint8_t {
  Multiply, Divide, Div, Mod, Add, Subtract, Concatenate, Union,
  Less, Greater, LessOrEqual, GreaterOrEqual, Equal, NotEqual, Equivalent, NotEquivalent,
  In, Contains, And, Or, Xor, Implies,
};

/// A resolved type name: System.X or FHIR.X.
struct TypeSpecifier {
  bool system = false;
  std::string_view name;
  ValueType systemType = ValueType::Node;  ///< for System types
  bool known = false;                      ///< the type exists
  const fhir::StructureDef* sd = nullptr;  ///< FHIR: base definition, when definitions are loaded
  /// FHIR abstract types (Resource, DomainResource, Element) match their specializations in
  /// as() and ofType(), since no instance has them as its exact type.
  bool abstract = false;
};

enum class VariableKind : uint8_t { Context, Resource, RootResource, Constant, User };

/// What a member name resolved to for one parent element definition: remembered per AST node
/// so repeated evaluations skip the definition lookup. Immutable once published.
struct MemberCacheEntry {
  const fhir::StructureDef* parentSd;
  uint32_t parentElement;
  uint8_t parentTypeIndex;
  const fhir::StructureDef* childSd;  ///< where the child definition lives (nullptr: no member)
  uint32_t childIndex;
};

struct AstNode {
  AstKind kind = AstKind::Literal;
  BinaryOp op = BinaryOp::Add;
  FunctionId function = FunctionId::Empty;
  VariableKind variable = VariableKind::Constant;
  uint8_t argCount = 0;
  /// Member without a source: the name may also be the type of the focus ("Patient.name").
  bool mayNameType = false;
  uint32_t offset = 0;  ///< where the node starts in the expression text
  int32_t index = -1;   ///< user variable index, or compiled regex index
  const AstNode* source = nullptr;
  const AstNode* const* args = nullptr;
  std::string_view name;
  Item literal;
  const TypeSpecifier* type = nullptr;
  /// Member: the last resolution (see MemberCacheEntry); read and published atomically.
  mutable std::atomic<const MemberCacheEntry*> memberCache{nullptr};

  const AstNode& arg(std::size_t i) const { return *args[i]; }
};

struct Program {
  std::string text;
  CompileOptions options;
  Arena arena{4096};
  const AstNode* root = nullptr;
  std::vector<Regex> regexes;  ///< patterns given as literals, compiled once

  /// Publishes a member resolution for `node` (bounded: polymorphic sites stop caching).
  void rememberMember(const AstNode& node, const MemberCacheEntry& entry) const {
    if (memberEntryCount_.load(std::memory_order_relaxed) >= kMaxMemberEntries) return;
    std::lock_guard<std::mutex> lock(cacheMutex_);
    memberEntries_.push_back(entry);
    memberEntryCount_.store(memberEntries_.size(), std::memory_order_relaxed);
    node.memberCache.store(&memberEntries_.back(), std::memory_order_release);
  }

  /// Allocates a node in the program's arena.
  AstNode* newNode(AstKind kind, uint32_t offset) {
    AstNode* n = arena.make<AstNode>();
    n->kind = kind;
    n->offset = offset;
    return n;
  }

 private:
  static constexpr std::size_t kMaxMemberEntries = 4096;
  mutable std::mutex cacheMutex_;
  mutable std::deque<MemberCacheEntry> memberEntries_;  // stable addresses
  mutable std::atomic<std::size_t> memberEntryCount_{0};
};

}  // namespace renkei::fhirpath
