// fax_sheet sink implementation.
#include "fax_sheet_sink.h"

#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "linkage_sheet.h"
#include "renkei/care/care_directory.h"
#include "renkei/core/file_io.h"
#include "renkei/routing/message_facts.h"
#include "renkei/routing/municipalities.h"
#include "sheet_renderer.h"

namespace renkei::embedded {
extern const std::string_view kFaxSheetSinkSchema;
}

namespace renkei::adapters {
namespace {

struct FaxSheetOptions {
  std::string path;
  bool pdf = true;
  bool tiff = true;
  NameMasking masking = NameMasking::Masked;
  std::map<std::string, NameMasking> maskingByWard;  ///< 団体コード → masking
  std::string senderName, senderFax;
};

/// What the fax server needs besides the images: no patient data.
std::string faxTicket(const SheetContent& sheet, int pages) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("to");
  w.String(sheet.recipientFax.c_str());
  w.Key("recipient");
  w.String(sheet.recipient.c_str());
  w.Key("pages");
  w.Int(pages);
  w.Key("form");
  w.String(sheet.formId.c_str());
  w.Key("reply_token");
  w.String(sheet.token.c_str());
  w.EndObject();
  return buffer.GetString();
}

class FaxSheetSink : public pipeline::Sink {
 public:
  explicit FaxSheetSink(FaxSheetOptions options) : options_(std::move(options)) {}

  pipeline::DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    const routing::MessageFacts facts = routing::collectFacts(*request.root);
    NameMasking masking = options_.masking;
    if (facts.municipality != nullptr) {
      auto ward = options_.maskingByWard.find(facts.municipality->code);
      if (ward != options_.maskingByWard.end()) masking = ward->second;
    }
    SheetContent sheet = linkageSheet(*request.root, request.recipient, request.idempotencyKey, masking);
    sheet.senderName = options_.senderName;
    sheet.senderFax = options_.senderFax;
    auto rendered = renderSheet(sheet, options_.pdf, options_.tiff);
    if (!rendered.ok()) return {pipeline::Outcome::Reject, rendered.status().message(), "", {}};
    std::string folder = options_.path;
    if (!request.recipient.empty()) {
      folder += "/" + care::recipientFolderName(request.recipient);
      Status ready = prepareOutputFolder(folder);
      if (!ready.ok()) return {pipeline::Outcome::Retry, ready.message(), "", {}};
    }
    const std::string base = folder + "/" + request.idempotencyKey;
    // The images first, the ticket last: a fax server that waits for the ticket finds both.
    for (const auto& [suffix, bytes] : {std::pair<const char*, const std::string*>{".pdf", &rendered->pdf},
                                        {".tif", &rendered->tiff}}) {
      if (bytes->empty()) continue;
      Status st = writeFileAtomically(base + suffix, *bytes);
      if (!st.ok()) return {pipeline::Outcome::Retry, st.message(), "", {}};
    }
    Status st = writeFileAtomically(base + ".json", faxTicket(sheet, rendered->pages));
    if (!st.ok()) return {pipeline::Outcome::Retry, st.message(), "", {}};
    return {pipeline::Outcome::Delivered, "rendered " + std::to_string(rendered->pages) + " pages", "", {}};
  }

 private:
  FaxSheetOptions options_;
};

}  // namespace

void registerFaxSheetSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "fax_sheet", embedded::kFaxSheetSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        const rapidjson::Value& c = *ctx.config;
        FaxSheetOptions o;
        o.path = pipeline::configString(c, "path");
        Status ready = prepareOutputFolder(o.path);
        if (!ready.ok()) return Status::unavailable("sink " + ctx.name + ": " + ready.message());
        if (c.HasMember("formats") && c["formats"].IsArray()) {
          o.pdf = o.tiff = false;
          for (const auto& f : c["formats"].GetArray()) {
            if (f.IsString() && std::string(f.GetString()) == "pdf") o.pdf = true;
            if (f.IsString() && std::string(f.GetString()) == "tiff") o.tiff = true;
          }
        }
        o.masking = nameMaskingFrom(pipeline::configString(c, "masking", "masked"));
        if (c.HasMember("masking_by_ward") && c["masking_by_ward"].IsObject()) {
          for (const auto& m : c["masking_by_ward"].GetObject()) {
            const routing::Municipality* ward = routing::MunicipalityTable::tokyo().find(m.name.GetString());
            if (ward == nullptr) {
              return Status::invalidInput("sink " + ctx.name + ": masking_by_ward: unknown municipality '" +
                                          std::string(m.name.GetString()) + "'");
            }
            o.maskingByWard[ward->code] = nameMaskingFrom(m.value.IsString() ? m.value.GetString() : "");
          }
        }
        o.senderName = pipeline::configString(c, "sender_name");
        o.senderFax = pipeline::configString(c, "sender_fax");
        return std::shared_ptr<pipeline::Sink>(std::make_shared<FaxSheetSink>(std::move(o)));
      });
}

}  // namespace renkei::adapters
