// The review page's accounts: scrypt password hashes, the lockout after repeated failures (the
// right password refused too), idle expiry, log-out, distinct cookie and CSRF tokens; and the
// page's HTML escaping of what came from a fax.
#include <gtest/gtest.h>

#include "renkei/core/password_hash.h"
#include "source_fax_review/review_pages.h"
#include "source_fax_review/review_sessions.h"

namespace renkei::adapters {
namespace {

TEST(PasswordHashTest, ScryptHashesVerifyAndResistTampering) {
  auto hash = hashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("scrypt:32768:8:1:", 0), 0u);
  EXPECT_TRUE(verifyPassword("correct horse battery", hash.value()));
  EXPECT_FALSE(verifyPassword("correct horse batterz", hash.value()));
  EXPECT_NE(hashPassword("correct horse battery").value(), hash.value()) << "a fresh salt each time";
  EXPECT_FALSE(verifyPassword("x", "scrypt:1:8:1:AAAA:AAAA"));
  EXPECT_FALSE(verifyPassword("x", "bcrypt$whatever"));
  EXPECT_FALSE(verifyPassword("x", "scrypt:32768:8:1:not base64!:AAAA"));
  EXPECT_NE(randomToken(), randomToken());
  EXPECT_EQ(randomToken(32).find_first_of("+/="), std::string::npos);
}

class ReviewSessionsTest : public ::testing::Test {
 protected:
  ReviewSessionsTest()
      : sessions_({{"sato", "佐藤 花子", "care-office-a", hashPassword("correct horse battery").value()}}, 30'000, 3,
                  60'000) {}
  ReviewSessions sessions_;
};

TEST_F(ReviewSessionsTest, LockedAfterRepeatedFailuresEvenWithTheRightPassword) {
  ReviewSession s;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sessions_.login("sato", "wrong", 1000, s), ReviewSessions::Outcome::Refused);
  EXPECT_EQ(sessions_.login("sato", "correct horse battery", 2000, s), ReviewSessions::Outcome::Locked);
  EXPECT_EQ(sessions_.login("sato", "correct horse battery", 62'000, s), ReviewSessions::Outcome::LoggedIn);
  EXPECT_EQ(sessions_.login("nobody", "correct horse battery", 62'000, s), ReviewSessions::Outcome::Refused);
}

TEST_F(ReviewSessionsTest, SessionsExpireWhenIdleAndEndAtLogOut) {
  ReviewSession s;
  ASSERT_EQ(sessions_.login("sato", "correct horse battery", 1000, s), ReviewSessions::Outcome::LoggedIn);
  EXPECT_NE(s.token, s.csrf);
  EXPECT_EQ(s.account.organization, "care-office-a");
  ASSERT_TRUE(sessions_.find(s.token, 20'000).has_value());
  ASSERT_TRUE(sessions_.find(s.token, 45'000).has_value()) << "each use renews the idle time";
  EXPECT_FALSE(sessions_.find(s.token, 80'000).has_value());
  ASSERT_EQ(sessions_.login("sato", "correct horse battery", 90'000, s), ReviewSessions::Outcome::LoggedIn);
  sessions_.logout(s.token);
  EXPECT_FALSE(sessions_.find(s.token, 90'001).has_value());
  EXPECT_FALSE(sessions_.find("", 90'001).has_value());
}

TEST(ReviewPagesTest, WhatCameFromAFaxIsEscaped) {
  EXPECT_EQ(htmlEscape("<script>\"a\" & 'b'</script>"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
  EXPECT_EQ(loginPage("<b>").find("<b>"), std::string::npos);
}

TEST(ReviewPagesTest, AMaskedNameOffersTheOrganizationsPatients) {
  std::vector<mapping::MappingError> errors;
  forms::FormSet forms = forms::FormSet::load({forms::defaultFormsDir()}, errors);
  ASSERT_TRUE(errors.empty());
  const forms::FormTemplate* form = forms.byId("nyutaiin-renkei-sheet");
  forms::PageReading page;
  page.page = 1;
  page.form = "nyutaiin-renkei-sheet";
  forms::FieldReading family;
  family.name = "family";
  family.value = "●木";
  page.fields.push_back(family);
  EXPECT_TRUE(masksPatientName(form, page));
  store::FaxDocument document;
  document.id = 7;
  PatientCandidate candidate;
  candidate.record = "urn:oid:1.2.392.100495.20.3.51.11312340001|77";
  candidate.reasons = {"birth date equal", "given name kana equal", "sex equal"};
  candidate.known.familyName = "<鈴木>";
  candidate.known.birthDate = "1942-03-09";
  candidate.known.sex = "female";
  std::string html = documentPage("佐藤", "t", document, {page}, forms, {{1, {candidate}}}, "");
  EXPECT_NE(html.find("伏せ字"), std::string::npos);
  EXPECT_NE(html.find(R"(name="p.1" value="" checked>特定しない)"), std::string::npos) << "nobody chosen yet";
  EXPECT_NE(html.find(R"(value="urn:oid:1.2.392.100495.20.3.51.11312340001|77")"), std::string::npos);
  EXPECT_NE(html.find("生年月日が一致・名カナが一致・性別が一致"), std::string::npos) << "why, in the reviewer's words";
  EXPECT_NE(html.find("&lt;鈴木&gt;"), std::string::npos);
  EXPECT_NE(html.find("番号 77"), std::string::npos);
  page.identity = forms::PatientIdentity{candidate.record, "", ""};
  html = documentPage("佐藤", "t", document, {page}, forms, {{1, {candidate}}}, "");
  EXPECT_NE(html.find(R"(11312340001|77" checked>)"), std::string::npos) << "the reviewer's choice kept";
  EXPECT_NE(documentPage("佐藤", "t", document, {page}, forms, {{1, {}}}, "").find("見つかりません"), std::string::npos);

  forms::FieldReading kind;
  kind.name = "kind";
  kind.type = forms::FieldType::Checkbox;
  kind.value = "退院時";
  page.fields.push_back(kind);
  html = documentPage("佐藤", "t", document, {page}, forms, {}, "");
  EXPECT_NE(html.find(R"(<select id="f.1.kind")"), std::string::npos) << "one box of a sheet is chosen, not typed";
  EXPECT_NE(html.find(R"(<option value="退院時" selected>退院時</option>)"), std::string::npos);
  EXPECT_NE(html.find(R"(<option value="入院時">入院時</option>)"), std::string::npos);
  page.fields.pop_back();

  page.fields[0].value = "鈴木";
  EXPECT_FALSE(masksPatientName(form, page));
  page.fields[0].reason = "dictionary:organizations: not in the directory";
  html = documentPage("佐藤", "t", document, {page}, forms, {}, "");
  EXPECT_EQ(html.find("伏せ字"), std::string::npos);
  EXPECT_NE(html.find("名簿にない名称です"), std::string::npos) << "why, in the reviewer's words";
  EXPECT_EQ(html.find("not in the directory"), std::string::npos);
}

}  // namespace
}  // namespace renkei::adapters
