// Rules the specification states for particular resource types that no StructureDefinition
// expresses: Questionnaire enableWhen targets.
#include <functional>

#include "validation_run.h"

namespace renkei::fhir {
namespace {

void indexItems(const Node& parent, const Node* ancestorItem,
                std::vector<std::pair<std::string_view, const Node*>>& linkIds,
                std::vector<std::pair<const Node*, const Node*>>& parentOf) {
  for (const Node* c = parent.firstChild; c; c = c->next) {
    if (c->name != "item") continue;
    linkIds.emplace_back(c->childValue("linkId"), c);
    parentOf.emplace_back(c, ancestorItem);
    indexItems(*c, c, linkIds, parentOf);
  }
}

}  // namespace

void ValidationRun::checkQuestionnaire(const Node& q) {
  std::vector<std::pair<std::string_view, const Node*>> linkIds;
  std::vector<std::pair<const Node*, const Node*>> parentOf;
  indexItems(q, nullptr, linkIds, parentOf);
  auto parent = [&](const Node* item) -> const Node* {
    for (const auto& [c, p] : parentOf) {
      if (c == item) return p;
    }
    return nullptr;
  };
  // Items are walked in document order; their paths are rebuilt for reporting.
  std::vector<const Node*> stack;
  std::function<void(const Node&)> walk = [&](const Node& parentNode) {
    int index = -1;
    for (const Node* item = parentNode.firstChild; item; item = item->next) {
      if (item->name != "item") continue;
      auto g = enter("item", ++index);
      for (const Node* ew = item->firstChild; ew; ew = ew->next) {
        if (ew->name != "enableWhen") continue;
        std::string_view question = ew->childValue("question");
        const Node* target = nullptr;
        for (const auto& [id, node] : linkIds) {
          if (id == question) target = node;
        }
        if (target == nullptr) {
          report(Severity::Error, IssueType::BusinessRule, ew,
                 "No item with linkId '" + std::string(question) + "' found for enableWhen");
          continue;
        }
        for (const Node* a = target; a; a = parent(a)) {
          if (a == item) {
            report(Severity::Error, IssueType::BusinessRule, item,
                   "Questions with an enableWhen cannot refer to an inner question for its "
                   "enableWhen condition");
            break;
          }
        }
      }
      walk(*item);
    }
  };
  walk(q);
}

}  // namespace renkei::fhir
