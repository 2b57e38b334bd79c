// Form field validators: which checks prove a value and which only refuse one, check digits,
// the clean-up of readings, and the template loader's errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "renkei/forms/field_validators.h"
#include "renkei/forms/form_template.h"
#include "renkei/mapping/municipality_resolver.h"

namespace renkei::forms {
namespace {
namespace fs = std::filesystem;

FieldTemplate field(FieldType type, std::vector<std::string> validators) {
  FieldTemplate f;
  f.name = "f";
  f.type = type;
  f.validators = std::move(validators);
  return f;
}

TEST(FormValidatorsTest, CheckDigitsOfInsurerAndMunicipalityCodes) {
  EXPECT_EQ(checkDigit("luhn", "13104"), 5);        // 新宿区's long-term-care insurer number 131045
  EXPECT_EQ(checkDigit("mod11_jlg", "13104"), 1);   // 団体コード 131041
  EXPECT_EQ(checkDigit("mod11_jlg", "13101"), 6);   // 千代田区 131016
  EXPECT_EQ(checkDigit("luhn", "1a"), -1);
  EXPECT_EQ(checkDigit("unknown", "1"), -1);
  ValidationContext context;
  const auto ok = validate(field(FieldType::Digits, {"length:6", "check_digit:luhn"}), "131045", context);
  EXPECT_TRUE(proven(ok));
  const auto wrong = validate(field(FieldType::Digits, {"length:6", "check_digit:luhn"}), "131046", context);
  EXPECT_TRUE(refused(wrong));
}

TEST(FormValidatorsTest, PatternsAndLengthsRefuseButNeverProve) {
  ValidationContext context;
  const auto v = validate(field(FieldType::Phone, {"pattern:0[0-9-]+", "length:10-13"}), "03-1234-5678", context);
  EXPECT_FALSE(refused(v));
  EXPECT_FALSE(proven(v));
  EXPECT_TRUE(refused(validate(field(FieldType::Phone, {"length:10-13"}), "03-12", context)));
}

TEST(FormValidatorsTest, DatesMustExistAndFieldsOfDateTypeAreAlwaysChecked) {
  ValidationContext context;
  EXPECT_TRUE(proven(validate(field(FieldType::WarekiDate, {}), "令和6年11月22日", context)));
  EXPECT_TRUE(proven(validate(field(FieldType::WarekiDate, {}), "R06.11.22", context)));
  EXPECT_TRUE(refused(validate(field(FieldType::WarekiDate, {}), "平成39年1月1日", context)));  // 平成 ended in 31
  EXPECT_TRUE(refused(validate(field(FieldType::WarekiDate, {}), "令和6年2月30日", context)));
  EXPECT_TRUE(proven(validate(field(FieldType::Date, {}), "2024/02/29", context)));
}

TEST(FormValidatorsTest, MunicipalityDictionaryAndUnavailableDirectory) {
  ValidationContext context;
  context.municipalities = mapping::tokyoMunicipalityResolver();
  EXPECT_TRUE(proven(validate(field(FieldType::Text, {"dictionary:municipality"}), "北区", context)));
  EXPECT_TRUE(refused(validate(field(FieldType::Text, {"dictionary:municipality"}), "北区王子", context)));
  // Without a directory the organisations check neither proves nor refuses.
  const auto v = validate(field(FieldType::Text, {"dictionary:organizations"}), "王子ケアプランセンター", context);
  EXPECT_FALSE(refused(v));
  EXPECT_FALSE(proven(v));
  context.organizationKnown = [](const std::string& name) { return name == "王子ケアプランセンター"; };
  EXPECT_TRUE(proven(validate(field(FieldType::Text, {"dictionary:organizations"}), "王子ケアプランセンター", context)));
  EXPECT_TRUE(refused(validate(field(FieldType::Text, {"dictionary:organizations"}), "王子ケアセンター", context)));
}

TEST(FormValidatorsTest, StrayMarksAtTheEndsAreDroppedButNotInsideAValue) {
  EXPECT_EQ(withoutStrayMarks("鈴木 。 |"), "鈴木");
  EXPECT_EQ(withoutStrayMarks("「 荒川記念病院 '"), "荒川記念病院");
  EXPECT_EQ(withoutStrayMarks("滝野川ケアセンター"), "滝野川ケアセンター");  // ー inside a word stays
  EXPECT_EQ(withoutStrayMarks("佐藤 一郎"), "佐藤 一郎");
  EXPECT_EQ(cleanReading(FieldType::WarekiDate, "昭和39年4月19日- "), "昭和39年4月19日");
  EXPECT_EQ(cleanReading(FieldType::Digits, "1 2 3 4"), "1234");
  EXPECT_EQ(cleanReading(FieldType::Phone, "03ー1234−5678"), "03-1234-5678");
  EXPECT_EQ(cleanReading(FieldType::Kana, "ｻﾄｳ ﾀﾛｳ"), "サトウタロウ");
}

TEST(FormValidatorsTest, UnknownValidatorsAreTemplateErrors) {
  EXPECT_TRUE(checkValidatorSpec("check_digit:luhn", nullptr).ok());
  EXPECT_FALSE(checkValidatorSpec("check_digit:crc", nullptr).ok());
  EXPECT_FALSE(checkValidatorSpec("code_list:gender", nullptr).ok());  // no mapping, no ConceptMap
  EXPECT_FALSE(checkValidatorSpec("pattern:([", nullptr).ok());
  EXPECT_FALSE(checkValidatorSpec("length:x", nullptr).ok());
  EXPECT_FALSE(checkValidatorSpec("spellcheck", nullptr).ok());
}

TEST(FormTemplateTest, TheShippedFormsLoad) {
  std::vector<mapping::MappingError> errors;
  FormSet set = FormSet::load({defaultFormsDir()}, errors);
  for (const auto& e : errors) ADD_FAILURE() << e.file << " " << e.pointer << ": " << e.message;
  const FormTemplate* form = set.byId("nyutaiin-renkei-sheet");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->marks.size(), 3u);
  EXPECT_NE(form->field("insurer"), nullptr);
  EXPECT_NE(form->mapping, nullptr);
}

TEST(FormTemplateTest, BrokenTemplatesAreReportedWithTheirPointer) {
  const fs::path dir = fs::temp_directory_path() / "renkei-form-template-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "broken");
  fs::copy_file(fs::path(defaultFormsDir()) / "nyutaiin-renkei-sheet" / "mapping.json", dir / "broken" / "mapping.json");
  fs::copy(fs::path(defaultFormsDir()) / "nyutaiin-renkei-sheet" / "conceptmaps", dir / "broken" / "conceptmaps");
  std::ofstream(dir / "broken" / "form.json") << R"({"id":"broken","version":"1","title":"t","provenance":"p",
    "page":{"width":1000,"height":1000,"dpi":200},
    "marks":{"size":40,"corners":{"top_left":[50,50],"top_right":[950,50],"bottom_left":[50,950]}},
    "identify":{"title_box":[100,100,500,60]},
    "fields":[{"name":"family","label":"氏名","type":"text","box":[900,100,300,60]},
              {"name":"family","label":"氏名","type":"text","box":[100,200,300,60],"validators":["code_list:nothing"]},
              {"name":"not_a_column","label":"x","type":"checkbox"}]})";
  std::vector<mapping::MappingError> errors;
  FormSet set = FormSet::load({dir.string()}, errors);
  EXPECT_EQ(set.byId("broken"), nullptr);
  std::set<std::string> pointers;
  for (const auto& e : errors) pointers.insert(e.pointer);
  EXPECT_TRUE(pointers.count("/fields/0/box")) << "a box that leaves the page";
  EXPECT_TRUE(pointers.count("/fields/1/name")) << "a second field of one name";
  EXPECT_TRUE(pointers.count("/fields/1/validators/0")) << "a code list the mapping lacks";
  EXPECT_TRUE(pointers.count("/fields/2")) << "a checkbox field without options";
  EXPECT_TRUE(pointers.count("/fields/2/name")) << "a field the mapping has no column for";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace renkei::forms
