// The fax sheet: what it says (the patient masked as the channel requires, the event, the facts,
// the reply token), and the rendered sheet checked as a reader would — the PDF's text has the
// masked name and never the full one, its pages and the fax image's pages carry a QR code that
// decodes to the reply token, the TIFF is CCITT G4 at fax resolution.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <tiffio.h>

#include "renkei/care/notifications.h"
#include "renkei/fhir/resource_reader.h"
#include "sink_fax_sheet/linkage_sheet.h"
#include "sink_fax_sheet/sheet_renderer.h"
#include "support/test_env.h"

namespace renkei::adapters {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, p)) > 0;) out.append(buffer, n);
  pclose(p);
  return out;
}

class FaxSheetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"pdftotext", "pdftoppm", "zbarimg"}) {
      ASSERT_EQ(std::system((std::string("command -v ") + tool + " >/dev/null").c_str()), 0)
          << tool << " is missing: scripts/install-deps.sh --test installs poppler-utils and zbar-tools";
    }
    dir_ = fs::temp_directory_path() / ("renkei-fax-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto read = fhir::readResource(
        test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json"),
        fhir::SourceFormat::Json);
    ASSERT_TRUE(read.ok());
    doc_ = std::move(read.document);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string save(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  const std::string recipient_ =
      R"({"role":"family-doctor","member":"Organization/clinic","organization":"clinic-b",)"
      R"("display":"佐藤内科クリニック","address":"fax:03-5555-0101"})";
  fs::path dir_;
  std::unique_ptr<fhir::Document> doc_;
};

TEST_F(FaxSheetTest, TheSheetMasksThePatientEverywhereAndListsTheFacts) {
  const SheetContent sheet = linkageSheet(*doc_->root(), recipient_, "rk-form-1", NameMasking::Masked);
  EXPECT_EQ(sheet.recipient, "佐藤内科クリニック");
  EXPECT_EQ(sheet.recipientFax, "03-5555-0101");
  EXPECT_EQ(sheet.token, "rk-form-1") << "not a notification: the form id is the token";
  ASSERT_FALSE(sheet.fields.empty());
  EXPECT_EQ(sheet.fields[0], (std::pair<std::string, std::string>{"患者氏名", "連● 花●"}));
  std::string all;
  for (const auto& [label, value] : sheet.fields) all += label + ":" + value + "\n";
  for (const std::string& line : sheet.lines) all += line + "\n";
  EXPECT_NE(all.find("退院  2026-11-20 11:30"), std::string::npos) << all;
  EXPECT_NE(all.find("送信元:新宿総合病院"), std::string::npos) << all;
  EXPECT_NE(all.find("病名: "), std::string::npos) << all;
  for (const char* name : {"連携", "花子", "レンケイ", "ハナコ"}) {
    EXPECT_EQ(all.find(name), std::string::npos) << name << " printed:\n" << all;
  }
  EXPECT_EQ(linkageSheet(*doc_->root(), recipient_, "f", NameMasking::Initials).fields[0].second, "連. 花.");
  EXPECT_EQ(linkageSheet(*doc_->root(), recipient_, "f", NameMasking::Full).fields[0].second, "連携 花子");
  EXPECT_EQ(maskNamePart("ヴ", NameMasking::Masked), "ヴ●") << "a one-letter name still hides its length";
}

TEST_F(FaxSheetTest, ADigestOfSeveralPatientsMasksEachOfThem) {
  const routing::MessageFacts facts = routing::collectFacts(*doc_->root());
  const std::string first = care::notificationSummary(*doc_->root(), facts, {}, {false, "routine"});
  const std::string second =
      R"({"event":"admission","date":"2026-12-01","urgent":false,"patient":{"name":"山田　太郎",)"
      R"("birthDate":"1950-01-01","identifiers":["urn:a|2"]},"sender":"中野病院"})";
  auto digest = fhir::readResource(care::digestBundle({first, second}, {care::newNotificationToken(),
                                                                       care::newNotificationToken()},
                                                      1'764'990'000'000),
                                   fhir::SourceFormat::Json);
  ASSERT_TRUE(digest.ok());
  const SheetContent sheet = linkageSheet(*digest.document->root(), recipient_, "rk-digest", NameMasking::Masked);
  std::string all;
  for (const auto& [label, value] : sheet.fields) all += label + ":" + value + "\n";
  for (const std::string& line : sheet.lines) all += line + "\n";
  EXPECT_NE(all.find("通知 2 件"), std::string::npos) << all;  // 連携 is masked even in 本日の連携通知: safe
  EXPECT_NE(all.find("山● 太● 様"), std::string::npos) << all;
  for (const char* name : {"連携", "花子", "山田", "太郎"}) {
    EXPECT_EQ(all.find(name), std::string::npos) << name << " printed:\n" << all;
  }
}

TEST_F(FaxSheetTest, ANotificationsTokenIsWhatTheQrCodeCarriesInThePdfAndTheFaxImage) {
  // An urgent notification: its Communication (with the patient's full name in its text) and Task.
  const std::string canonical =
      test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
  const routing::MessageFacts facts = routing::collectFacts(*doc_->root());
  care::CareRecipient doctor;
  doctor.display = "佐藤内科クリニック";
  const std::string summary = care::notificationSummary(*doc_->root(), facts, doctor, {true, "test"});
  const std::string token = care::newNotificationToken();
  auto notice = fhir::readResource(
      care::urgentNotificationBundle(canonical, summary, token, 1'765'000'000'000, 1'764'990'000'000),
      fhir::SourceFormat::Json);
  ASSERT_TRUE(notice.ok());
  SheetContent sheet = linkageSheet(*notice.document->root(), recipient_, "rk-form-2", NameMasking::Masked);
  EXPECT_EQ(sheet.token, token);
  EXPECT_EQ(sheet.title, "【至急】在宅医療・介護 連携シート");
  for (int k = 0; k < 60; ++k) sheet.lines.push_back("経過 " + std::to_string(k) + ": 状態は安定しています。");

  auto rendered = renderSheet(sheet, true, true);
  ASSERT_TRUE(rendered.ok()) << rendered.status().toString();
  EXPECT_GE(rendered->pages, 3) << "the cover and a sheet continued on another page";

  const std::string pdf = save("sheet.pdf", rendered->pdf);
  const std::string text = run("pdftotext -enc UTF-8 " + pdf + " -");
  EXPECT_NE(text.find("FAX送付状"), std::string::npos) << text;
  EXPECT_NE(text.find("連● 花●"), std::string::npos) << text;
  EXPECT_EQ(text.find("連携 花子"), std::string::npos) << "the full name is never printed";
  EXPECT_EQ(text.find("花子"), std::string::npos);
  EXPECT_NE(text.find("03-5555-0101"), std::string::npos);
  EXPECT_NE(text.find("経過 59"), std::string::npos) << "the last line made it onto a page";

  run("pdftoppm -r 150 -gray -png -f 2 -l 2 " + pdf + " " + (dir_ / "page").string());
  const std::string decoded = run("zbarimg --quiet --raw " + (dir_ / "page-2.png").string());
  EXPECT_EQ(decoded, "renkei:" + token + ":rk-form-2\n");

  // The fax image: G4 pages at 204 × 196 dpi; the second page's QR code read from its dots.
  const std::string tif = save("sheet.tif", rendered->tiff);
  TIFF* tiff = TIFFOpen(tif.c_str(), "r");
  ASSERT_NE(tiff, nullptr);
  int pages = 0;
  do {
    uint32_t width = 0, height = 0;
    uint16_t compression = 0;
    float xres = 0;
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetField(tiff, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(tiff, TIFFTAG_XRESOLUTION, &xres);
    EXPECT_EQ(width, 1728u);
    EXPECT_EQ(compression, COMPRESSION_CCITTFAX4);
    EXPECT_FLOAT_EQ(xres, 204.0f);
    if (pages == 1) {
      std::ofstream pbm(dir_ / "fax-page-2.pbm", std::ios::binary);
      pbm << "P4\n" << width << " " << height << "\n";
      std::vector<char> row(TIFFScanlineSize(tiff));
      for (uint32_t y = 0; y < height; ++y) {
        ASSERT_GE(TIFFReadScanline(tiff, row.data(), y, 0), 0);
        pbm.write(row.data(), static_cast<std::streamsize>(row.size()));  // 1 = black in both
      }
    }
    ++pages;
  } while (TIFFReadDirectory(tiff));
  TIFFClose(tiff);
  EXPECT_EQ(pages, rendered->pages);
  EXPECT_EQ(run("zbarimg --quiet --raw " + (dir_ / "fax-page-2.pbm").string()),
            "renkei:" + token + ":rk-form-2\n");
}

}  // namespace
}  // namespace renkei::adapters
