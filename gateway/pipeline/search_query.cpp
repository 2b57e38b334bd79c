// Parses a FHIR search query, and decides criteria against one resource's index values (see
// search_query.h).
#include "renkei/pipeline/search_query.h"

#include <algorithm>
#include <cctype>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "renkei/pipeline/search_parameters.h"
#include "renkei/pipeline/search_values.h"
#include "renkei/routing/municipalities.h"

namespace renkei::pipeline {
namespace {

/// A date criterion with FHIR's prefixes; partial dates (e.g. 1942) cover their whole period.
store::SearchCriterion dateCriterion(const std::string& param, std::string value) {
  std::string prefix = "eq";
  if (value.size() > 2 && std::isalpha(static_cast<unsigned char>(value[0]))) {
    prefix = value.substr(0, 2);
    value.erase(0, 2);
  }
  const bool partial = value.size() < 10;
  // '~' sorts after every digit and '-': "1950~" is after every date in 1950.
  if (prefix == "gt") return {param, ">", partial ? value + "~" : value};
  if (prefix == "le") return {param, "<=", partial ? value + "~" : value};
  if (prefix == "ge") return {param, ">=", value};
  if (prefix == "lt") return {param, "<", value};
  return {param, partial ? "prefix" : "=", value};
}

std::vector<std::string> splitCommas(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    out.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

/// The index (parameter name, value) one search value of `p` looks up; "" value: not valid.
std::pair<std::string, std::string> indexKey(const SearchParameter& p, std::string v,
                                             std::string& error) {
  const std::string name(p.name);
  switch (p.kind) {
    case SearchKind::Identifier:
      if (v.find('|') == std::string::npos) return {name + ":value", v};
      if (v.front() == '|') return {name + ":value", v.substr(1)};
      return {name, v};
    case SearchKind::Token:
      if (!v.empty() && v.front() == '|') v.erase(0, 1);
      return {name, v};
    case SearchKind::Reference: {
      const std::size_t history = v.find("/_history/");
      if (history != std::string::npos) v.resize(history);
      const std::size_t last = v.rfind('/');
      if (last == std::string::npos) {
        if (p.target.empty()) {
          error = "search parameter '" + name + "' needs Type/id (it may name several types)";
          return {name, ""};
        }
        return {name, std::string(p.target) + "/" + v};
      }
      const std::size_t typeStart = last == 0 ? std::string::npos : v.rfind('/', last - 1);
      return {name, typeStart == std::string::npos ? v : v.substr(typeStart + 1)};
    }
    case SearchKind::Municipality: {
      const routing::Municipality* m = routing::MunicipalityTable::tokyo().find(v);
      return {name, m ? m->code : v};
    }
    default:
      return {name, v};
  }
}

/// The criterion `p`=`value` is, or sets `error`.
store::SearchCriterion criterionFor(const SearchParameter& p, const std::string& value,
                                    std::string& error) {
  const std::string name(p.name);
  if (value.empty()) {
    error = "search parameter '" + name + "' has no value";
    return {};
  }
  if (p.kind == SearchKind::String) return {name, "prefix", normalizeName(value)};
  if (p.kind == SearchKind::Date) return dateCriterion(name, value);
  store::SearchCriterion c;
  for (const std::string& one : splitCommas(value)) {
    if (one.empty()) continue;
    auto [param, key] = indexKey(p, one, error);
    if (!error.empty()) return {};
    if (!c.param.empty() && c.param != param) {
      error = "search parameter '" + name + "' mixes values with and without a system";
      return {};
    }
    c.param = param;
    c.values.push_back(key);
  }
  if (c.values.empty()) {
    error = "search parameter '" + name + "' has no value";
    return {};
  }
  c.op = c.values.size() == 1 ? "=" : "in";
  c.value = c.values.front();
  if (c.op == "=") c.values.clear();
  return c;
}

/// "Source:param[:Target]" of _include/_revinclude, checked against the parameter table.
bool parseInclude(const std::string& value, IncludeSpec& out, std::string& error) {
  const std::size_t colon = value.find(':');
  if (colon == std::string::npos) {
    error = "_include and _revinclude take Type:parameter[:TargetType]";
    return false;
  }
  out.sourceType = value.substr(0, colon);
  out.param = value.substr(colon + 1);
  const std::size_t second = out.param.find(':');
  if (second != std::string::npos) {
    out.targetType = out.param.substr(second + 1);
    out.param.resize(second);
  }
  const SearchParameter* p = findSearchParameter(out.sourceType, out.param);
  if (!p || p->kind != SearchKind::Reference) {
    error = "'" + value + "' is not a reference search parameter this server supports";
    return false;
  }
  if (out.targetType.empty()) out.targetType = std::string(p->target);
  if (!out.targetType.empty() && !isResourceTypeName(out.targetType)) {
    error = "'" + out.targetType + "' is not a resource type";
    return false;
  }
  return true;
}

}  // namespace

SearchQuery parseSearchQuery(const std::string& type, const std::string& query) {
  SearchQuery out;
  std::size_t start = 0;
  while (start < query.size() && out.error.empty()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name, value;
    if (!decodeQueryPart(pair.substr(0, eq), name, false) ||
        (eq != std::string::npos && !decodeQueryPart(pair.substr(eq + 1), value, true))) {
      out.error = "the query string has a malformed percent-encoding";
      return out;
    }
    if (name == "_format") continue;
    if (name == "_count" || name == "_offset") {
      try {
        if (name == "_count") out.count = std::clamp<int64_t>(std::stoll(value), 1, 500);
        else out.offset = std::max<int64_t>(0, std::stoll(value));
      } catch (const std::exception&) {
        out.error = name + " must be a number";
      }
      continue;
    }
    if (name == "_include" || name == "_revinclude") {
      IncludeSpec spec;
      if (!parseInclude(value, spec, out.error)) return out;
      if (name == "_include" && spec.sourceType != type) {
        out.error = "_include=" + value + " does not start from " + type;
        return out;
      }
      (name == "_include" ? out.includes : out.revincludes).push_back(spec);
      continue;
    }
    if (name == "_id") {
      out.criteria.push_back({"_id", "=", value});
      continue;
    }
    const std::size_t dot = name.find('.');
    if (dot != std::string::npos) {
      std::string reference = name.substr(0, dot), target;
      const std::size_t colon = reference.find(':');
      if (colon != std::string::npos) {
        target = reference.substr(colon + 1);
        reference.resize(colon);
      }
      const SearchParameter* ref = findSearchParameter(type, reference);
      if (!ref || ref->kind != SearchKind::Reference) {
        out.error = "'" + reference + "' is not a reference search parameter of " + type;
        return out;
      }
      if (!target.empty() && !ref->target.empty() && target != ref->target) {
        out.error = "'" + reference + "' of " + type + " refers to " + std::string(ref->target) +
                    ", not " + target;
        return out;
      }
      if (target.empty()) target = std::string(ref->target);
      if (target.empty()) {
        out.error = "name the type to chain through: " + reference + ":Type." + name.substr(dot + 1);
        return out;
      }
      const SearchParameter* chained = findSearchParameter(target, name.substr(dot + 1));
      if (!chained) {
        out.error = "search parameter '" + name.substr(dot + 1) + "' is not supported on " + target;
        return out;
      }
      store::SearchCriterion c = criterionFor(*chained, value, out.error);
      if (!out.error.empty()) return out;
      auto same = std::find_if(out.chains.begin(), out.chains.end(), [&](const ChainedCriterion& x) {
        return x.param == reference && x.targetType == target;
      });
      if (same == out.chains.end()) out.chains.push_back({reference, target, {c}});
      else same->criteria.push_back(c);
      continue;
    }
    std::string modifier;
    const std::size_t colon = name.find(':');
    if (colon != std::string::npos) {
      modifier = name.substr(colon + 1);
      name.resize(colon);
    }
    const SearchParameter* p = findSearchParameter(type, name);
    if (!p) {
      out.error = "search parameter '" + name + "' is not supported on " + type +
                  " (see [base]/metadata)";
      return out;
    }
    if (modifier.empty()) {
      out.criteria.push_back(criterionFor(*p, value, out.error));
    } else if (modifier == "text" && p->kind == SearchKind::Token && !value.empty()) {
      out.criteria.push_back({name + ":text", "prefix", normalizeName(value)});
    } else if (modifier == "exact" && p->kind == SearchKind::String && !value.empty()) {
      out.criteria.push_back({name, "=", normalizeName(value)});
    } else {
      out.error = "the modifier ':" + modifier + "' is not supported on '" + name +
                  "' (tokens take :text, strings :exact)";
    }
  }
  return out;
}

bool isResourceTypeName(std::string_view s) {
  return !s.empty() && s[0] >= 'A' && s[0] <= 'Z' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
         });
}

bool decodeQueryPart(const std::string& encoded, std::string& decoded, bool plusAsSpace) {
  decoded.clear();
  try {
    Poco::URI::decode(encoded, decoded, plusAsSpace);
  } catch (const Poco::SyntaxException&) {
    return false;
  }
  return true;
}

namespace {

/// The store's LIKE pattern without its wildcards: search syntax has none.
std::string withoutWildcards(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c != '%' && c != '_' && c != '\\') out += c;
  }
  return out;
}

bool meets(const std::string& value, const store::SearchCriterion& c) {
  if (c.op == "in") return std::find(c.values.begin(), c.values.end(), value) != c.values.end();
  if (c.op == "prefix") return value.rfind(withoutWildcards(c.value), 0) == 0;
  if (c.op == ">=") return value >= c.value;
  if (c.op == "<=") return value <= c.value;
  if (c.op == ">") return value > c.value;
  if (c.op == "<") return value < c.value;
  return value == c.value;
}

}  // namespace

bool meetsCriteria(std::string_view id, const std::vector<std::pair<std::string, std::string>>& values,
                   const std::vector<store::SearchCriterion>& criteria) {
  for (const store::SearchCriterion& c : criteria) {
    if (c.param == "_id") {
      if (id != c.value) return false;
      continue;
    }
    const bool any = std::any_of(values.begin(), values.end(), [&](const auto& v) {
      return v.first == c.param && meets(v.second, c);
    });
    if (!any) return false;
  }
  return true;
}

}  // namespace renkei::pipeline
