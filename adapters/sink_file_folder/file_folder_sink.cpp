// file_folder sink implementation.
#include "file_folder_sink.h"

#include "renkei/care/care_directory.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/xml_writer.h"

namespace renkei::embedded {
extern const std::string_view kFileFolderSinkSchema;
}

namespace renkei::adapters {
namespace {

class FileFolderSink : public pipeline::Sink {
 public:
  FileFolderSink(std::string path, bool xml, std::shared_ptr<const fhir::Definitions> defs)
      : path_(std::move(path)), xml_(xml), definitions_(std::move(defs)) {}

  /// The deletion Bundle is written like any message: the receiver reads DELETE Type/id.
  bool deliversDeletions() const override { return true; }

  pipeline::DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    std::string body(request.canonicalJson);
    if (xml_) {
      const fhir::ElementNavigator navigator(*definitions_);
      auto xml = fhir::writeXml(*request.root, navigator);
      if (!xml.ok()) return {pipeline::Outcome::Reject, xml.status().message(), "", {}};
      body = std::move(xml).value();
    }
    std::string folder = path_;
    if (!request.recipient.empty()) {
      folder += "/" + care::recipientFolderName(request.recipient);
      Status ready = prepareOutputFolder(folder);
      if (!ready.ok()) return {pipeline::Outcome::Retry, ready.message(), "", {}};
    }
    const std::string file = folder + "/" + request.idempotencyKey + (xml_ ? ".xml" : ".json");
    Status st = writeFileAtomically(file, body);
    if (!st.ok()) return {pipeline::Outcome::Retry, st.message(), "", {}};
    return {pipeline::Outcome::Delivered, "written", "", {}};
  }

 private:
  std::string path_;
  bool xml_;
  std::shared_ptr<const fhir::Definitions> definitions_;
};

}  // namespace

void registerFileFolderSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "file_folder", embedded::kFileFolderSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        const std::string path = pipeline::configString(*ctx.config, "path");
        Status ready = prepareOutputFolder(path);
        if (!ready.ok()) return Status::unavailable("sink " + ctx.name + ": " + ready.message());
        return std::shared_ptr<pipeline::Sink>(std::make_shared<FileFolderSink>(
            path, pipeline::configString(*ctx.config, "format", "json") == "xml",
            ctx.definitions));
      });
}

}  // namespace renkei::adapters
