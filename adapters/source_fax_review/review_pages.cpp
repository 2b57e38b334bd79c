// The review page's HTML, script and style (see review_pages.h).
#include "review_pages.h"

#include <algorithm>

#include "renkei/core/time_text.h"

namespace renkei::adapters {
namespace {

std::string head(const std::string& title) {
  return "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
         "</title><link rel=\"stylesheet\" href=\"/review.css\"><script src=\"/review.js\" defer></script></head><body>";
}

std::string bar(const std::string& reviewer, const std::string& csrf) {
  return "<header><a href=\"/faxes\">FAX確認キュー</a><span class=\"who\">" + htmlEscape(reviewer) +
         "</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
         htmlEscape(csrf) + "\"><button type=\"submit\">ログアウト</button></form></header>";
}

std::string localTime(int64_t ms) { return localDateTimeAt(ms); }

/// Why a field waits for a person, in the reviewer's words (the reading keeps the English).
std::string reasonText(const std::string& reason) {
  const auto starts = [&](std::string_view p) { return reason.rfind(p, 0) == 0; };
  if (starts("no validator proves")) return "値を裏付ける検査がない項目です";
  if (starts("the digits engine")) return "数字の読み取りが二つの方法で一致しません";
  if (starts("confidence")) return "読み取りの確からしさが基準に届きません（" + reason.substr(11) + "）";
  if (starts("clinical free text")) return "自由記述は必ず人が確認します";
  if (starts("handwriting")) return "手書き欄です。画像を見て入力してください";
  if (starts("read as the nearest code")) return "読み取った文字に最も近い選択肢を入れています";
  if (starts("a box is neither")) return "チェックの有無が判別できません";
  if (reason.find("boxes marked") != std::string::npos) return "チェックの数が規則に合いません";
  if (starts("dictionary:organizations")) return "名簿にない名称です（事業所・医療機関名を確認してください）";
  if (starts("dictionary:municipality")) return "区市町村名として確認できません";
  if (starts("check_digit")) return "検査数字が合いません";
  if (starts("code_list")) return "選択肢にない値です";
  if (starts("date")) return "存在しない日付です";
  if (starts("pattern") || starts("length")) return "書式が合いません";
  return "検査に合いません";
}

/// A matching reason ("birth date equal", "family name kana differs") in the reviewer's words.
std::string reasonOfMatch(const std::string& reason) {
  static const std::vector<std::pair<std::string, std::string>> kWhat = {
      {"identifier of the same system", "同じ種類の番号"}, {"identifier", "番号"}, {"birth date", "生年月日"},
      {"family name", "姓"}, {"given name", "名"}, {"sex", "性別"}, {"phone", "電話番号"},
      {"postal code", "郵便番号"}, {"municipality", "区市町村"}};
  static const std::vector<std::pair<std::string, std::string>> kHow = {
      {"kana nearly equal", "カナがほぼ一致"}, {"kana equal", "カナが一致"}, {"kana differs", "カナが不一致"},
      {"kanji equal", "漢字が一致"}, {"kanji differs", "漢字が不一致"}, {"one typo apart", "が1字違い"},
      {"equal", "が一致"}, {"differs", "が不一致"}};
  for (const auto& [what, whatJa] : kWhat) {
    if (reason.rfind(what + " ", 0) != 0) continue;
    const std::string how = reason.substr(what.size() + 1);
    for (const auto& [en, ja] : kHow) {
      if (how == en) return whatJa + ja;
    }
  }
  return reason;
}

std::string sexText(const std::string& sex) {
  return sex == "male" ? "男" : sex == "female" ? "女" : sex.empty() ? "" : "その他";
}

/// The choice of who a masked page is about: "not now" first (chosen unless the reviewer chose),
/// then the organization's candidates, best first, each with why it is offered.
std::string patientChoice(const forms::PageReading& p, const std::vector<PatientCandidate>& offered) {
  const std::string input = "p." + std::to_string(p.page);
  const std::string chosen = p.identity ? p.identity->record : "";
  std::string out = "<div class=\"patient\" role=\"group\" aria-label=\"患者の特定\"><p class=\"masked\">氏名が伏せ字です。"
                    "この事業所の利用者から該当する方を選んでください。分からない場合は「特定しない」のまま確定すると、"
                    "本人確認待ちとして送信されます（renkei patients で後から照合）。</p>";
  const auto option = [&](const std::string& value, const std::string& label) {
    return "<label class=\"candidate\"><input type=\"radio\" name=\"" + input + "\" value=\"" + htmlEscape(value) +
           "\"" + (value == chosen ? " checked" : "") + ">" + label + "</label>";
  };
  out += option("", "特定しない（本人確認待ち）");
  for (const PatientCandidate& c : offered) {
    const matching::PatientRecord& k = c.known;
    std::string label = "<span class=\"who\">" + htmlEscape(k.familyName + "　" + k.givenName) + "（" +
                        htmlEscape(k.familyKana + "　" + k.givenKana) + "）</span> " + htmlEscape(k.birthDate) + " " +
                        sexText(k.sex);
    if (!k.postalCode.empty()) label += " 〒" + htmlEscape(k.postalCode);
    if (!k.phone.empty()) label += " ☎" + htmlEscape(k.phone);
    label += " <span class=\"number\">番号 " + htmlEscape(c.record.substr(c.record.rfind('|') + 1)) + "</span>";
    std::string why;
    for (const std::string& r : c.reasons) why += (why.empty() ? "" : "・") + reasonOfMatch(r);
    label += "<span class=\"why\">" + htmlEscape(why) + "</span>";
    out += option(c.record, label);
  }
  if (offered.empty()) out += "<p class=\"none\">生年月日などが合う利用者が見つかりません。</p>";
  return out + "<button type=\"submit\" name=\"action\" value=\"candidates\" class=\"secondary\">入力した値で候補を探し直す"
               "</button></div>";
}

}  // namespace

std::string htmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string loginPage(const std::string& message) {
  return head("ログイン | Renkei FAX確認") +
         "<main class=\"login\"><h1>FAX帳票の確認</h1>" +
         (message.empty() ? "" : "<p class=\"error\" role=\"alert\">" + htmlEscape(message) + "</p>") +
         "<form method=\"post\" action=\"/login\"><label>ユーザー名<input name=\"user\" autocomplete=\"username\" "
         "autofocus required></label><label>パスワード<input name=\"password\" type=\"password\" "
         "autocomplete=\"current-password\" required></label><button type=\"submit\">ログイン</button></form></main>"
         "</body></html>";
}

std::string queuePage(const std::string& reviewer, const std::string& csrf,
                      const std::vector<store::FaxDocument>& documents, const std::string& notice) {
  std::string out = head("FAX確認キュー") + bar(reviewer, csrf) + "<main><h1>確認待ちのFAX</h1>";
  if (!notice.empty()) out += "<p class=\"notice\" role=\"status\">" + htmlEscape(notice) + "</p>";
  if (documents.empty()) return out + "<p>確認待ちのFAXはありません。</p></main></body></html>";
  out += "<table><thead><tr><th>番号</th><th>受信日時</th><th>帳票</th><th>ファイル</th></tr></thead><tbody>";
  for (const store::FaxDocument& d : documents) {
    const std::string link = "/faxes/" + std::to_string(d.id);
    out += "<tr><td><a href=\"" + link + "\">" + std::to_string(d.id) + "</a></td><td>" + localTime(d.receivedMs) +
           "</td><td>" + htmlEscape(d.form.empty() ? "（不明な帳票）" : d.form) + "</td><td>" + htmlEscape(d.name) +
           "</td></tr>";
  }
  return out + "</tbody></table></main></body></html>";
}

std::string documentPage(const std::string& reviewer, const std::string& csrf, const store::FaxDocument& document,
                         const std::vector<forms::PageReading>& pages, const forms::FormSet& forms,
                         const std::map<int, std::vector<PatientCandidate>>& candidates, const std::string& message) {
  const std::string id = std::to_string(document.id);
  std::string out = head("FAX " + id + " の確認") + bar(reviewer, csrf) + "<main class=\"document\"><h1>FAX " + id +
                    "（" + htmlEscape(document.name) + "）</h1>";
  if (!message.empty()) out += "<p class=\"error\" role=\"alert\">" + htmlEscape(message) + "</p>";
  out += "<div class=\"pages\">";
  for (const forms::PageReading& p : pages) {
    out += "<figure class=\"page\" data-page=\"" + std::to_string(p.page) + "\"><img alt=\"" + std::to_string(p.page) +
           "ページ目\" src=\"/faxes/" + id + "/pages/" + std::to_string(p.page) +
           ".png\"><div class=\"highlight\" hidden></div><figcaption>" + std::to_string(p.page) + "ページ目" +
           (p.problem.empty() ? "" : "：" + htmlEscape(p.problem)) + "</figcaption></figure>";
  }
  out += "</div><form method=\"post\" action=\"/faxes/" + id + "\" class=\"fields\" id=\"review\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" + htmlEscape(csrf) + "\"><input type=\"hidden\" "
         "name=\"version\" value=\"" + std::to_string(document.version) + "\"><p class=\"keys\">Enter：次の項目　"
         "Ctrl+Enter：確定</p>";
  for (const forms::PageReading& p : pages) {
    const forms::FormTemplate* form = forms.byId(p.form);
    out += "<fieldset><legend>" + std::to_string(p.page) + "ページ目：" +
           htmlEscape(form != nullptr ? form->title : "不明な帳票") + "</legend>";
    if (form == nullptr) {
      // Not identified: the reviewer names the form and the page is read again as that form.
      const std::string number = std::to_string(p.page);
      out += "<div class=\"unknown\"><p class=\"masked\">帳票を判別できませんでした。帳票を選んで読み取り直すか、"
             "却下してください。</p><label>帳票<select name=\"form." + number + "\">";
      for (const auto& known : forms.all()) {
        out += "<option value=\"" + htmlEscape(known->id) + "\">" + htmlEscape(known->title) + "</option>";
      }
      out += "</select></label><button type=\"submit\" name=\"action\" value=\"reread:" + number +
             "\" class=\"secondary\">この帳票として読み取る</button></div>";
    }
    auto offered = candidates.find(p.page);
    if (offered != candidates.end()) out += patientChoice(p, offered->second);
    for (const forms::FieldReading& f : p.fields) {
      const forms::FieldTemplate* t = form != nullptr ? form->field(f.name) : nullptr;
      const std::string input = "f." + std::to_string(p.page) + "." + f.name;
      const std::string box = std::to_string(int(f.pageBox.x)) + "," + std::to_string(int(f.pageBox.y)) + "," +
                              std::to_string(int(f.pageBox.w)) + "," + std::to_string(int(f.pageBox.h)) + "," +
                              std::to_string(p.width) + "," + std::to_string(p.height);
      const bool open = !f.accepted;
      out += "<div class=\"field" + std::string(open ? " open" : "") + "\"><label for=\"" + htmlEscape(input) + "\">" +
             htmlEscape(t != nullptr ? t->label : f.name) + "</label>";
      const bool multiline = f.type == forms::FieldType::FreeText || f.type == forms::FieldType::Handwriting;
      const bool choice = t != nullptr && f.type == forms::FieldType::Checkbox && !t->options.empty();
      const std::string where = "\" data-page=\"" + std::to_string(p.page) + "\" data-box=\"" + box + "\"";
      if (choice && t->exactlyOne) {
        // One box of the sheet: chosen from its options (none: nothing marked).
        out += "<select id=\"" + htmlEscape(input) + "\" name=\"" + htmlEscape(input) + where + "><option value=\"\"" +
               (f.value.empty() ? " selected" : "") + ">（なし）</option>";
        for (const forms::CheckOption& o : t->options) {
          out += "<option value=\"" + htmlEscape(o.value) + "\"" + std::string(o.value == f.value ? " selected" : "") + ">" +
                 htmlEscape(o.value) + "</option>";
        }
        if (!f.value.empty() && std::none_of(t->options.begin(), t->options.end(),
                                             [&](const forms::CheckOption& o) { return o.value == f.value; })) {
          out += "<option value=\"" + htmlEscape(f.value) + "\" selected>" + htmlEscape(f.value) + "</option>";
        }
        out += "</select>";
      } else if (multiline) {
        out += "<textarea id=\"" + htmlEscape(input) + "\" name=\"" + htmlEscape(input) + "\" data-page=\"" +
               std::to_string(p.page) + "\" data-box=\"" + box + "\">" + htmlEscape(f.value) + "</textarea>";
      } else {
        out += "<input id=\"" + htmlEscape(input) + "\" name=\"" + htmlEscape(input) + "\" value=\"" +
               htmlEscape(f.value) + "\" data-page=\"" + std::to_string(p.page) + "\" data-box=\"" + box + "\">";
      }
      out += "<span class=\"status\">" +
             std::string(f.accepted ? (f.confirmedBy.empty() ? "自動採用" : "確認済") : "要確認") + "</span>";
      if (open && !f.reason.empty()) out += "<span class=\"reason\">" + htmlEscape(reasonText(f.reason)) + "</span>";
      if (choice && !t->exactlyOne) {
        std::string options;
        for (const forms::CheckOption& o : t->options) options += (options.empty() ? "" : "、") + o.value;
        out += "<span class=\"reason\">選択肢：" + htmlEscape(options) + "（複数はカンマ「,」区切り）</span>";
      }
      out += "</div>";
    }
    out += "</fieldset>";
  }
  out += "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"confirm\" id=\"confirm\">すべて確定して送信"
         "</button><label>却下の理由<input name=\"reject_reason\" id=\"reject_reason\"></label><button type=\"submit\" "
         "name=\"action\" value=\"reject\" id=\"reject\" class=\"danger\">却下</button></div></form></main></body></html>";
  return out;
}

const char* const kReviewScript = R"JS(
// Keyboard-first review: the focused field's box is highlighted on its page; Enter moves to the
// next field; Ctrl+Enter confirms the sheet.
document.addEventListener('DOMContentLoaded', () => {
  const fields = Array.from(document.querySelectorAll('#review [data-box]'));
  const show = (el) => {
    document.querySelectorAll('.highlight').forEach((h) => { h.hidden = true; });
    const [x, y, w, h, pw, ph] = el.dataset.box.split(',').map(Number);
    const figure = document.querySelector('.page[data-page="' + el.dataset.page + '"]');
    if (!figure || !pw || !ph || !w) return;
    const mark = figure.querySelector('.highlight');
    mark.style.left = (100 * x / pw) + '%';
    mark.style.top = (100 * y / ph) + '%';
    mark.style.width = (100 * w / pw) + '%';
    mark.style.height = (100 * h / ph) + '%';
    mark.hidden = false;
    mark.scrollIntoView({block: 'nearest'});
  };
  fields.forEach((el, i) => {
    el.addEventListener('focus', () => show(el));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        document.getElementById('confirm').click();
      } else if (e.key === 'Enter' && (el.tagName === 'INPUT' || el.tagName === 'SELECT')) {
        e.preventDefault();
        const next = fields[i + 1];
        if (next) next.focus(); else document.getElementById('confirm').focus();
      }
    });
  });
  // Enter anywhere else in the form (a candidate, the reason to reject) sends nothing: the form's
  // first button is not necessarily the confirmation.
  const form = document.getElementById('review');
  if (form) {
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && e.target.tagName !== 'TEXTAREA' &&
          e.target.tagName !== 'BUTTON') {
        e.preventDefault();
      }
    });
  }
  const first = document.querySelector('#review .field.open [data-box]') || fields[0];
  if (first) first.focus();
});
)JS";

const char* const kReviewStyle = R"CSS(
body { font-family: "IPAGothic", "Noto Sans CJK JP", sans-serif; margin: 0; color: #111; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #1d3557; color: #fff; }
header a { color: #fff; font-weight: bold; } header .who { margin-left: auto; } header form { margin: 0; }
main { padding: 1em; } .login { max-width: 24em; margin: 4em auto; } .login label { display: block; margin: .8em 0; }
.login input { display: block; width: 100%; font-size: 1.1em; }
.error { color: #b00020; font-weight: bold; } .notice { color: #1b5e20; font-weight: bold; }
table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: .3em .6em; }
.document { display: grid; grid-template-columns: minmax(0, 1fr) minmax(22em, 30em); gap: 1em; }
.document h1, .document > .error { grid-column: 1 / -1; }
.pages { max-height: 85vh; overflow: auto; } .page { position: relative; margin: 0 0 1em; }
.page img { width: 100%; border: 1px solid #999; display: block; }
.highlight { position: absolute; border: 3px solid #e63946; background: rgba(230, 57, 70, .15); pointer-events: none; }
.fields { max-height: 85vh; overflow: auto; } fieldset { margin-bottom: 1em; }
.field { display: grid; grid-template-columns: 9em 1fr auto; gap: .2em .5em; align-items: center; padding: .2em; }
.field.open { background: #fff3cd; } .masked { background: #e3f2fd; padding: .4em; margin: 0 0 .4em; }
.patient { border: 1px solid #90caf9; padding: .4em; margin-bottom: .6em; } .candidate { display: block; padding: .2em 0; }
.candidate .why { display: block; margin-left: 1.6em; font-size: .85em; color: #37474f; } .candidate .number { color: #37474f; } .field .reason { grid-column: 2 / -1; font-size: .85em; color: #7a4b00; }
.field input, .field textarea, .field select { font-size: 1.05em; width: 100%; box-sizing: border-box; }
.field :focus { outline: 3px solid #e63946; } .status { font-size: .85em; white-space: nowrap; }
.actions { display: flex; gap: 1em; align-items: center; flex-wrap: wrap; margin-top: 1em; }
.actions button { font-size: 1.05em; padding: .4em 1em; } .danger { background: #b00020; color: #fff; }
)CSS";

}  // namespace renkei::adapters
