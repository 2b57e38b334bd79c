// Differential comparison of the two XML readers.
#include "xml_differential.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>

#include "fhir/validation/xhtml_rules.h"
#include "renkei/core/utf8.h"
#include "renkei/fhir/xml_reader.h"

namespace renkei::test {
namespace {

using fhir::Node;

// Exclusive C14N of a narrative, so source text and a re-serialization compare equal.
std::string canonicalXhtml(std::string_view div) {
  xmlDocPtr doc = xmlReadMemory(div.data(), static_cast<int>(div.size()), nullptr, "UTF-8",
                                XML_PARSE_NONET);
  if (doc == nullptr) return "<unparseable>" + std::string(div);
  xmlChar* out = nullptr;
  int n = xmlC14NDocDumpMemory(doc, nullptr, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, &out);
  std::string result = n >= 0 ? std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n))
                              : "<c14n failed>";
  xmlFree(out);
  xmlFreeDoc(doc);
  return result;
}

std::string compareNodes(const Node& a, const Node& b, const std::string& path) {
  std::string here = path + "." + std::string(a.name);
  if (a.name != b.name) return here + ": name " + std::string(a.name) + " vs " + std::string(b.name);
  bool narrative = a.name == "div" && a.value.rfind("<div", 0) == 0;
  if (narrative ? canonicalXhtml(a.value) != canonicalXhtml(b.value)
                : (a.value != b.value || a.kind != b.kind)) {
    return here + ": value '" + std::string(a.value) + "' vs '" + std::string(b.value) + "'";
  }
  if (a.resourceType != b.resourceType) return here + ": resource type differs";
  if (a.flags != b.flags) return here + ": flags differ";
  const Node* x = a.firstChild;
  const Node* y = b.firstChild;
  for (; x && y; x = x->next, y = y->next) {
    std::string d = compareNodes(*x, *y, here);
    if (!d.empty()) return d;
  }
  if (x || y) return here + ": different number of children";
  return {};
}

}  // namespace

std::string xmlReadersDisagree(const std::string& text) {
  fhir::ReadOptions fast, slow;
  slow.xmlSubsetScanner = false;
  fhir::ReadResult a = fhir::readXml(text, fast);
  fhir::ReadResult b = fhir::readXml(text, slow);
  if (a.ok() != b.ok()) {
    return std::string("scanner ") + (a.ok() ? "accepted" : "refused") + " what libxml2 " +
           (b.ok() ? "accepted" : "refused: " + b.status.message()) +
           (a.ok() ? "" : " (scanner: " + a.status.message() + ")");
  }
  if (!a.ok()) return {};
  std::string d = compareNodes(*a.document->root(), *b.document->root(), "");
  if (!d.empty()) return d;
  bool multiLineTags = false;
  for (std::size_t lt = text.find('<'); lt != std::string::npos && !multiLineTags;
       lt = text.find('<', lt + 1)) {
    std::size_t gt = text.find('>', lt);
    multiLineTags = text.find('\n', lt) < gt;
  }
  const auto& ia = a.document->issues();
  const auto& ib = b.document->issues();
  if (ia.size() != ib.size()) return "different number of reader issues";
  for (std::size_t i = 0; i < ia.size(); ++i) {
    if (ia[i].message != ib[i].message || ia[i].expression != ib[i].expression) {
      return "issue differs: '" + ia[i].message + "' vs '" + ib[i].message + "'";
    }
    // libxml2's line counter does not advance inside a tag (a multi-line attribute value), so
    // the fallback's line is only comparable when no tag spans lines.
    if (!multiLineTags && a.document->position(ia[i].offset).line !=
                              b.document->position(ib[i].offset).line) {
      return "issue line differs for '" + ia[i].message + "'";
    }
  }
  return {};
}

std::string xhtmlCheckersDisagree(const std::string& div) {
  if (firstInvalidUtf8(div) != std::string::npos) return {};  // parsed values are always UTF-8
  fhir::XhtmlFindings fast, full;
  if (fhir::scanXhtmlSubset(div, fast) != fhir::FastScan::Done) return {};
  std::string fatal;
  if (!fhir::checkXhtmlWithLibxml2(div, full, &fatal)) {
    return "narrative scanner accepted what libxml2 refused: " + fatal;
  }
  if (fast.problems != full.problems) return "narrative findings differ";
  if (fast.content != full.content || fast.rootIsDiv != full.rootIsDiv ||
      fast.rootInXhtmlNamespace != full.rootInXhtmlNamespace) {
    return "narrative flags differ";
  }
  return {};
}

}  // namespace renkei::test
