// The state of one validation call and the checks it runs. Methods are grouped by concern in
// element_checks.cpp, slicing.cpp, value_checks.cpp, binding_checks.cpp, extension_checks.cpp,
// reference_checks.cpp and xhtml_checks.cpp.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "renkei/fhir/document.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/invariant_evaluator.h"
#include "renkei/fhir/reference_resolution.h"
#include "renkei/fhir/validator.h"

namespace renkei::fhir {

/// Which walk is running: the base definition (all checks) or a profile (its constraints only).
enum class Pass : uint8_t { Base, Profile };

class ValidationRun {
 public:
  ValidationRun(const Definitions& defs, const InvariantEvaluator* invariants,
                const ValidationOptions& options, const Document* document,
                std::vector<Issue>& out);
  ~ValidationRun();
  ValidationRun(const ValidationRun&) = delete;
  ValidationRun& operator=(const ValidationRun&) = delete;

  void validateRoot(const Node& resource);
  /// True when some element was checked by more than one walk (base and a profile), so the
  /// same finding may have been reported twice.
  bool walkedTwice() const { return walkedTwice_; }

  // --- element_checks.cpp ---
  void checkResource(const Node& resource, const std::vector<std::string>& extraProfiles);
  void checkResourceAgainst(const Node& resource, const StructureDef& sd, Pass pass);
  void checkElement(const Node& node, const StructureDef& sd, uint32_t index, const TypeRef* type,
                    std::string_view typeCode, Pass pass);
  void checkChildren(const Node& node, const ElementScope& scope, Pass pass);
  /// True when a profile walk entering `scope` would only repeat the base walk: the scope is a
  /// base type's own definition (the profile constrains nothing below this point), and the base
  /// walk has checked the same elements against it. Such subtrees are not walked twice.
  bool repeatsBaseWalk(const ElementScope& scope, Pass pass) const {
    return pass == Pass::Profile && baseWalkedAlongside_ && !scope.sd->isConstraint;
  }
  /// Cardinality, slicing and recursion for the `count` instance children (at scratch_
  /// [groupStart...]) that matched definition `defIndex`.
  void checkGroup(const Node& node, const StructureDef& sd, uint32_t defIndex,
                  std::size_t groupStart, std::size_t count, Pass pass);
  void checkPrimitive(const Node& node, const StructureDef& sd, const ElementDef& def,
                      std::string_view typeCode, Pass pass);
  /// The constraints of `def` (an element of `sd`) on `node`, whose type is `typeCode`.
  void checkInvariants(const Node& node, const StructureDef& sd, const ElementDef& def,
                       std::string_view typeCode, Pass pass) {
    if (invariants_ != nullptr && def.evaluatesConstraints) evaluateInvariants(node, sd, def, typeCode, pass);
  }
  void evaluateInvariants(const Node& node, const StructureDef& sd, const ElementDef& def,
                          std::string_view typeCode, Pass pass);
  /// The constraints a complex type declares on its own root (per-1, ref-1, qty-3, ...).
  void checkTypeInvariants(const Node& node, const TypeRef* type, std::string_view typeCode,
                           Pass pass);

  // --- slicing.cpp ---
  /// Index into `sliced.slices` of the slice `node` belongs to, or -1.
  int matchSlice(const Node& node, const StructureDef& sd, const ElementDef& sliced);
  /// True when `node` (a resource or an element) conforms to `profile`, checked silently.
  bool conformsTo(const Node& node, const StructureDef& profile);

  // --- value_checks.cpp ---
  void checkFixedAndPattern(const Node& node, const ElementDef& def);

  // --- binding_checks.cpp ---
  void checkBinding(const Node& node, const ElementDef& def, std::string_view typeCode);
  void checkCodingAgainstCodeSystem(const Node& coding);

  // --- extension_checks.cpp ---
  /// Validates an Extension against its definition; false when it was handled generically.
  bool checkExtension(const Node& node, const ElementDef& def, const StructureDef& sd,
                      Pass pass);

  // --- reference_checks.cpp ---
  void checkReference(const Node& node, const TypeRef* type);
  void checkCanonical(const Node& node, const TypeRef* type);
  void checkBundle(const Node& bundle);
  /// dom-3: every contained resource is referenced from its container (by reference, by a
  /// canonical or uri, or from the narrative) or refers to the container.
  void checkContainedReferenced(const Node& resource);
  /// dom-6 (a warning): a resource that is not contained should have a narrative.
  void checkNarrativePresent(const Node& resource, const StructureDef& sd);

  // --- value_checks.cpp ---
  void checkAttachment(const Node& node);
  void checkExampleUrl(const Node& node);

  // --- resource_rules.cpp ---
  void checkQuestionnaireItems(const Node& questionnaire, const Node& parent);

  // --- xhtml_checks.cpp ---
  void checkXhtml(const Node& node);
  void checkActiveContent(const Node& node, std::string_view typeCode);

  // --- reporting ---
  void report(Severity severity, IssueType type, const Node* at, std::string message,
              std::string source = {});
  /// One step of the current location: an element name and its index when it repeats.
  struct PathSegment {
    std::string_view name;
    int index;  ///< -1 when the element does not repeat
  };
  /// Adds a step to the current location until the guard goes out of scope. The FHIRPath text
  /// is only rendered when an issue is reported.
  class PathGuard {
   public:
    PathGuard(std::vector<PathSegment>& path, std::string_view name, int index) : path_(path) {
      path_.push_back({name, index});
    }
    ~PathGuard() { path_.pop_back(); }
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;

   private:
    std::vector<PathSegment>& path_;
  };
  PathGuard enter(std::string_view name, int index) { return PathGuard(path_, name, index); }
  /// The current location as FHIRPath, e.g. "Bundle.entry[0].resource.name[1]".
  std::string path() const;

  const Definitions& defs() const { return defs_; }
  const ElementNavigator& nav() const { return nav_; }
  const ValidationOptions& options() const { return options_; }
  bool sourceIsJson() const { return document_ && document_->format() == SourceFormat::Json; }
  bool sourceIsXml() const { return document_ && document_->format() == SourceFormat::Xml; }

 private:
  struct ResourceFrame {
    const Node* resource;
    const BundleIndex* bundle;  ///< innermost enclosing Bundle, if any
    std::size_t pathStart;      ///< depth of path_ when the resource was entered
  };
  /// The current element path relative to the resource, without indices ("Patient.name").
  std::string elementPath() const;
  void elementPathInto(std::string& out) const;
  bool extensionAllowedHere(const StructureDef& ext) const;
  bool typedPathMatches(std::string_view expr, std::string_view host) const;
  /// Resolves a reference from the current resource: contained ("#id") or in the enclosing
  /// Bundle, following FHIR's fullUrl rules.
  Resolution resolveLocally(std::string_view reference);
  /// The fullUrl of the Bundle entry the current resource belongs to, if any.
  std::string_view currentEntryFullUrl() const;
  void checkDocumentReachability(const BundleIndex& bundle);
  bool discriminatorMatches(const Node& node, const StructureDef& sd, uint32_t slice,
                            const ElementDef& sliced, const Discriminator& d);
  void collectAtPath(const Node& n, const std::vector<std::string>& segments, std::size_t i,
                     std::vector<const Node*>& out);
  /// Scratch list of (child, match) pairs used as a stack by checkChildren.
  struct MatchedChild {
    const Node* node;
    ElementMatch match;
  };
  /// The growable buffers of a run, recycled per thread so a run allocates nothing up front.
  struct Workspace {
    std::vector<PathSegment> path;
    std::vector<ResourceFrame> resources;
    std::vector<MatchedChild> scratch;
    std::vector<std::string_view> hostTypes;
    std::vector<std::string_view> extensionUrls;
  };
  static std::vector<std::unique_ptr<Workspace>>& workspacePool();
  void swapWorkspace(Workspace& w);
  std::unique_ptr<Workspace> workspace_;

  const Definitions& defs_;
  ElementNavigator nav_;
  const InvariantEvaluator* invariants_;
  const ValidationOptions& options_;
  const Document* document_;
  std::vector<Issue>& out_;
  std::vector<PathSegment> path_;
  std::vector<ResourceFrame> resources_;
  std::vector<MatchedChild> scratch_;
  std::vector<std::string_view> hostTypes_;      ///< types of the elements being walked
  std::vector<std::string_view> extensionUrls_;  ///< urls of the extensions being walked
  /// The code systems of the last few Coding.system values seen (codings repeat a handful of
  /// systems; a miss costs two hash lookups of the URL).
  struct KnownSystem {
    std::string_view system;
    const CodeSystemDef* codeSystem = nullptr;
    bool isValueSet = false;
  };
  const KnownSystem& knownSystem(std::string_view system);
  std::array<KnownSystem, 4> knownSystems_{};
  std::size_t nextKnownSystem_ = 0;
  bool truncated_ = false;
  bool walkedTwice_ = false;
  /// False in a silent conformance check of an element against a type profile, where no base
  /// walk of the element precedes the profile walk.
  bool baseWalkedAlongside_ = true;
};

}  // namespace renkei::fhir
