// The fax review page's routes (see review_handler.h).
#include "review_handler.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "renkei/core/json_log.h"
#include "renkei/forms/fax_submission.h"
#include "renkei/forms/form_renderer.h"
#include "renkei/pipeline/pipeline.h"
#include "review_pages.h"

namespace renkei::adapters {
namespace {

constexpr const char* kCookie = "renkei_review";

/// application/x-www-form-urlencoded → name → value (the last one wins).
std::map<std::string, std::string> formFields(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t amp = body.find('&', start);
    const std::string pair = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    const std::size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    for (std::string* s : {&name, &value}) {
      for (char& c : *s) {
        if (c == '+') c = ' ';
      }
      std::string decoded;
      try {
        Poco::URI::decode(*s, decoded);
      } catch (const Poco::Exception&) {
        decoded.clear();
      }
      *s = decoded;
    }
    if (!name.empty()) out[name] = value;
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

std::string cookieValue(const net::HttpRequest& request) {
  const std::string header(request.header("cookie"));
  const std::string key = std::string(kCookie) + "=";
  for (std::size_t at = 0; (at = header.find(key, at)) != std::string::npos; at += key.size()) {
    if (at == 0 || header[at - 1] == ' ' || header[at - 1] == ';') {
      const std::size_t end = header.find(';', at);
      return header.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
    }
  }
  return "";
}

net::HttpResponse html(int status, std::string body) {
  return net::HttpResponse(status, std::move(body), "text/html; charset=utf-8");
}

net::HttpResponse redirect(const std::string& to) {
  net::HttpResponse r(303, "");
  r.headers.emplace_back("Location", to);
  return r;
}

void secure(net::HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                         "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");  // no-referrer would make Origin "null"
  r.headers.emplace_back("Cache-Control", "no-store");
}

/// "/faxes/12" → 12, "/faxes/12/pages/1.png" → 12 and page 1; 0 when not such a path.
int64_t documentId(const std::string& path, int* page) {
  constexpr std::string_view kPrefix = "/faxes/";
  if (path.compare(0, kPrefix.size(), kPrefix) != 0) return 0;
  std::size_t end = kPrefix.size();
  while (end < path.size() && end - kPrefix.size() < 18 && std::isdigit(static_cast<unsigned char>(path[end]))) ++end;
  if (end == kPrefix.size()) return 0;
  const int64_t id = std::stoll(path.substr(kPrefix.size(), end - kPrefix.size()));
  const std::string rest = path.substr(end);
  if (rest.empty()) return id;
  if (page != nullptr && rest.rfind("/pages/", 0) == 0 && rest.size() > 11 && rest.size() < 16 &&
      rest.compare(rest.size() - 4, 4, ".png") == 0) {
    const std::string number = rest.substr(7, rest.size() - 11);
    if (!number.empty() && number.find_first_not_of("0123456789") == std::string::npos) {
      *page = std::stoi(number);
      return id;
    }
  }
  return 0;
}

}  // namespace

net::HttpHandler::Admission ReviewHandler::admit(net::HttpRequest& head) {
  Admission a;
  a.authenticated = sessions_.find(cookieValue(head), pipeline::systemNowMs()).has_value();
  return a;
}

net::HttpResponse ReviewHandler::handle(net::HttpRequest& request) {
  const int64_t now = pipeline::systemNowMs();
  net::HttpResponse r;
  try {
    r = route(request, now);
  } catch (const std::exception& e) {
    JsonLog::write(LogLevel::Error, "fax_review_error", {{"source", source_}, {"error", e.what()}});
    r = html(500, loginPage("内部エラーが発生しました。"));
  }
  secure(r);
  return r;
}

net::HttpResponse ReviewHandler::route(net::HttpRequest& request, int64_t nowMs) {
  const std::string& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD", post = request.method == "POST";
  if (get && path == "/review.js") return net::HttpResponse(200, kReviewScript, "text/javascript; charset=utf-8");
  if (get && path == "/review.css") return net::HttpResponse(200, kReviewStyle, "text/css; charset=utf-8");
  if (get && path == "/login") return html(200, loginPage(""));
  if (post) {
    // A form posted from another origin is never ours (SameSite=Strict keeps the cookie away too).
    const std::string origin(request.header("origin")), host(request.header("host"));
    if (!origin.empty() && origin != "http://" + host && origin != "https://" + host) {
      return html(403, loginPage("別のサイトからの送信は受け付けません。"));
    }
  }
  if (post && path == "/login") return login(request, nowMs);
  std::optional<ReviewSession> session = sessions_.find(cookieValue(request), nowMs);
  if (!session) return get ? redirect("/login") : html(401, loginPage("ログインしてください。"));
  if (post && formFields(request.body)["csrf"] != session->csrf) {
    return html(403, loginPage("フォームの有効期限が切れました。もう一度操作してください。"));
  }
  if (post && path == "/logout") {
    sessions_.logout(session->token);
    net::HttpResponse r = redirect("/login");
    r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
    return r;
  }
  if (get && (path == "/" || path == "/faxes")) {
    auto documents = store_->faxDocuments(session->account.organization, store::kFaxReview, 500);
    if (!documents.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
    const std::string notice = request.query.rfind("sent=", 0) == 0   ? "送信しました（FAX " + request.query.substr(5) + "）。"
                               : request.query.rfind("rejected=", 0) == 0 ? "却下しました（FAX " + request.query.substr(9) + "）。"
                                                                           : "";
    return html(200, queuePage(session->account.name, session->csrf, documents.value(), notice));
  }
  int page = 0;
  const int64_t id = documentId(path, &page);
  if (id > 0 && get && page > 0) return pageImage(*session, id, page, nowMs);
  if (id > 0 && get) return document(request, *session, id, nowMs);
  if (id > 0 && post && page == 0) return decide(request, *session, id, nowMs);
  return html(404, loginPage("ページが見つかりません。"));
}

net::HttpResponse ReviewHandler::login(const net::HttpRequest& request, int64_t nowMs) {
  auto fields = formFields(request.body);
  ReviewSession session;
  switch (sessions_.login(fields["user"], fields["password"], nowMs, session)) {
    case ReviewSessions::Outcome::Locked:
      JsonLog::write(LogLevel::Warn, "fax_review_locked", {{"source", source_}});
      return html(429, loginPage("ログインの失敗が続いたため、しばらくログインできません。"));
    case ReviewSessions::Outcome::Refused:
      return html(401, loginPage("ユーザー名またはパスワードが違います。"));
    case ReviewSessions::Outcome::LoggedIn:
      break;
  }
  net::HttpResponse r = redirect("/faxes");
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + session.token +
                                           "; Path=/; HttpOnly; Secure; SameSite=Strict");
  audit(session, "LOGIN", "/login", 303, nowMs);
  return r;
}

std::optional<store::FaxDocument> ReviewHandler::owned(const ReviewSession& session, int64_t id,
                                                        const std::string& method, const std::string& path,
                                                        int64_t nowMs, net::HttpResponse& refusal) {
  auto found = store_->faxDocument(id);
  if (!found.ok()) {
    refusal = html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
    return std::nullopt;
  }
  if (!found->has_value()) {
    refusal = html(404, loginPage("このFAXはありません。"));
    return std::nullopt;
  }
  if (found->value().organization != session.account.organization) {
    audit(session, method, path, 403, nowMs);
    refusal = html(403, loginPage("このFAXを見る権限がありません。"));
    return std::nullopt;
  }
  return std::move(found->value());
}

net::HttpResponse ReviewHandler::document(const net::HttpRequest& request, const ReviewSession& session, int64_t id,
                                          int64_t nowMs) {
  net::HttpResponse refusal;
  auto doc = owned(session, id, "VIEW", request.path, nowMs, refusal);
  if (!doc) return refusal;
  auto pages = forms::readingsFromJson(doc->reading);
  if (!pages.ok()) return html(500, loginPage("読み取り結果を表示できません。"));
  audit(session, "VIEW", request.path, 200, nowMs, doc->messageId);
  return shown(200, session, *doc, pages.value(), nowMs, "");
}

net::HttpResponse ReviewHandler::shown(int status, const ReviewSession& session, const store::FaxDocument& doc,
                                       const std::vector<forms::PageReading>& pages, int64_t nowMs,
                                       const std::string& message) {
  return html(status, documentPage(session.account.name, session.csrf, doc, pages, forms_,
                                   candidatesFor(doc.organization, pages, nowMs), message));
}

std::map<int, std::vector<PatientCandidate>> ReviewHandler::candidatesFor(const std::string& organization,
                                                                          const std::vector<forms::PageReading>& pages,
                                                                          int64_t nowMs) {
  std::map<int, std::vector<PatientCandidate>> out;
  for (const forms::PageReading& page : pages) {
    const forms::FormTemplate* form = forms_.byId(page.form);
    if (!masksPatientName(form, page)) continue;
    auto found = candidates_.forPage(organization, *form, page, nowMs);
    if (!found.ok()) {
      JsonLog::write(LogLevel::Warn, "fax_review_candidates_failed", {{"source", source_}, {"error", found.status().message()}});
    }
    out[page.page] = found.ok() ? std::move(found).value() : std::vector<PatientCandidate>{};
  }
  return out;
}

net::HttpResponse ReviewHandler::pageImage(const ReviewSession& session, int64_t id, int page, int64_t nowMs) {
  net::HttpResponse refusal;
  const std::string path = "/faxes/" + std::to_string(id) + "/pages/" + std::to_string(page) + ".png";
  auto doc = owned(session, id, "VIEW", path, nowMs, refusal);
  if (!doc) return refusal;
  auto images = forms::readPageImages(doc->image);
  auto pages = forms::readingsFromJson(doc->reading);
  if (!images.ok() || !pages.ok() || page > int(images->size())) return html(404, loginPage("ページがありません。"));
  forms::GrayPage& image = images.value()[std::size_t(page - 1)];
  if (std::size_t(page) <= pages->size() && pages.value()[std::size_t(page - 1)].upsideDown) forms::turnUpsideDown(image);
  auto png = forms::encodePng(image);
  if (!png.ok()) return html(500, loginPage("画像を表示できません。"));
  return net::HttpResponse(200, std::move(png).value(), "image/png");
}

net::HttpResponse ReviewHandler::decide(const net::HttpRequest& request, const ReviewSession& session, int64_t id,
                                        int64_t nowMs) {
  net::HttpResponse refusal;
  auto doc = owned(session, id, "DECIDE", request.path, nowMs, refusal);
  if (!doc) return refusal;
  auto fields = formFields(request.body);
  auto pages = forms::readingsFromJson(doc->reading);
  if (!pages.ok()) return html(500, loginPage("読み取り結果を読めません。"));
  const auto answer = [&](int status, const std::string& message) {
    return shown(status, session, *doc, pages.value(), nowMs, message);
  };
  if (doc->state != store::kFaxReview || fields["version"] != std::to_string(doc->version)) {
    return answer(409, "ほかの担当者がこのFAXを更新しました。表示し直してから確認してください。");
  }
  doc->updatedBy = session.account.user;
  doc->updatedMs = nowMs;
  if (fields["action"] == "reject") {
    doc->state = store::kFaxRejected;
    // The reason stays with the reading (the page's problem), not in the logs.
    for (forms::PageReading& page : pages.value()) {
      page.problem = "rejected by " + session.account.user + (fields["reject_reason"].empty() ? "" : ": " + fields["reject_reason"]);
    }
    doc->reading = forms::readingsJson(pages.value());
    auto saved = store_->updateFaxDocument(*doc);
    if (!saved.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
    audit(session, "REJECT", request.path, 303, nowMs);
    return redirect("/faxes?rejected=" + std::to_string(id));
  }
  const auto chosen = [&](const forms::PageReading& p) { return fields["p." + std::to_string(p.page)]; };
  if (fields["action"] == "candidates" || fields["action"].rfind("reread:", 0) == 0) {
    // The values and patients as the person left them, not confirmed: shown again with who they
    // may be about, or kept while one page is read again.
    for (forms::PageReading& p : pages.value()) {
      for (forms::FieldReading& f : p.fields) {
        auto given = fields.find("f." + std::to_string(p.page) + "." + f.name);
        if (given != fields.end()) f.value = given->second;
      }
      p.identity.reset();
      if (!chosen(p).empty()) p.identity = forms::PatientIdentity{chosen(p), "", ""};
    }
    if (fields["action"] != "candidates") return reread(request, session, *doc, pages.value(), fields, nowMs);
    audit(session, "VIEW", request.path, 200, nowMs);
    return answer(200, "");
  }
  // Every field the person saw is now theirs: corrected where they changed it, confirmed where not.
  for (forms::PageReading& p : pages.value()) {
    p.problem.clear();
    for (forms::FieldReading& f : p.fields) {
      auto given = fields.find("f." + std::to_string(p.page) + "." + f.name);
      const std::string value = given != fields.end() ? given->second : f.value;
      if (!f.accepted || value != f.value) {
        f.value = value;
        f.accepted = true;
        f.reason.clear();
        f.confirmedBy = session.account.name;
      }
    }
    // The patient the person chose among their organization's (checked again here: a posted
    // record of another organization is refused, not applied).
    p.identity.reset();
    if (chosen(p).empty()) continue;
    auto known = candidates_.record(doc->organization, chosen(p));
    if (!known.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
    if (!known->has_value()) {
      audit(session, "IDENTIFY", request.path, 422, nowMs);
      return answer(422, std::to_string(p.page) + "ページ目：選んだ患者はこの事業所の利用者に見つかりません。");
    }
    p.identity = forms::PatientIdentity{chosen(p), session.account.name, known->value().patient};
  }
  forms::FaxEvidence evidence{doc->image, doc->name, doc->sha256, doc->receivedMs, {session.account.name}};
  auto submitted = forms::submitFaxPages(intake_, forms_, pages.value(), evidence, source_, doc->organization,
                                         "fax-review:" + std::to_string(doc->id));
  if (!submitted.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
  doc->reading = forms::readingsJson(pages.value());
  if (!submitted->committed) {
    // The values stay as the person left them; the page says what the sheet still lacks.
    auto saved = store_->updateFaxDocument(*doc);
    if (saved.ok() && saved.value()) ++doc->version;
    std::string problems;
    for (const forms::PageReading& p : pages.value()) {
      if (!p.problem.empty()) problems += std::to_string(p.page) + "ページ目：" + p.problem + "　";
    }
    audit(session, "CONFIRM", request.path, 422, nowMs);
    return answer(422, "この内容では送信できません。" + problems);
  }
  doc->state = store::kFaxSubmitted;
  doc->messageId = submitted->messageIds.empty() ? 0 : submitted->messageIds.front();
  auto saved = store_->updateFaxDocument(*doc);
  if (!saved.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
  audit(session, "CONFIRM", request.path, 303, nowMs, doc->messageId);
  for (const forms::PageReading& p : pages.value()) {
    if (p.identity) audit(session, "IDENTIFY", request.path, 303, nowMs, doc->messageId);
  }
  JsonLog::write(LogLevel::Info, "fax_review_submitted",
                 {{"source", source_}, {"document", std::to_string(doc->id)},
                  {"messages", std::to_string(submitted->messageIds.size())}});
  return redirect("/faxes?sent=" + std::to_string(id));
}

net::HttpResponse ReviewHandler::reread(const net::HttpRequest& request, const ReviewSession& session,
                                        store::FaxDocument& doc, std::vector<forms::PageReading>& pages,
                                        std::map<std::string, std::string>& fields, int64_t nowMs) {
  const std::string number = fields["action"].substr(7);
  const int page = number.size() > 0 && number.size() < 4 && number.find_first_not_of("0123456789") == std::string::npos
                       ? std::stoi(number)
                       : 0;
  if (page < 1 || std::size_t(page) > pages.size()) return html(404, loginPage("ページがありません。"));
  const auto answer = [&](int status, const std::string& message) {
    return shown(status, session, doc, pages, nowMs, message);
  };
  auto read = rereader_.read(doc.image, page, fields["form." + number]);
  if (!read.ok()) {
    audit(session, "REREAD", request.path, 422, nowMs);
    return answer(422, number + "ページ目を読み取れませんでした。");
  }
  pages[std::size_t(page - 1)] = std::move(read).value();
  doc.reading = forms::readingsJson(pages);
  if (doc.form.empty()) doc.form = pages[std::size_t(page - 1)].form;
  auto saved = store_->updateFaxDocument(doc);
  if (!saved.ok()) return html(503, loginPage("ストアに接続できません。しばらくしてからお試しください。"));
  if (!saved.value()) return answer(409, "ほかの担当者がこのFAXを更新しました。表示し直してから確認してください。");
  audit(session, "REREAD", request.path, 303, nowMs);
  return redirect("/faxes/" + std::to_string(doc.id));
}

void ReviewHandler::audit(const ReviewSession& session, const std::string& method, const std::string& path, int status,
                          int64_t nowMs, int64_t messageId) {
  store::AuditRecord record;
  record.atMs = nowMs;
  record.source = source_;
  record.client = session.account.user;
  record.organization = session.account.organization;
  record.method = method;
  record.path = path;
  record.status = status;
  record.messageId = messageId;
  if (messageId > 0) record.viewed = {messageId};
  const Status written = store_->recordAudit({record});
  if (!written.ok()) JsonLog::write(LogLevel::Warn, "fax_review_audit_failed", {{"source", source_}, {"error", written.message()}});
}

}  // namespace renkei::adapters
