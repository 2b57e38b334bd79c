// Builds the AstNode tree of a Program from FHIRPath text (precedence climbing over the
// grammar's operator levels), resolving functions, variables, type specifiers and literal
// regular expressions as it goes.
#pragma once

#include "program.h"

namespace renkei::fhirpath {

/// Parses `program.text` into `program.root`.
Status parseProgram(Program& program);

/// Resolves a (possibly qualified) type name such as "Quantity", "System.Boolean" or
/// "FHIR.Patient"; nullptr with `error` set when an unqualified name is unknown.
const TypeSpecifier* resolveTypeName(Program& program, std::string_view qualifiedName,
                                     std::string& error);

}  // namespace renkei::fhirpath
