// fax_sheet sink implementation.
#include "fax_sheet_sink.h"

#include <filesystem>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "linkage_sheet.h"
#include "renkei/care/care_directory.h"
#include "renkei/core/file_io.h"
#include "renkei/core/run_command.h"
#include "renkei/routing/message_facts.h"
#include "renkei/routing/municipalities.h"
#include "sheet_renderer.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::embedded {
extern const std::string_view kFaxSheetSinkSchema;
}

namespace renkei::adapters {
namespace {

/// Handing each sheet to HylaFAX's sendfax (or a command with its arguments) after it is written.
struct SendFax {
  std::string command;             ///< "" : leave the files for the fax server that watches the folder
  std::vector<std::string> args;   ///< before "-d NUMBER FILE"
  int64_t timeoutMs = 30000;
};

struct FaxSheetOptions {
  std::string path;
  SendFax sendfax;
  bool pdf = true;
  bool tiff = true;
  NameMasking masking = NameMasking::Masked;
  std::map<std::string, NameMasking> maskingByWard;  ///< 団体コード → masking
  std::string senderName, senderFax;
};

/// What the fax server needs besides the images: no patient data.
std::string faxTicket(const SheetContent& sheet, int pages) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
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

/// The digits (and a leading +) of a fax number as sendfax dials it.
std::string faxDigits(const std::string& number) {
  std::string out;
  for (char c : number) {
    if ((c >= '0' && c <= '9') || (c == '+' && out.empty())) out += c;
  }
  return out;
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

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
    const std::string done = "rendered " + std::to_string(rendered->pages) + " pages";
    if (options_.sendfax.command.empty()) return {pipeline::Outcome::Delivered, done, "", {}};
    return handOver(sheet, base + (rendered->tiff.empty() ? ".pdf" : ".tif"), base + ".sent", done);
  }

 private:
  /// Runs sendfax for the sheet once: a marker beside it says it was handed over, so a retry of a
  /// delivery whose result was not recorded does not send the fax again.
  pipeline::DeliveryResult handOver(const SheetContent& sheet, const std::string& file,
                                    const std::string& marker, const std::string& done) {
    if (std::filesystem::exists(marker)) return {pipeline::Outcome::Delivered, done + ", sent before", "", {}};
    const std::string number = faxDigits(sheet.recipientFax);
    if (number.empty()) {
      return {pipeline::Outcome::Reject,
              "no fax number to send to: the sheet is in " + file + " for a person to send", "", {}};
    }
    std::vector<std::string> args = options_.sendfax.args;
    args.insert(args.end(), {"-d", number, file});
    auto ran = runCommand(options_.sendfax.command, args, options_.sendfax.timeoutMs);
    if (!ran.ok()) return {pipeline::Outcome::Retry, "sendfax: " + ran.status().message(), "", {}};
    if (ran->exitCode != 0) {
      return {pipeline::Outcome::Retry,
              "sendfax exited with " + std::to_string(ran->exitCode) + ": " + firstLine(ran->output),
              ran->output, {}};
    }
    Status marked = writeFileAtomically(marker, ran->output);
    if (!marked.ok()) return {pipeline::Outcome::Retry, marked.message(), "", {}};
    return {pipeline::Outcome::Delivered, done + ", sendfax: " + firstLine(ran->output), "", {}};
  }

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
        if (c.HasMember("sendfax") && c["sendfax"].IsObject()) {
          const rapidjson::Value& f = c["sendfax"];
          o.sendfax.command = pipeline::configString(f, "command", "sendfax");
          o.sendfax.args = pipeline::configStrings(f, "args");
          o.sendfax.timeoutMs = pipeline::configInt(f, "timeout_ms", o.sendfax.timeoutMs);
        }
        o.senderName = pipeline::configString(c, "sender_name");
        o.senderFax = pipeline::configString(c, "sender_fax");
        return std::shared_ptr<pipeline::Sink>(std::make_shared<FaxSheetSink>(std::move(o)));
      });
}

}  // namespace renkei::adapters
