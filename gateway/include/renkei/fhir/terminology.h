// Local terminology: CodeSystems and ValueSets loaded from definitions and packages, with value
// set expansion computed once per value set on first use. What cannot be expanded locally says so.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace renkei::fhir {

/// Hash for string sets that can be searched with a string_view (no temporary strings).
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringViewHash, std::equal_to<>>;

struct CodeSystemDef {
  std::string url;
  std::string version;
  std::string name;
  std::string content;  ///< complete, fragment, example, not-present, supplement
  bool caseSensitive = true;
  struct Concept {
    std::string display;
    std::vector<uint32_t> children;
  };
  std::vector<std::string> codes;  ///< index → code
  std::vector<Concept> concepts;   ///< index → details
  std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> index;

  bool isComplete() const { return content == "complete"; }
  const Concept* find(std::string_view code) const;
  /// The code and everything below it in the hierarchy.
  void descendants(uint32_t conceptIndex, bool includeSelf, std::vector<uint32_t>& out) const;
};

struct Expansion {
  bool complete = true;
  std::string incompleteReason;              ///< why some content could not be expanded locally
  StringSet keys;       ///< "system|code"
  StringSet bareCodes;  ///< codes regardless of system
  StringSet systems;

  bool contains(std::string_view system, std::string_view code) const;
  bool containsCode(std::string_view code) const { return bareCodes.find(code) != bareCodes.end(); }
  bool hasSystem(std::string_view system) const { return systems.find(system) != systems.end(); }
};

struct ValueSetDef {
  std::string url;
  std::string version;
  std::string name;
  struct Filter {
    std::string property;
    std::string op;
    std::string value;
  };
  struct Include {
    std::string system;
    std::vector<std::string> concepts;
    std::vector<Filter> filters;
    std::vector<std::string> valueSets;
  };
  std::vector<Include> includes;
  std::vector<Include> excludes;
  /// Codes from an expansion shipped with the value set, as (system, code).
  std::vector<std::pair<std::string, std::string>> shippedExpansion;

  mutable std::once_flag expandOnce;
  mutable std::unique_ptr<Expansion> expansion;
};

class Terminology {
 public:
  void addCodeSystem(std::unique_ptr<CodeSystemDef> cs);
  void addValueSet(std::unique_ptr<ValueSetDef> vs);

  const CodeSystemDef* codeSystem(std::string_view url) const;
  const ValueSetDef* valueSet(std::string_view url) const;
  /// Expansion of a value set (computed once, thread-safe); nullptr when the value set is unknown.
  const Expansion* expand(std::string_view valueSetUrl) const;
  const Expansion& expand(const ValueSetDef& vs) const;

  std::size_t codeSystemCount() const { return codeSystems_.size(); }
  std::size_t valueSetCount() const { return valueSets_.size(); }

 private:
  void computeExpansion(const ValueSetDef& vs, Expansion& out, int depth) const;
  void applyInclude(const ValueSetDef::Include& inc, Expansion& out, bool exclude,
                    int depth) const;

  std::unordered_map<std::string, std::unique_ptr<CodeSystemDef>, StringViewHash, std::equal_to<>>
      codeSystems_;
  std::unordered_map<std::string, std::unique_ptr<ValueSetDef>, StringViewHash, std::equal_to<>>
      valueSets_;
};

/// True for terminologies maintained outside FHIR (LOINC, SNOMED CT, UCUM, ...): never complete
/// locally, whatever a package claims.
bool isExternalTerminology(std::string_view url);

/// Strips "|version" from a canonical reference.
std::string_view canonicalWithoutVersion(std::string_view canonical);

}  // namespace renkei::fhir
