// A declarative mapping between one file layout (a ward's linkage sheet, a care-plan CSV table)
// and canonical FHIR, loaded from mappings/<name>/mapping.json (reference: docs/mappings.md).
// One file says how to read the layout (dialect, columns), which fields it carries (column,
// transforms, how to render them back), and which FHIR resources a record becomes (JSON
// templates with {field} placeholders); the reverse direction is derived from the same
// templates, so one mapping reads a layout and renders it.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/core/status.h"
#include "renkei/hl7v2/message.h"
#include "renkei/mapping/concept_map_lookup.h"
#include "renkei/mapping/csv_reader.h"
#include "renkei/mapping/file_name_pattern.h"

namespace renkei::fhirpath {
class Expression;
}

namespace renkei::mapping {

struct TemplateNode;

struct Transform;

/// One step of a field's transform chain: "name" or "name:arg".
struct TransformStep {
  std::string name;
  std::string arg;
  const Transform* transform = nullptr;  ///< the transform `name` names, found when the step is made
};

struct FieldSpec {
  std::string name;
  std::string column;                 ///< header name (or a name from layout.columns)
  std::string filePart;               ///< or: a {placeholder} of the matched file-name pattern
  /// Or, in an HL7 v2 layout: a path such as PID-5[2].1, or alternatives, the first with a value
  /// taken ("PV1-45.1 or EVN-6.1"), as issues name them.
  std::string path;
  std::vector<hl7v2::FieldPath> parsedPaths;  ///< the alternatives, parsed by the loader
  std::vector<TransformStep> read;    ///< column text → canonical value
  std::vector<TransformStep> render;  ///< canonical value → column text
  bool perRow = false;                ///< varies within a grouped record (e.g. one goal per row)
  /// HL7 v2: only resources made per segment use it: read in each segment group, not once for
  /// the message (set by the loader).
  bool perSegment = false;
};

/// The tag an identity-pending resource carries (ResourceSpec::maskedIdentity): the sending office,
/// a cover sheet or a person has to say who this is before anyone may merge it.
inline constexpr const char* kIdentityStatusSystem = "https://fhir.renkei.jp/CodeSystem/identity-status";

struct ResourceSpec {
  std::string key;           ///< the name references use: {ref:key}
  std::string resourceType;
  std::vector<std::string> idFrom;  ///< business-key fields that make the id
  /// The name ids are hashed under (default: the mapping id): two mappings that say one thing —
  /// a plan and the file that deletes it — give the resource one id.
  std::string idNamespace;
  std::vector<std::string> when;    ///< fields that must all be non-empty for the resource to exist
  /// Or a FHIRPath condition over the fields (%field is the field's value, empty when none).
  std::shared_ptr<const fhirpath::Expression> condition;
  bool perRow = false;  ///< one resource per row of a grouped record (rows with one id make one)
  /// HL7 v2: one resource per occurrence of this segment ("PRB"), its fields read from that
  /// segment's group (the segment and those after it up to the next one) and the message header.
  std::string eachSegment;
  /// Fields holding the person's name: a masked value (●京●郎, initials) makes the resource
  /// identity-pending — tagged, and with an id of its own input that nothing else can share.
  std::vector<std::string> maskedIdentity;
  rapidjson::Value templ;           ///< the resource as JSON with placeholders (in the doc's allocator)
  std::shared_ptr<const TemplateNode> compiled;  ///< templ parsed once, for building
};

struct Layout {
  bool hl7v2 = false;  ///< format "hl7v2": one message is one record, fields read by path
  CsvDialect dialect;
  bool header = true;
  std::vector<std::string> columns;  ///< all columns in order (rendering; reading without header)
  std::vector<bool> quoted;          ///< per column: always quoted when rendered (layout.quoted_columns)
  std::string versionColumn;
  std::vector<std::string> versions;
};

struct Mapping {
  std::shared_ptr<rapidjson::Document> document;  ///< owns the templates' memory: declared first
  std::string id;
  std::string version;
  std::string title;
  std::string folder;  ///< where it was loaded from
  Layout layout;
  /// Names "auto" picks this mapping for; their {placeholders} are read into file fields.
  std::vector<FileNamePattern> fileNames;
  /// How a CSV destination names a rendered file (layout.file_name); nullopt: by message.
  std::optional<FileNamePattern> renderedFileName;
  std::vector<std::string> headerSignature;   ///< column names that identify the layout
  std::vector<std::string> messageTypes;      ///< HL7 v2: the MSH-9 types ("ADT^A08") it reads
  std::vector<std::string> groupBy;           ///< fields whose values make one record of rows
  bool allOrNothing = false;
  std::vector<FieldSpec> fields;
  std::vector<ResourceSpec> resources;
  ConceptMapLookups lookups;

  /// Field name → its position in `fields` (and in each row's values while mapping).
  std::shared_ptr<const std::map<std::string, std::size_t>> fieldIndex;

  const FieldSpec* field(const std::string& name) const;
};

/// A problem in a mapping folder: the file, the JSON pointer (or "") and what is wrong.
struct MappingError {
  std::string file;
  std::string pointer;
  std::string message;
};

class MappingSet {
 public:
  /// Loads every mappings/<name>/mapping.json under `dir`; every error of every mapping is
  /// reported (a mapping with errors is not loaded).
  static MappingSet load(const std::string& dir, std::vector<MappingError>& errors);
  /// One mapping folder.
  static std::shared_ptr<const Mapping> loadOne(const std::string& folder,
                                                std::vector<MappingError>& errors);
  /// A mapping from its JSON text; its ConceptMaps come from `folder`/conceptmaps ("" for none).
  static std::shared_ptr<const Mapping> fromJson(std::string_view json, const std::string& folder,
                                                 std::vector<MappingError>& errors);

  const Mapping* byId(const std::string& id) const;
  /// The mapping "auto" picks for a file: its name matches a pattern, else its first row holds
  /// every column of a header signature; nullptr when none does.
  const Mapping* pick(const std::string& fileName, std::string_view bytes) const;
  /// The mapping "auto" picks for an HL7 v2 message of `type` ("ADT^A08") already parsed.
  const Mapping* forMessageType(std::string_view type) const;
  /// choose() for an HL7 v2 message whose type is already known.
  const Mapping* chooseForMessageType(const std::string& choice, std::string_view type) const {
    return choice == "auto" ? forMessageType(type) : byId(choice);
  }
  /// A source's `mapping` setting applied: "auto" picks, any other value names the mapping.
  const Mapping* choose(const std::string& choice, const std::string& fileName, std::string_view bytes) const {
    return choice == "auto" ? pick(fileName, bytes) : byId(choice);
  }
  const std::vector<std::shared_ptr<const Mapping>>& all() const { return mappings_; }

 private:
  std::vector<std::shared_ptr<const Mapping>> mappings_;
};

/// The default mappings folder: $RENKEI_MAPPINGS_DIR, else the source tree's mappings/.
std::string defaultMappingsDir();

}  // namespace renkei::mapping
