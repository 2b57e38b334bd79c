// fixed[x] and pattern[x] constraints.
#include <algorithm>

#include "validation_run.h"
#include "value_compare.h"

namespace renkei::fhir {
namespace {

void describeInto(const Node& n, std::string& prefix, std::string& out) {
  if (out.size() > 200) return;
  if (n.hasValue()) {
    if (!out.empty()) out += ", ";
    if (!prefix.empty()) out += prefix + "=";
    out += n.value;
  }
  for (const Node* c = n.firstChild; c; c = c->next) {
    std::size_t mark = prefix.size();
    if (!prefix.empty()) prefix += '.';
    prefix += c->name;
    describeInto(*c, prefix, out);
    prefix.resize(mark);
  }
}

}  // namespace

bool equalsFixed(const Node& a, const Node& b) {
  if (a.value != b.value) return false;
  const Node* x = a.firstChild;
  const Node* y = b.firstChild;
  for (; x && y; x = x->next, y = y->next) {
    if (x->name != y->name || !equalsFixed(*x, *y)) return false;
  }
  return x == nullptr && y == nullptr;
}

bool containsPattern(const Node& instance, const Node& pattern) {
  if (pattern.hasValue() && instance.value != pattern.value) return false;
  for (const Node* p = pattern.firstChild; p; p = p->next) {
    bool found = false;
    for (const Node* c = instance.firstChild; c && !found; c = c->next) {
      if (c->name == p->name && containsPattern(*c, *p)) found = true;
    }
    if (!found) return false;
  }
  return true;
}

std::string describeValue(const Node& value) {
  std::string prefix, out;
  describeInto(value, prefix, out);
  return out;
}

void ValidationRun::checkAttachment(const Node& node) {
  const Node* data = node.child("data");
  const Node* size = node.child("size");
  if (data == nullptr || size == nullptr || !data->hasValue() || !size->hasValue()) return;
  std::size_t chars = 0, padding = 0;
  for (char c : data->value) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    ++chars;
    if (c == '=') ++padding;
  }
  std::size_t actual = chars / 4 * 3 - std::min<std::size_t>(padding, 2);
  if (size->value != std::to_string(actual)) {
    report(Severity::Error, IssueType::Structure, &node,
           "Stated Attachment Size " + std::string(size->value) +
               " does not match actual attachment size " + std::to_string(actual));
  }
}

void ValidationRun::checkExampleUrl(const Node& node) {
  std::string_view v = node.value;
  for (std::string_view host : {"://example.org", "://example.com", ".example.org", ".example.com"}) {
    if (v.find(host) != std::string_view::npos) {
      report(Severity::Error, IssueType::Invalid, &node,
             "Example URLs are not allowed in this context (" + std::string(v) + ")");
      return;
    }
  }
}

void ValidationRun::checkFixedAndPattern(const Node& node, const ElementDef& def) {
  if (def.fixed && !equalsFixed(node, *def.fixed)) {
    report(Severity::Error, IssueType::Value, &node,
           "Value is '" + describeValue(node) + "' but must be '" + describeValue(*def.fixed) + "'");
  }
  if (def.pattern && !containsPattern(node, *def.pattern)) {
    report(Severity::Error, IssueType::Value, &node,
           "The value does not match the required pattern '" + describeValue(*def.pattern) + "'");
  }
}

}  // namespace renkei::fhir
