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
    return deliverBatch({request}).front();
  }

  /// Writes the batch's files together (writeFilesAtomically): one folder flush per batch, and
  /// the files' flushes share the disk's commits.
  std::vector<pipeline::DeliveryResult> deliverBatch(
      const std::vector<pipeline::DeliveryRequest>& requests) override {
    std::vector<pipeline::DeliveryResult> results;
    results.reserve(requests.size());
    std::vector<std::string> bodies;
    bodies.reserve(requests.size());  // FileToWrite views these
    std::vector<FileToWrite> files;
    std::vector<std::size_t> written;  // the request each file is for
    for (std::size_t i = 0; i < requests.size(); ++i) {
      std::string path;
      bodies.emplace_back();
      results.push_back(render(requests[i], path, bodies.back()));
      if (path.empty()) continue;
      files.push_back({std::move(path), bodies.back()});
      written.push_back(i);
    }
    const std::vector<Status> statuses = writeFilesAtomically(files);
    for (std::size_t k = 0; k < written.size(); ++k) {
      if (!statuses[k].ok()) results[written[k]] = {pipeline::Outcome::Retry, statuses[k].message(), "", {}};
    }
    return results;
  }

 private:
  /// The file for one request: its path (empty when it cannot be written) and its body.
  pipeline::DeliveryResult render(const pipeline::DeliveryRequest& request, std::string& path,
                                  std::string& body) const {
    body.assign(request.canonicalJson);
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
    path = folder + "/" + request.idempotencyKey + (xml_ ? ".xml" : ".json");
    return {pipeline::Outcome::Delivered, "written", "", {}};
  }

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
