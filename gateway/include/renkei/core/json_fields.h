// Reading fields of a parsed JSON resource (RapidJSON) without asserting on its shape: a string
// member or "", a member or null, each element of a member that may be one value or an array.
#pragma once

#include <string>

#include <rapidjson/document.h>

namespace renkei::json {

inline const rapidjson::Value* member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

inline std::string str(const rapidjson::Value& v, const char* key) {
  const rapidjson::Value* m = member(v, key);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : "";
}

template <typename F>
void each(const rapidjson::Value& v, const char* key, F&& f) {
  const rapidjson::Value* m = member(v, key);
  if (m == nullptr) return;
  if (m->IsArray()) {
    for (const auto& e : m->GetArray()) f(e);
  } else {
    f(*m);
  }
}

}  // namespace renkei::json
