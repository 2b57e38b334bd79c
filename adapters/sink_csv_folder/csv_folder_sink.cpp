// csv_folder sink implementation: flattening, CP932 conversion through ICU, atomic write.
#include "csv_folder_sink.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include "renkei/core/file_io.h"

namespace renkei::embedded {
extern const std::string_view kCsvFolderSinkSchema;
}

namespace renkei::adapters {
namespace {

void appendField(std::string& out, std::string_view v) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(v);
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void flatten(const fhir::Node& node, std::string_view type, std::string_view id,
             const std::string& path, std::string& out) {
  std::string_view lastName;
  int index = 0;
  for (const fhir::Node& c : node.children()) {
    index = c.name == lastName ? index + 1 : 0;
    lastName = c.name;
    if (c.isResource()) {
      flatten(c, c.resourceType, c.childValue("id"), std::string(c.resourceType), out);
      continue;
    }
    const std::string childPath = path + "." + std::string(c.name) + "[" + std::to_string(index) + "]";
    if (c.hasValue()) {
      appendField(out, type);
      out += ',';
      appendField(out, id);
      out += ',';
      appendField(out, childPath);
      out += ',';
      appendField(out, c.value);
      out += "\r\n";
    }
    if (c.hasChildren()) flatten(c, type, id, childPath, out);
  }
}

class CsvFolderSink : public pipeline::Sink {
 public:
  CsvFolderSink(std::string path, bool cp932) : path_(std::move(path)), cp932_(cp932) {}

  pipeline::DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    std::string csv = flatCsv(*request.root);
    if (cp932_) {
      auto converted = toCp932(csv);
      if (!converted.ok()) return {pipeline::Outcome::Reject, converted.status().message(), "", {}};
      csv = std::move(converted).value();
    }
    Status st = writeFileAtomically(path_ + "/" + request.idempotencyKey + ".csv", csv);
    if (!st.ok()) return {pipeline::Outcome::Retry, st.message(), "", {}};
    return {pipeline::Outcome::Delivered, "written", "", {}};
  }

 private:
  std::string path_;
  bool cp932_;
};

}  // namespace

std::string flatCsv(const fhir::Node& root) {
  std::string out = "resource_type,resource_id,path,value\r\n";
  flatten(root, root.resourceType, root.childValue("id"), std::string(root.resourceType), out);
  return out;
}

Result<std::string> toCp932(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("windows-31j", &status);
  if (U_FAILURE(status)) return Status::unavailable("ICU has no windows-31j converter");
  ucnv_setFromUCallBack(conv, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(),
                                                                 static_cast<int32_t>(utf8.size())));
  std::string out(static_cast<std::size_t>(text.length()) * 2 + 16, '\0');
  status = U_ZERO_ERROR;
  const int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()),
                                    text.getBuffer(), text.length(), &status);
  ucnv_close(conv);
  if (U_FAILURE(status)) {
    return Status::invalidInput("the message has a character CP932 cannot represent (" +
                                std::string(u_errorName(status)) + ")");
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

void registerCsvFolderSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "csv_folder", embedded::kCsvFolderSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        const std::string path = pipeline::configString(*ctx.config, "path");
        Status ready = prepareOutputFolder(path);
        if (!ready.ok()) return Status::unavailable("sink " + ctx.name + ": " + ready.message());
        return std::shared_ptr<pipeline::Sink>(std::make_shared<CsvFolderSink>(
            path, pipeline::configString(*ctx.config, "encoding", "UTF-8") == "CP932"));
      });
}

}  // namespace renkei::adapters
