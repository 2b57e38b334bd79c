// Rules the specification states for particular resource types that no StructureDefinition
// expresses: Questionnaire enableWhen targets.
#include "validation_run.h"

namespace renkei::fhir {
namespace {

// True when `parent` or any item below it has this linkId.
bool hasItem(const Node& parent, std::string_view linkId) {
  for (const Node* c = parent.firstChild; c; c = c->next) {
    if (c->name != "item") continue;
    if (c->childValue("linkId") == linkId || hasItem(*c, linkId)) return true;
  }
  return false;
}

}  // namespace

void ValidationRun::checkQuestionnaireItems(const Node& questionnaire, const Node& parent) {
  int index = -1;
  for (const Node* item = parent.firstChild; item; item = item->next) {
    if (item->name != "item") continue;
    auto g = enter("item", ++index);
    for (const Node* ew = item->firstChild; ew; ew = ew->next) {
      if (ew->name != "enableWhen") continue;
      std::string_view question = ew->childValue("question");
      if (!hasItem(questionnaire, question)) {
        report(Severity::Error, IssueType::BusinessRule, ew,
               "No item with linkId '" + std::string(question) + "' found for enableWhen");
      } else if (hasItem(*item, question)) {
        report(Severity::Error, IssueType::BusinessRule, item,
               "Questions with an enableWhen cannot refer to an inner question for its "
               "enableWhen condition");
      }
    }
    checkQuestionnaireItems(questionnaire, *item);
  }
}

}  // namespace renkei::fhir
