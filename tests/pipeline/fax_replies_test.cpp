// Faxed-back sheets: the QR code of a Renkei fax sheet is read from the fax image — at fine and at
// standard resolution — and the notification it names is acknowledged by "fax reply <file>";
// only then does the file move to done/. A fax without a Renkei code, or whose code names nothing
// awaiting acknowledgement, goes to failed/ with its reason.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <tiffio.h>

#include "renkei/care/notifications.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/adapter_registry.h"
#include "renkei/store/store.h"
#include "sink_fax_sheet/linkage_sheet.h"
#include "sink_fax_sheet/sheet_renderer.h"
#include "renkei/forms/fax_pages.h"
#include "renkei/forms/qr_codes.h"
#include "source_fax_replies/sheet_reply.h"
#include "support/test_env.h"

namespace renkei::adapters {
namespace {

namespace fs = std::filesystem;
using namespace renkei::forms;

/// The fax image of an urgent notification's sheet for `token` (TIFF G4, 204 × 196 dpi).
std::string sheetImage(const std::string& token) {
  const std::string canonical = test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
  auto read = fhir::readResource(canonical, fhir::SourceFormat::Json);
  EXPECT_TRUE(read.ok());
  const routing::MessageFacts facts = routing::collectFacts(*read.document->root());
  care::CareRecipient doctor;
  doctor.display = "佐藤内科クリニック";
  const std::string summary = care::notificationSummary(*read.document->root(), facts, doctor, {true, "test"});
  auto notice = fhir::readResource(
      care::urgentNotificationBundle(canonical, summary, token, 1'765'000'000'000, 1'764'990'000'000),
      fhir::SourceFormat::Json);
  EXPECT_TRUE(notice.ok());
  const std::string recipient = R"({"role":"family-doctor","member":"Organization/clinic","organization":"clinic-b",)"
                                R"("display":"佐藤内科クリニック","address":"fax:03-5555-0101"})";
  SheetContent sheet = linkageSheet(*notice.document->root(), recipient, "rk-form-7", NameMasking::Masked);
  auto rendered = renderSheet(sheet, false, true);
  EXPECT_TRUE(rendered.ok());
  return rendered.ok() ? rendered->tiff : "";
}

/// `pages` as a bilevel G3 TIFF at `path`; `everyOtherRow`: a standard-resolution fax of them
/// (every other row, 204 × 98 dpi), else 204 × 196 dpi.
std::string writeFax(const std::vector<GrayPage>& pages, const fs::path& path, bool everyOtherRow) {
  TIFF* out = TIFFOpen(path.c_str(), "w");
  const uint32_t step = everyOtherRow ? 2 : 1;
  for (const GrayPage& page : pages) {
    const uint32_t rows = page.height / step;
    TIFFSetField(out, TIFFTAG_IMAGEWIDTH, page.width);
    TIFFSetField(out, TIFFTAG_IMAGELENGTH, rows);
    TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(out, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
    TIFFSetField(out, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(out, TIFFTAG_XRESOLUTION, 204.0f);
    TIFFSetField(out, TIFFTAG_YRESOLUTION, everyOtherRow ? 98.0f : 196.0f);
    TIFFSetField(out, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, rows);
    std::vector<uint8_t> line((page.width + 7) / 8);
    for (uint32_t y = 0; y < rows; ++y) {
      std::fill(line.begin(), line.end(), 0);
      for (uint32_t x = 0; x < page.width; ++x) {
        if (page.pixels[uint64_t{y} * step * page.width + x] < 128) line[x / 8] |= 0x80 >> (x % 8);
      }
      TIFFWriteScanline(out, line.data(), y, 0);
    }
    TIFFWriteDirectory(out);
  }
  TIFFClose(out);
  return test::readText(path);
}

std::vector<std::string> codesIn(const std::string& tiff) {
  std::vector<std::string> out;
  auto pages = readFaxPagesFromMemory(tiff);
  EXPECT_TRUE(pages.ok()) << pages.status().toString();
  if (!pages.ok()) return out;
  for (const GrayPage& page : pages.value()) {
    for (const std::string& code : qrCodes(page)) out.push_back(code);
  }
  return out;
}

TEST(FaxPages, TheSheetsCodeIsReadAtFineAndStandardResolution) {
  const fs::path dir = fs::temp_directory_path() / ("renkei-fax-pages-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string token = care::newNotificationToken();
  const std::string fine = sheetImage(token);
  const std::vector<std::string> codes = codesIn(fine);
  ASSERT_FALSE(codes.empty());
  for (const std::string& code : codes) EXPECT_EQ(code, "renkei:" + token + ":rk-form-7");
  auto reply = sheetReply(codes.front());
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->token, token);
  EXPECT_EQ(reply->form, "rk-form-7");

  const std::string standard = writeFax(readFaxPagesFromMemory(fine).value(), dir / "standard.tif", true);
  auto pages = readFaxPagesFromMemory(standard);
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(pages->front().height, readFaxPagesFromMemory(fine)->front().height / 2 * 2)
      << "rows doubled: square pixels again";
  EXPECT_FALSE(codesIn(standard).empty()) << "a standard-resolution fax still gives its code";
  fs::remove_all(dir);

  EXPECT_FALSE(sheetReply("https://example.jp").has_value());
  EXPECT_FALSE(sheetReply("renkei::x").has_value());
  EXPECT_FALSE(readFaxPagesFromMemory("not a tiff").ok());
  FaxLimits one;
  one.maxPages = 1;
  EXPECT_EQ(readFaxPagesFromMemory(fine, one).status().code(), StatusCode::TooLarge);
}

class FaxRepliesSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("renkei-fax-replies-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    store::StoreConfig config;
    config.path = (fs::temp_directory_path() / ("renkei-fax-replies-" + std::to_string(::getpid()) + ".db")).string();
    storePath_ = config.path;
    store_ = std::shared_ptr<store::Store>(std::move(store::openStore(config)).value());
    pipeline::registerBuiltinAdapters(registry_);
  }
  void TearDown() override {
    if (source_) source_->stop();
    source_.reset();
    store_.reset();
    fs::remove_all(dir_);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(storePath_ + suffix);
  }

  /// An urgent notification awaiting acknowledgement, with `token`.
  void awaiting(const std::string& token) {
    const int64_t id = store_->intake({{"inbox", "hospital-a", "m", "", "m-" + token}}, 1000).value()[0].messageId;
    ASSERT_FALSE(store_->claimReceived("t", 10, 2000, 1000)->empty());
    store::RoutingOutcome o{id, store::kRouted, "", "{}", "m", {}};
    store::PlannedDelivery d{"fax", "p", R"({"member":"Organization/clinic","organization":"clinic-b"})"};
    store::NotificationPlan n;
    n.factKey = "fact-" + token;
    n.token = token;
    n.urgent = true;
    n.dueMs = 10'000;
    n.escalateTo = "desk";
    n.recipientOrganization = "clinic-b";
    n.summary = R"({"event":"discharge"})";
    d.notification = n;
    d.payload = "urgent";
    o.deliveries = {d};
    ASSERT_TRUE(store_->recordRouting({o}, "t", 2500).ok());
  }

  void start() {
    config_.Parse((R"({"type":"fax_replies","path":")" + dir_.string() + R"(","poll_ms":20,"min_age_ms":0})").c_str());
    pipeline::AdapterContext ctx{"fax-in", &config_, nullptr, nullptr, nullptr, store_, nullptr};
    auto made = registry_.source("fax_replies")->makeSource(ctx);
    ASSERT_TRUE(made.ok()) << made.status().toString();
    source_ = made.value();
    ASSERT_TRUE(source_->start().ok());
  }

  void drop(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / ("." + name), std::ios::binary) << bytes;
    fs::rename(dir_ / ("." + name), dir_ / name);
  }

  bool waitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string ackedBy(const std::string& token) {
    const std::vector<store::NotificationRow> rows = store_->notifications({"", 100}).value();
    for (const store::NotificationRow& n : rows) {
      if (n.token == token) return n.state + " " + n.ackedBy;
    }
    return "";
  }

  std::shared_ptr<store::Store> store_;
  pipeline::AdapterRegistry registry_;
  rapidjson::Document config_;
  std::shared_ptr<pipeline::Source> source_;
  fs::path dir_;
  std::string storePath_;
};

TEST_F(FaxRepliesSourceTest, AFaxedBackSheetAcknowledgesItsNotificationAndMovesToDone) {
  const std::string token = care::newNotificationToken();
  awaiting(token);
  start();
  drop("fax-0001.tif", sheetImage(token));
  ASSERT_TRUE(waitFor([&] { return ackedBy(token) == "ACKED fax reply fax-0001.tif"; })) << ackedBy(token);
  ASSERT_TRUE(waitFor([&] { return !fs::exists(dir_ / "fax-0001.tif"); }));
  bool inDone = false;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "done")) {
    inDone = inDone || e.path().filename() == "fax-0001.tif";
  }
  EXPECT_TRUE(inDone) << "the original kept, as evidence";

  // The same sheet again: nothing awaits acknowledgement any more.
  drop("fax-0002.tif", sheetImage(token));
  ASSERT_TRUE(waitFor([&] { return fs::exists(dir_ / "failed" / "fax-0002.tif.reason.json"); }));
  EXPECT_NE(test::readText(dir_ / "failed" / "fax-0002.tif.reason.json").find("names no notification awaiting"),
            std::string::npos);
}

TEST_F(FaxRepliesSourceTest, FaxesWithoutARenkeiCodeAndOtherFilesGoToFailedWithTheirReason) {
  start();
  const fs::path elsewhere = fs::temp_directory_path() / ("renkei-blank-" + std::to_string(::getpid()) + ".tif");
  GrayPage blank;
  blank.width = 1728;
  blank.height = 400;
  blank.pixels.assign(uint64_t{blank.width} * blank.height, 255);
  drop("letter.tif", writeFax({blank}, elsewhere, false));
  fs::remove(elsewhere);
  drop("broken.tif", sheetImage("x").substr(0, 100));
  drop("notes.txt", "not a fax");
  fs::create_symlink("/etc/passwd", dir_ / "link.tif");
  ASSERT_TRUE(waitFor([&] {
    return fs::exists(dir_ / "failed" / "letter.tif.reason.json") &&
           fs::exists(dir_ / "failed" / "broken.tif.reason.json") &&
           fs::exists(dir_ / "failed" / "notes.txt.reason.json") &&
           fs::exists(dir_ / "failed" / "link.tif.reason.json");
  }));
  EXPECT_NE(test::readText(dir_ / "failed" / "letter.tif.reason.json").find("no Renkei QR code"), std::string::npos);
  EXPECT_NE(test::readText(dir_ / "failed" / "broken.tif.reason.json").find("cannot read the fax"), std::string::npos);
  EXPECT_NE(test::readText(dir_ / "failed" / "notes.txt.reason.json").find("not a TIFF"), std::string::npos);
  EXPECT_NE(test::readText(dir_ / "failed" / "link.tif.reason.json").find("never followed"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(dir_ / "failed" / "link.tif")) << "the link moved, not what it points to";
}

}  // namespace
}  // namespace renkei::adapters
