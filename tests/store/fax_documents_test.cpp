// Faxed forms waiting for a person, on every backend: kept once per organization and image (the
// image bytes intact, zero bytes included), listed per organization and state without images,
// and saved only over the version the reviewer saw.
#include <gtest/gtest.h>

#include "store/store_backends.h"

namespace renkei::store {
namespace {

class FaxDocuments : public test::FreshStoreTest {
 protected:
  FaxDocument document(const std::string& organization, const std::string& sha) {
    FaxDocument d;
    d.organization = organization;
    d.source = "office-fax";
    d.name = "fax-0001.tif";
    d.sha256 = sha;
    d.form = "nyutaiin-renkei-sheet";
    d.reading = R"({"pages":[]})";
    d.image = std::string("II*\0\x01\xff", 6);
    d.receivedMs = 1000;
    return d;
  }
};

TEST_P(FaxDocuments, KeptOncePerOrganizationAndImageWithItsBytes) {
  auto first = store_->addFaxDocument(document("office-a", "aa"));
  ASSERT_TRUE(first.ok()) << first.status().toString();
  EXPECT_EQ(first->state, kFaxReview);
  EXPECT_EQ(first->version, 1);
  auto again = store_->addFaxDocument(document("office-a", "aa"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  auto other = store_->addFaxDocument(document("office-b", "aa"));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
  auto read = store_->faxDocument(first->id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(read->value().image, std::string("II*\0\x01\xff", 6));
  EXPECT_EQ(read->value().form, "nyutaiin-renkei-sheet");
  auto none = store_->faxDocument(first->id + 100);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_P(FaxDocuments, ListedPerOrganizationAndStateWithoutImages) {
  ASSERT_TRUE(store_->addFaxDocument(document("office-a", "1")).ok());
  ASSERT_TRUE(store_->addFaxDocument(document("office-a", "2")).ok());
  ASSERT_TRUE(store_->addFaxDocument(document("office-b", "3")).ok());
  auto a = store_->faxDocuments("office-a", kFaxReview, 10);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_TRUE(a->front().image.empty());
  EXPECT_EQ(a->front().sha256, "1");
  EXPECT_EQ(store_->faxDocuments("office-b", "", 10)->size(), 1u);
  EXPECT_EQ(store_->faxDocuments("office-a", kFaxSubmitted, 10)->size(), 0u);
}

TEST_P(FaxDocuments, SavedOnlyOverTheVersionTheReviewerSaw) {
  auto d = store_->addFaxDocument(document("office-a", "x"));
  ASSERT_TRUE(d.ok());
  FaxDocument mine = d.value(), theirs = d.value();
  mine.state = kFaxConfirmed;
  mine.reading = R"({"pages":[{"page":1}]})";
  mine.updatedBy = "reviewer-1";
  mine.updatedMs = 2000;
  mine.form = "houmon-kango-shijisho";  // a page the reviewer had read again as another form
  auto saved = store_->updateFaxDocument(mine);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(saved.value());
  theirs.state = kFaxRejected;
  auto late = store_->updateFaxDocument(theirs);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late.value()) << "a save over an older version is refused";
  auto read = store_->faxDocument(d->id);
  EXPECT_EQ(read->value().state, kFaxConfirmed);
  EXPECT_EQ(read->value().version, 2);
  EXPECT_EQ(read->value().updatedBy, "reviewer-1");
  EXPECT_EQ(read->value().form, "houmon-kango-shijisho");
  FaxDocument missing = mine;
  missing.id += 100;
  EXPECT_EQ(store_->updateFaxDocument(missing).status().code(), StatusCode::NotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, FaxDocuments, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store
