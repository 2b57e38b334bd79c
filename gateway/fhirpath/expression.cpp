// Compiling expressions: parse, then check (see expression.h).
#include "renkei/fhirpath/expression.h"

#include "analyzer.h"
#include "parser.h"
#include "program.h"

namespace renkei::fhirpath {

Result<Expression> Expression::compile(std::string_view text, const CompileOptions& options) {
  auto program = std::make_shared<Program>();
  program->text = std::string(text);
  program->options = options;
  RENKEI_RETURN_IF_ERROR(parseProgram(*program));
  RENKEI_RETURN_IF_ERROR(analyzeProgram(*program));
  return Expression(std::move(program));
}

const std::string& Expression::text() const { return program_->text; }

}  // namespace renkei::fhirpath
