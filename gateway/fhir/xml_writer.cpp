// FHIR XML serialization: attribute escaping that survives XML attribute normalization, and
// definition-ordered elements.
#include "renkei/fhir/xml_writer.h"

#include "element_order.h"

namespace renkei::fhir {
namespace {

void escapeAttribute(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out += c;
    }
  }
}

class XmlEmitter {
 public:
  XmlEmitter(const ElementNavigator& nav, const XmlWriteOptions& o) : nav_(nav), opts_(o) {}

  Status resource(const Node& n, bool root) {
    indent();
    out_ += '<';
    out_ += n.resourceType;
    if (root) out_ += " xmlns=\"http://hl7.org/fhir\"";
    ElementScope scope = nav_.typeScope(n.resourceType);
    if (!scope.valid()) return Status::invalidInput("unknown resource type '" + std::string(n.resourceType) + "'");
    RENKEI_RETURN_IF_ERROR(content(n, scope, n.resourceType));
    return {};
  }

  std::string take() { return std::move(out_); }
  void reserve(std::size_t n) { out_.reserve(n); }

 private:
  // Writes attributes, closes the start tag, writes children and the end tag of `n` (named tag).
  Status content(const Node& n, const ElementScope& scope, std::string_view tag) {
    ChildOrder order(n, scope, &nav_);
    const bool resource = n.isResource();
    if (n.hasValue() && !resource) {
      out_ += " value=\"";
      escapeAttribute(out_, n.value);
      out_ += '"';
    }
    auto isAttribute = [&](const OrderedChild& c) {
      return !resource && c.match && c.match.def().xmlAttribute;
    };
    bool hasElements = false;
    order.forEachGroup([&](std::size_t first, std::size_t last) {
      for (std::size_t i = first; i < last; ++i) {
        const OrderedChild& c = order.item(i);
        if (!isAttribute(c)) {
          hasElements = true;
          continue;
        }
        out_ += ' ';
        out_ += c.node->name;
        out_ += "=\"";
        escapeAttribute(out_, c.node->value);
        out_ += '"';
      }
    });
    if (!hasElements) {
      out_ += "/>";
      newline();
      return {};
    }
    out_ += '>';
    newline();
    ++depth_;
    Status failure;
    order.forEachGroup([&](std::size_t first, std::size_t last) {
      if (!failure.ok() || isAttribute(order.item(first))) return;
      const ElementMatch match = order.item(first).match;  // copy: recursion moves the items
      if (!match) {
        failure = Status::invalidInput("element '" + std::string(order.item(first).node->name) +
                                       "' is not defined for " + std::string(tag) +
                                       " and cannot be written as XML");
        return;
      }
      for (std::size_t i = first; i < last && failure.ok(); ++i) {
        failure = element(*order.item(i).node, match);
      }
    });
    RENKEI_RETURN_IF_ERROR(failure);
    --depth_;
    indent();
    out_ += "</";
    out_ += tag;
    out_ += '>';
    newline();
    return {};
  }

  Status element(const Node& n, const ElementMatch& match) {
    if (match.typeCode == "xhtml") {
      indent();
      out_ += n.value;
      newline();
      return {};
    }
    indent();
    out_ += '<';
    out_ += n.name;
    if (n.isResource()) {
      out_ += '>';
      newline();
      ++depth_;
      RENKEI_RETURN_IF_ERROR(resource(n, false));
      --depth_;
      indent();
      out_ += "</";
      out_ += n.name;
      out_ += '>';
      newline();
      return {};
    }
    return content(n, nav_.childScope(match), n.name);
  }

  void indent() {
    if (opts_.pretty) out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  }
  void newline() {
    if (opts_.pretty) out_ += '\n';
  }

  const ElementNavigator& nav_;
  const XmlWriteOptions& opts_;
  std::string out_;
  int depth_ = 0;
};

}  // namespace

Result<std::string> writeXml(const Node& resource, const ElementNavigator& navigator,
                             const XmlWriteOptions& options) {
  XmlEmitter e(navigator, options);
  e.reserve(8192);
  Status st = e.resource(resource, true);
  if (!st.ok()) return st;
  std::string body = e.take();
  if (!options.declaration) return body;
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + std::string(options.pretty ? "\n" : "") +
         body;
}

}  // namespace renkei::fhir
