// Reading a filled form page by page (see form_reader.h).
#include "renkei/forms/form_reader.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/forms/qr_codes.h"
#include "renkei/matching/match_keys.h"
#include "renkei/forms/registration.h"
#include "renkei/forms/zone_image.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::forms {
namespace {

constexpr double kOcrDpi = 300;       // zones are read at about this resolution
constexpr double kBlankInk = 0.002;   // a zone with less ink than this is empty
constexpr double kCheckedInk = 0.10;  // a check box at least this dark is marked …
constexpr double kClearInk = 0.04;    // … at most this dark is clear; between: a person decides

/// Every character the code list's entries use: a reading limited to them.
std::string whitelistOf(const std::vector<std::string>& codes) {
  std::set<std::string> chars;
  for (const std::string& code : codes) {
    for (std::size_t i = 0; i < code.size();) {
      const auto c = static_cast<unsigned char>(code[i]);
      const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      chars.insert(code.substr(i, n));
      i += n;
    }
  }
  std::string out;
  for (const std::string& c : chars) out += c;
  return out;
}

Box onPage(const Affine& map, const Box& b) {
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (const auto& [x, y] : {std::pair{b.x, b.y}, {b.x + b.w, b.y}, {b.x, b.y + b.h}, {b.x + b.w, b.y + b.h}}) {
    const auto [px, py] = map.apply(x, y);
    x0 = std::min(x0, px), y0 = std::min(y0, py), x1 = std::max(x1, px), y1 = std::max(y1, py);
  }
  return {std::round(x0), std::round(y0), std::round(x1 - x0), std::round(y1 - y0)};
}

Box inset(const Box& b, double dx, double dy) { return {b.x + dx, b.y + dy, b.w - 2 * dx, b.h - 2 * dy}; }

/// Shares of the title's characters found in what was read (0–1).
double titleSimilarity(const std::string& read, const std::string& title) {
  const std::u32string r = matching::codePoints(read), t = matching::codePoints(title);
  if (t.empty()) return 0;
  std::size_t hits = 0;
  for (char32_t c : t) hits += std::find(r.begin(), r.end(), c) != r.end();
  return double(hits) / double(t.size());
}

struct Attempt {
  std::string value;
  double confidence = 0;
  std::vector<Verdict> verdicts;
  bool agree = true;  ///< the digits engine read the same digits
};

/// The glyph (run of inked columns) each symbol stands for. Tesseract's LSTM places its symbols
/// only roughly: each is taken as the glyph nearest to where it says the symbol is, after the
/// median offset between the two.
std::vector<std::size_t> glyphsOfSymbols(const std::vector<InkSpan>& glyphs, const std::vector<Symbol>& symbols) {
  double shift = 0;
  const auto glyphOf = [&](const Symbol& s) {
    std::size_t best = 0;
    for (std::size_t g = 1; g < glyphs.size(); ++g) {
      const auto distance = [&](std::size_t k) {
        return std::fabs((glyphs[k].x0 + glyphs[k].x1) / 2.0 - (s.x + s.w / 2.0 + shift));
      };
      if (distance(g) < distance(best)) best = g;
    }
    return best;
  };
  std::vector<double> offsets;
  for (const Symbol& s : symbols) {
    const InkSpan& g = glyphs[glyphOf(s)];
    offsets.push_back((g.x0 + g.x1) / 2.0 - (s.x + s.w / 2.0));
  }
  if (!offsets.empty()) {
    std::nth_element(offsets.begin(), offsets.begin() + offsets.size() / 2, offsets.end());
    shift = offsets[offsets.size() / 2];
  }
  std::vector<std::size_t> out;
  for (const Symbol& s : symbols) out.push_back(glyphOf(s));
  return out;
}

/// Dark share (below 128) of the zone's pixels in [x0, x1) × [y0, y1).
double darkIn(const GrayPage& zone, int x0, int y0, int x1, int y1) {
  std::size_t dark = 0, all = 0;
  for (int y = std::max(0, y0); y < std::min(int(zone.height), y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(int(zone.width), x1); ++x, ++all) {
      dark += zone.pixels[std::size_t(y) * zone.width + std::size_t(x)] < 128;
    }
  }
  return all == 0 ? 0 : double(dark) / double(all);
}

/// The mask a glyph is — "●" (solid: ●, ■) or "○" (a ring: empty corners and centre, unlike 口,
/// and its own mirror image both ways) — or "" when it is none.
const char* maskMark(const GrayPage& zone, const InkSpan& g) {
  const int w = g.x1 - g.x0 + 1, h = g.y1 - g.y0 + 1;
  if (darkIn(zone, g.x0, g.y0, g.x1 + 1, g.y1 + 1) >= 0.65) return "●";
  const int cx = w / 8, cy = h / 8;  // corners: the outer eighth each way (outside a circle)
  const bool emptyCorners = darkIn(zone, g.x0, g.y0, g.x0 + cx, g.y0 + cy) < 0.08 &&
                            darkIn(zone, g.x1 + 1 - cx, g.y0, g.x1 + 1, g.y0 + cy) < 0.08 &&
                            darkIn(zone, g.x0, g.y1 + 1 - cy, g.x0 + cx, g.y1 + 1) < 0.08 &&
                            darkIn(zone, g.x1 + 1 - cx, g.y1 + 1 - cy, g.x1 + 1, g.y1 + 1) < 0.08;
  const bool emptyCentre = darkIn(zone, g.x0 + w * 3 / 10, g.y0 + h * 3 / 10, g.x1 + 1 - w * 3 / 10, g.y1 + 1 - h * 3 / 10) < 0.03;
  if (!emptyCorners || !emptyCentre) return "";
  // A ring is its own mirror image both ways (ウ, whose centre and corners are empty too, is not).
  const auto inked = [&](int x, int y) {
    for (int dy = -2; dy <= 2; ++dy) {
      for (int dx = -2; dx <= 2; ++dx) {
        const int px = x + dx, py = y + dy;
        if (px >= 0 && py >= 0 && px < int(zone.width) && py < int(zone.height) &&
            zone.pixels[std::size_t(py) * zone.width + std::size_t(px)] < 128) {
          return true;
        }
      }
    }
    return false;
  };
  std::size_t ink = 0, mirrored = 0;
  for (int y = g.y0; y <= g.y1; ++y) {
    for (int x = g.x0; x <= g.x1; ++x) {
      if (zone.pixels[std::size_t(y) * zone.width + std::size_t(x)] >= 128) continue;
      ++ink;
      mirrored += inked(g.x0 + g.x1 - x, y) && inked(x, g.y0 + g.y1 - y);
    }
  }
  return ink > 0 && double(mirrored) >= 0.9 * double(ink) ? "○" : "";
}

/// A masked name's marks (maskMark: glyphs of a character's size) read as such, for the fields the
/// mapping takes as the person's name (masked_identity): Tesseract reads them as whatever they
/// resemble (●携 as 久携, ○ as O), or not at all. Without a mark the reading is kept; with one, it
/// is rebuilt in order of position: every mark, and every symbol that does not start on one.
std::string withMaskMarks(const GrayPage& zone, const LineReading& line) {
  const std::vector<InkSpan> glyphs = inkSpans(zone);
  int tallest = 0;
  for (const InkSpan& g : glyphs) tallest = std::max(tallest, g.y1 - g.y0 + 1);
  std::vector<const char*> marks(glyphs.size(), "");
  bool any = false;
  for (std::size_t i = 0; i < glyphs.size(); ++i) {
    const InkSpan& g = glyphs[i];
    const int w = g.x1 - g.x0 + 1, h = g.y1 - g.y0 + 1;
    if (2 * h < tallest || 10 * w < 6 * h || 10 * w > 16 * h) continue;
    marks[i] = maskMark(zone, g);
    any = any || *marks[i] != '\0';
  }
  if (!any) return line.text;
  // A symbol that starts on a mark is the mark misread (a symbol's left edge is where the LSTM
  // puts it reliably; its width often runs on to the end of the line).
  const auto overMark = [&](const Symbol& s) {
    std::size_t at = 0;
    for (std::size_t g = 0; g < glyphs.size(); ++g) {
      if (glyphs[g].x0 <= s.x + 4) at = g;
    }
    return *marks[at] != '\0';
  };
  std::vector<std::pair<double, std::string>> items;
  for (const Symbol& s : line.symbols) {
    if (!overMark(s)) items.emplace_back(s.x + s.w / 2.0, s.text);
  }
  for (std::size_t g = 0; g < glyphs.size(); ++g) {
    if (*marks[g] != '\0') items.emplace_back((glyphs[g].x0 + glyphs[g].x1) / 2.0, marks[g]);
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& item : items) out += item.second;
  return out;
}

}  // namespace

std::string FormReader::digitsReadAgain(const GrayPage& zone, const LineReading& line, int dpi, bool& agree) {
  // A digit run's box also takes the glyphs beside it that no symbol claimed, so a digit the
  // first reading dropped is in what the digits engine reads.
  const std::vector<InkSpan> glyphs = inkSpans(zone);
  if (glyphs.empty()) {
    agree = line.symbols.empty();
    return line.text;
  }
  const std::vector<std::size_t> glyphIndex = glyphsOfSymbols(glyphs, line.symbols);
  const auto glyphOf = [&](std::size_t k) { return glyphIndex[k]; };
  // Separators at either end are dropped by the clean-up: they claim nothing. A glyph as tall as
  // a character that no symbol claims is something the reading missed: no agreement.
  const auto separator = [&](std::size_t k) {
    const std::string& t = line.symbols[k].text;
    return t == "." || t == "-" || t == "/";
  };
  std::size_t first = 0, last = line.symbols.size();
  while (first < last && separator(first)) ++first;
  while (last > first && separator(last - 1)) --last;
  std::vector<bool> claimed(glyphs.size(), false);
  for (std::size_t k = first; k < last; ++k) claimed[glyphOf(k)] = true;
  std::vector<int> heights;
  for (const InkSpan& g : glyphs) heights.push_back(g.y1 - g.y0);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const int typical = heights[heights.size() / 2];
  for (std::size_t g = 0; g < glyphs.size(); ++g) {
    if (!claimed[g] && glyphs[g].y1 - glyphs[g].y0 >= typical / 2) agree = false;
  }
  const auto isDigit = [&](std::size_t k) {
    return line.symbols[k].text.size() == 1 && line.symbols[k].text[0] >= '0' && line.symbols[k].text[0] <= '9';
  };
  std::string out;
  for (std::size_t i = 0; i < line.symbols.size();) {
    if (!isDigit(i)) {
      out += line.symbols[i++].text;
      continue;
    }
    std::string digits;
    std::size_t lo = glyphOf(i), hi = lo;
    for (; i < line.symbols.size() && isDigit(i); ++i) {
      digits += line.symbols[i].text;
      const std::size_t g = glyphOf(i);
      lo = std::min(lo, g), hi = std::max(hi, g);
    }
    while (lo > 0 && !claimed[lo - 1]) --lo;
    while (hi + 1 < glyphs.size() && !claimed[hi + 1]) ++hi;
    InkSpan run = glyphs[lo];
    for (std::size_t g = lo; g <= hi; ++g) {
      run = {run.x0, glyphs[g].x1, std::min(run.y0, glyphs[g].y0), std::max(run.y1, glyphs[g].y1)};
    }
    const std::string again = ocr_.readDigits(zone, run.x0 - 2, run.y0 - 2, run.x1 - run.x0 + 5, run.y1 - run.y0 + 5, dpi);
    if (again != digits) agree = false;
    out += again.size() == digits.size() ? again : digits;
  }
  return out;
}

bool PageReading::complete() const {
  return problem.empty() && std::all_of(fields.begin(), fields.end(), [](const FieldReading& f) { return f.accepted; });
}

Result<std::vector<PageReading>> FormReader::read(const std::string& bytes, const ReaderOptions& options) {
  auto images = readPageImages(bytes, options.limits);
  if (!images.ok()) return images.status();
  std::vector<PageReading> pages;
  int number = 0;
  for (GrayPage& image : images.value()) pages.push_back(readPage(std::move(image), ++number, options));
  return pages;
}

const FormTemplate* FormReader::identify(GrayPage& page, const ReaderOptions& options, std::string& problem) {
  if (!options.form.empty()) {
    const FormTemplate* form = forms_.byId(options.form);
    if (form == nullptr) problem = "no form named '" + options.form + "'";
    return form;
  }
  // Each template's code where it prints it (upright or the page turned), with a margin for
  // shift and skew: a small part of the page, not all of it, goes through zbar.
  for (const auto& candidate : forms_.all()) {
    if (!candidate->qrBox) continue;
    const double scale = double(page.width) / candidate->width, margin = 0.06 * page.width;
    const Box& q = *candidate->qrBox;
    const double w = q.w * scale + 2 * margin, h = q.h * scale + 2 * margin;
    const double x = q.x * scale - margin, y = q.y * scale - margin;
    for (const auto& [px, py] : {std::pair{x, y}, {page.width - x - w, page.height - y - h}}) {
      for (const std::string& code : qrCodes(page, int(px), int(py), int(w), int(h))) {
        if (const FormTemplate* form = forms_.byId(formIdOfCode(code))) return form;
      }
    }
  }
  // Without its code: the template whose marks register and whose title is read where it prints it.
  const FormTemplate* best = nullptr;
  double bestScore = 0.5;
  for (const auto& form : forms_.all()) {
    GrayPage copy = page;
    auto where = registerPage(copy, *form);
    if (!where.ok()) continue;
    const CleanZone title = cleanZone(sampleZone(copy, where->toPage, form->titleBox, kOcrDpi / form->dpi));
    const double score = titleSimilarity(ocr_.read(title.image, FieldType::Text, int(kOcrDpi)).text, form->title);
    if (score > bestScore) {
      best = form.get();
      bestScore = score;
    }
  }
  if (best == nullptr) problem = "no known form: neither a form's QR code nor its title was found";
  return best;
}

PageReading FormReader::readPage(GrayPage page, int number, const ReaderOptions& options) {
  PageReading out;
  out.page = number;
  const FormTemplate* form = identify(page, options, out.problem);
  if (form != nullptr) {
    out.form = form->id;
    auto where = registerPage(page, *form);
    if (!where.ok()) {
      out.problem = where.status().message();
    } else {
      out.upsideDown = where->upsideDown;
      ValidationContext context = options.context;
      context.mapping = form->mapping.get();
      for (const FieldTemplate& field : form->fields) {
        out.fields.push_back(field.type == FieldType::Checkbox ? readCheckboxes(page, *where, field)
                                                               : readField(page, *where, *form, field, context));
      }
    }
  }
  out.width = page.width;
  out.height = page.height;
  out.image = std::move(page);
  return out;
}

FieldReading FormReader::readField(const GrayPage& page, const Registration& where, const FormTemplate& form,
                                   const FieldTemplate& field, const ValidationContext& context) {
  FieldReading r;
  r.name = field.name;
  r.type = field.type;
  r.pageBox = onPage(where.toPage, field.box);
  if (field.type == FieldType::Handwriting) {
    r.reason = "handwriting: a person types it from the image";
    return r;
  }
  const Box zone = inset(field.box, 7, 6);
  const std::vector<std::string> codes = codeList(field, context);
  const std::string whitelist = whitelistOf(codes);
  // First reading at ~300 dpi; when a validator refuses it, again larger and at another threshold.
  const struct {
    double scale;
    int threshold;
  } passes[] = {{kOcrDpi / form.dpi, 160}, {kOcrDpi * 4 / 3 / form.dpi, 128}};
  // A date that exists can still be the wrong date: its digits are read again by the digits
  // engine, and the two models must agree.
  const bool crossCheck = field.type == FieldType::WarekiDate;
  // A field the mapping takes as the person's name may be masked: its marks are read as marks.
  bool holdsName = false;
  if (form.mapping != nullptr && (field.type == FieldType::Text || field.type == FieldType::Kana)) {
    for (const auto& resource : form.mapping->resources) {
      const auto& names = resource.maskedIdentity;
      holdsName = holdsName || std::find(names.begin(), names.end(), field.name) != names.end();
    }
  }
  std::vector<Attempt> attempts;
  for (const auto& pass : passes) {
    const CleanZone clean = cleanZone(sampleZone(page, where.toPage, zone, pass.scale), pass.threshold);
    Attempt a;
    if (clean.ink < kBlankInk) {
      a.confidence = 100;
      a.verdicts.push_back({"blank", true, true, "no ink in the box"});
    } else {
      const int dpi = int(std::lround(pass.scale * form.dpi));
      const LineReading line = ocr_.read(clean.image, field.type, dpi, whitelist);
      a.value = cleanReading(field.type, crossCheck ? digitsReadAgain(clean.image, line, dpi, a.agree)
                                         : holdsName ? withMaskMarks(clean.image, line)
                                                     : line.text);
      a.confidence = line.confidence;
      a.verdicts = validate(field, a.value, context);
    }
    attempts.push_back(std::move(a));
    if (!refused(attempts.back().verdicts)) break;
  }
  const Attempt* chosen = &attempts.front();
  for (const Attempt& a : attempts) {
    if (refused(chosen->verdicts) && !refused(a.verdicts)) chosen = &a;
  }
  const bool disagree = !chosen->agree;
  r.value = chosen->value;
  r.confidence = chosen->confidence;
  r.verdicts = chosen->verdicts;
  bool nearCode = false;
  if (!codes.empty() && !r.value.empty() && refused(r.verdicts)) {
    // Not a code as read: the one code within one character of it is offered to the person.
    std::vector<const std::string*> near;
    for (const std::string& code : codes) {
      if (matching::editDistance(matching::codePoints(code), matching::codePoints(r.value), 1) <= 1) {
        near.push_back(&code);
      }
    }
    if (near.size() == 1) {
      r.value = *near.front();
      r.verdicts = validate(field, r.value, context);
      nearCode = true;
    }
  }
  const double threshold = field.confidence.value_or(form.acceptConfidence);
  if (field.type == FieldType::FreeText) {
    r.reason = "clinical free text is always confirmed by a person";
  } else if (nearCode) {
    r.reason = "read as the nearest code of the list, not as written";
  } else if (disagree && !refused(r.verdicts)) {
    r.reason = "the digits engine reads other digits";
  } else if (refused(r.verdicts)) {
    for (const Verdict& v : r.verdicts) {
      if (!v.passed) r.reason = v.validator + ": " + v.note;
    }
  } else if (!proven(r.verdicts)) {
    r.reason = "no validator proves the value";
  } else if (r.confidence < threshold) {
    r.reason = "confidence " + std::to_string(int(r.confidence)) + " below " + std::to_string(int(threshold));
  }
  r.accepted = r.reason.empty();
  return r;
}

FieldReading FormReader::readCheckboxes(const GrayPage& page, const Registration& where, const FieldTemplate& field) {
  FieldReading r;
  r.name = field.name;
  r.type = field.type;
  std::vector<std::string> marked;
  bool unsure = false;
  double margin = 1;  // how far the least clear box is from the undecided band, 0–1
  Box all = field.options.front().box;
  for (const CheckOption& option : field.options) {
    const Box& b = option.box;
    all = {std::min(all.x, b.x), std::min(all.y, b.y), std::max(all.x + all.w, b.x + b.w) - std::min(all.x, b.x),
           std::max(all.y + all.h, b.y + b.h) - std::min(all.y, b.y)};
    const double ink = darkShare(sampleZone(page, where.toPage, inset(b, b.w * 0.2, b.h * 0.2), 1));
    if (ink >= kCheckedInk) {
      marked.push_back(option.value);
      margin = std::min(margin, std::min(1.0, (ink - kCheckedInk) / kCheckedInk));
    } else if (ink <= kClearInk) {
      margin = std::min(margin, (kClearInk - ink) / kClearInk);
    } else {
      unsure = true;
    }
  }
  r.pageBox = onPage(where.toPage, all);
  for (std::size_t i = 0; i < marked.size(); ++i) r.value += (i > 0 ? "," : "") + marked[i];
  r.confidence = unsure ? 0 : 50 + 50 * margin;
  const bool ruleHolds = field.exactlyOne ? marked.size() == 1 : true;
  r.verdicts.push_back({field.exactlyOne ? "exactly_one" : "any", ruleHolds && !unsure, ruleHolds && !unsure,
                        unsure ? "a box is neither clearly marked nor clearly empty"
                               : ruleHolds ? "" : std::to_string(marked.size()) + " boxes marked"});
  r.accepted = proven(r.verdicts);
  if (!r.accepted) r.reason = r.verdicts.back().note;
  return r;
}

Result<std::vector<PageReading>> readingsFromJson(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("pages") || !d["pages"].IsArray()) {
    return Status::invalidInput("not a stored reading");
  }
  const auto text = [](const rapidjson::Value& o, const char* key) {
    auto it = o.FindMember(key);
    return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
  };
  const auto number = [](const rapidjson::Value& o, const char* key) {
    auto it = o.FindMember(key);
    return it != o.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0.0;
  };
  std::vector<PageReading> pages;
  for (const auto& p : d["pages"].GetArray()) {
    if (!p.IsObject()) return Status::invalidInput("not a stored reading");
    PageReading page;
    page.page = int(number(p, "page"));
    page.form = text(p, "form");
    page.problem = text(p, "problem");
    page.upsideDown = p.HasMember("upside_down") && p["upside_down"].IsBool() && p["upside_down"].GetBool();
    page.width = uint32_t(number(p, "width"));
    page.height = uint32_t(number(p, "height"));
    if (p.HasMember("fields") && p["fields"].IsArray()) {
      for (const auto& f : p["fields"].GetArray()) {
        if (!f.IsObject()) return Status::invalidInput("not a stored reading");
        FieldReading r;
        r.name = text(f, "name");
        r.type = fieldTypeNamed(text(f, "type")).value_or(FieldType::Text);
        r.value = text(f, "value");
        r.confidence = number(f, "confidence");
        r.accepted = text(f, "status") == "accepted";
        r.reason = text(f, "reason");
        r.confirmedBy = text(f, "confirmed_by");
        if (f.HasMember("validators") && f["validators"].IsArray()) {
          for (const auto& v : f["validators"].GetArray()) {
            if (!v.IsObject()) continue;
            r.verdicts.push_back({text(v, "validator"), v.HasMember("passed") && v["passed"].IsBool() && v["passed"].GetBool(),
                                  v.HasMember("proves") && v["proves"].IsBool() && v["proves"].GetBool(), text(v, "note")});
          }
        }
        if (f.HasMember("box") && f["box"].IsArray() && f["box"].Size() == 4) {
          const auto& b = f["box"];
          if (b[0].IsNumber() && b[1].IsNumber() && b[2].IsNumber() && b[3].IsNumber()) {
            r.pageBox = {b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble()};
          }
        }
        page.fields.push_back(std::move(r));
      }
    }
    auto identity = p.FindMember("patient");
    if (identity != p.MemberEnd() && identity->value.IsObject()) {
      page.identity = PatientIdentity{text(identity->value, "record"), text(identity->value, "identified_by"), ""};
    }
    pages.push_back(std::move(page));
  }
  return pages;
}

std::map<std::string, std::string> fieldValues(const PageReading& page) {
  std::map<std::string, std::string> out;
  for (const FieldReading& f : page.fields) out[f.name] = f.value;
  return out;
}

namespace {

std::string readingsJsonOf(const std::vector<const PageReading*>& pages) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("pages");
  w.StartArray();
  for (const PageReading* page : pages) {
    const PageReading& p = *page;
    w.StartObject();
    w.Key("page");
    w.Int(p.page);
    w.Key("form");
    if (p.form.empty()) w.Null(); else w.String(p.form.c_str());
    if (!p.problem.empty()) {
      w.Key("problem");
      w.String(p.problem.c_str());
    }
    w.Key("upside_down");
    w.Bool(p.upsideDown);
    w.Key("width");
    w.Uint(p.width);
    w.Key("height");
    w.Uint(p.height);
    w.Key("fields");
    w.StartArray();
    for (const FieldReading& f : p.fields) {
      w.StartObject();
      w.Key("name");
      w.String(f.name.c_str());
      w.Key("type");
      w.String(fieldTypeName(f.type));
      w.Key("value");
      w.String(f.value.c_str());
      w.Key("confidence");
      w.Double(std::round(f.confidence * 10) / 10);
      w.Key("validators");
      w.StartArray();
      for (const Verdict& v : f.verdicts) {
        w.StartObject();
        w.Key("validator");
        w.String(v.validator.c_str());
        w.Key("passed");
        w.Bool(v.passed);
        w.Key("proves");
        w.Bool(v.proves);
        if (!v.note.empty()) {
          w.Key("note");
          w.String(v.note.c_str());
        }
        w.EndObject();
      }
      w.EndArray();
      w.Key("status");
      w.String(f.accepted ? "accepted" : "review");
      if (!f.reason.empty()) {
        w.Key("reason");
        w.String(f.reason.c_str());
      }
      if (!f.confirmedBy.empty()) {
        w.Key("confirmed_by");
        w.String(f.confirmedBy.c_str());
      }
      w.Key("box");
      w.StartArray();
      for (double v : {f.pageBox.x, f.pageBox.y, f.pageBox.w, f.pageBox.h}) w.Int(int(v));
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    if (p.identity) {
      w.Key("patient");
      w.StartObject();
      w.Key("record");
      w.String(p.identity->record.c_str());
      w.Key("identified_by");
      w.String(p.identity->identifiedBy.c_str());
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

std::string readingsJson(const std::vector<PageReading>& pages) {
  std::vector<const PageReading*> all;
  for (const PageReading& p : pages) all.push_back(&p);
  return readingsJsonOf(all);
}

std::string readingsJson(const PageReading& page) { return readingsJsonOf({&page}); }

}  // namespace renkei::forms
