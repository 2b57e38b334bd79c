// csv_folder sink implementation: flattening, CP932 rendering row by row (a failure names the
// element), atomic write.
#include "csv_folder_sink.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>

#include "renkei/core/file_io.h"
#include "renkei/mapping/mapping_engine.h"

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

/// One CSV row per primitive value: (resource type, resource id, element path, value).
using RowVisitor = std::function<Status(std::string_view type, std::string_view id,
                                        const std::string& path, std::string_view value)>;

Status flatten(const fhir::Node& node, std::string_view type, std::string_view id,
               const std::string& path, const RowVisitor& visit) {
  std::string_view lastName;
  int index = 0;
  for (const fhir::Node& c : node.children()) {
    index = c.name == lastName ? index + 1 : 0;
    lastName = c.name;
    if (c.isResource()) {
      RENKEI_RETURN_IF_ERROR(
          flatten(c, c.resourceType, c.childValue("id"), std::string(c.resourceType), visit));
      continue;
    }
    const std::string childPath =
        path + "." + std::string(c.name) + "[" + std::to_string(index) + "]";
    if (c.hasValue()) RENKEI_RETURN_IF_ERROR(visit(type, id, childPath, c.value));
    if (c.hasChildren()) RENKEI_RETURN_IF_ERROR(flatten(c, type, id, childPath, visit));
  }
  return Status::okStatus();
}

Status flattenRoot(const fhir::Node& root, const RowVisitor& visit) {
  return flatten(root, root.resourceType, root.childValue("id"), std::string(root.resourceType),
                 visit);
}

void appendRow(std::string& out, std::string_view type, std::string_view id,
               std::string_view path, std::string_view value) {
  appendField(out, type);
  out += ',';
  appendField(out, id);
  out += ',';
  appendField(out, path);
  out += ',';
  appendField(out, value);
  out += "\r\n";
}

constexpr std::string_view kHeader = "resource_type,resource_id,path,value\r\n";

/// Local time as YYYYMMDDHHMMSS (the care-plan standard's file-name timestamp).
std::string timestamp(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &local);
  return text;
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

class CsvFolderSink : public pipeline::Sink {
 public:
  CsvFolderSink(std::string path, bool cp932, std::shared_ptr<const mapping::MappingSet> mappings,
                const mapping::Mapping* layout, std::map<std::string, std::string> fileNameValues)
      : path_(std::move(path)),
        cp932_(cp932),
        mappings_(std::move(mappings)),
        layout_(layout),
        fileNameValues_(std::move(fileNameValues)) {}

  pipeline::DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    Result<std::string> csv = layout_ != nullptr ? inLayout(request)
                              : cp932_           ? flatCsvCp932(*request.root)
                                                 : flatCsv(*request.root);
    if (!csv.ok()) return {pipeline::Outcome::Reject, csv.status().message(), "", {}};
    auto name = fileName(request);
    if (!name.ok()) return {pipeline::Outcome::Reject, name.status().message(), "", {}};
    Status st = writeFileAtomically(path_ + "/" + name.value(), csv.value());
    if (!st.ok()) return {pipeline::Outcome::Retry, st.message(), "", {}};
    return {pipeline::Outcome::Delivered, "written " + name.value(), "", {}};
  }

 private:
  /// `<idempotency key>.csv`, or the name the layout gives its files (the care-plan standard's
  /// UP1KYO_<sender>_<type>_<receiver>_<type>_<YYYYMMDDHHMMSS>.CSV) from the message, the
  /// sink's file_name_values and {now}; a name already in the folder takes the next second, so
  /// a month's batch for one office (hundreds of files whose names differ only in the time) gets
  /// one second each, in delivery order, from the first free one on.
  Result<std::string> fileName(const pipeline::DeliveryRequest& request) const {
    if (layout_ == nullptr || !layout_->renderedFileName) return request.idempotencyKey + ".csv";
    std::map<std::string, std::string> values = fileNameValues_;
    const std::string json(request.canonicalJson);
    auto render = [&](std::time_t at) -> Result<std::string> {
      values["now"] = timestamp(at);
      auto name = mapping::renderFileName(*layout_, json, values);
      if (!name.ok()) {
        return Status::invalidInput("layout " + layout_->id + " cannot name the file: " + name.status().message());
      }
      return name;
    };
    auto family = render(0);  // the name without its time: the files that compete for seconds
    if (!family.ok()) return family.status();
    const std::time_t now = std::time(nullptr);
    std::lock_guard lock(namesMutex_);
    std::time_t& next = nextSecond_[family.value()];
    for (std::time_t at = std::max(now, next); at < now + kSecondsAhead; ++at) {
      auto name = render(at);
      if (!name.ok()) return name.status();
      if (!exists(path_ + "/" + name.value())) {
        next = at + 1;
        return name;
      }
    }
    return Status::unavailable("every file name for the next day is taken in " + path_);
  }

  static constexpr std::time_t kSecondsAhead = 24 * 60 * 60;
  mutable std::mutex namesMutex_;
  /// Per name without its time: the first second not yet given to a file.
  mutable std::map<std::string, std::time_t> nextSecond_;

  /// The message rendered by the mapping, in the layout's encoding (CP932 also when the sink says so).
  Result<std::string> inLayout(const pipeline::DeliveryRequest& request) const {
    auto text = mapping::renderLayout(*layout_, {std::string(request.canonicalJson)});
    if (!text.ok()) {
      return Status::invalidInput("layout " + layout_->id + " cannot carry the message: " + text.status().message());
    }
    if (!cp932_ && layout_->layout.dialect.encoding != mapping::TextEncoding::Cp932) {
      if (layout_->layout.dialect.encoding == mapping::TextEncoding::Utf8Bom) return "\xEF\xBB\xBF" + text.value();
      return text;
    }
    auto converted = toCp932(text.value());
    if (!converted.ok()) {
      return Status::invalidInput(converted.status().message() + ", so the message cannot be written in layout " +
                                  layout_->id + " (CP932)");
    }
    return converted;
  }

  std::string path_;
  bool cp932_;
  std::shared_ptr<const mapping::MappingSet> mappings_;  ///< keeps layout_ alive
  const mapping::Mapping* layout_;
  std::map<std::string, std::string> fileNameValues_;
};

}  // namespace

std::string flatCsv(const fhir::Node& root) {
  std::string out(kHeader);
  Status done = flattenRoot(root, [&](std::string_view type, std::string_view id,
                                      const std::string& path, std::string_view value) {
    appendRow(out, type, id, path, value);
    return Status::okStatus();
  });
  (void)done;  // the visitor never fails
  return out;
}

Result<std::string> flatCsvCp932(const fhir::Node& root) {
  std::string out(kHeader);
  std::string row;
  Status done = flattenRoot(root, [&](std::string_view type, std::string_view id,
                                      const std::string& path, std::string_view value) {
    row.clear();
    appendRow(row, type, id, path, value);
    auto converted = toCp932(row);
    if (!converted.ok()) {
      return Status::invalidInput(converted.status().message() + " (in " + path +
                                  "), so the message cannot be written in CP932");
    }
    out += converted.value();
    return Status::okStatus();
  });
  if (!done.ok()) return done;
  return out;
}

void registerCsvFolderSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "csv_folder", embedded::kCsvFolderSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        const std::string path = pipeline::configString(*ctx.config, "path");
        Status ready = prepareOutputFolder(path);
        if (!ready.ok()) return Status::unavailable("sink " + ctx.name + ": " + ready.message());
        const std::string layout = pipeline::configString(*ctx.config, "mapping");
        const mapping::Mapping* m = layout.empty() || !ctx.mappings ? nullptr : ctx.mappings->byId(layout);
        if (!layout.empty() && m == nullptr) {
          return Status::invalidInput("sink " + ctx.name + ": no mapping '" + layout + "' is loaded");
        }
        std::map<std::string, std::string> fileNameValues;
        if (ctx.config->HasMember("file_name_values")) {
          for (const auto& v : (*ctx.config)["file_name_values"].GetObject()) {
            fileNameValues[v.name.GetString()] = v.value.GetString();
          }
        }
        return std::shared_ptr<pipeline::Sink>(std::make_shared<CsvFolderSink>(
            path, pipeline::configString(*ctx.config, "encoding", "UTF-8") == "CP932", ctx.mappings, m,
            std::move(fileNameValues)));
      });
}

}  // namespace renkei::adapters
