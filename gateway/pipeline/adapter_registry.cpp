// AdapterRegistry bookkeeping and config member helpers.
#include "renkei/pipeline/adapter_registry.h"

namespace renkei::pipeline {

void AdapterRegistry::addSink(std::string type, std::string_view schema, SinkFactory factory) {
  sinks_[std::move(type)] = {schema, std::move(factory), nullptr};
}

void AdapterRegistry::addSource(std::string type, std::string_view schema, SourceFactory factory) {
  sources_[std::move(type)] = {schema, nullptr, std::move(factory)};
}

const AdapterType* AdapterRegistry::sink(std::string_view type) const {
  auto it = sinks_.find(type);
  return it == sinks_.end() ? nullptr : &it->second;
}

const AdapterType* AdapterRegistry::source(std::string_view type) const {
  auto it = sources_.find(type);
  return it == sources_.end() ? nullptr : &it->second;
}

std::string configString(const rapidjson::Value& v, const char* key, std::string fallback) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : fallback;
}

std::vector<std::string> configStrings(const rapidjson::Value& v, const char* key) {
  std::vector<std::string> out;
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& s : it->value.GetArray()) {
    if (s.IsString()) out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

int64_t configInt(const rapidjson::Value& v, const char* key, int64_t fallback) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : fallback;
}

bool configBool(const rapidjson::Value& v, const char* key, bool fallback) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsBool() ? it->value.GetBool() : fallback;
}

Result<mapping::MappingParameters> configMappingParameters(const rapidjson::Value& v, const char* key) {
  mapping::MappingParameters out;
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsObject()) return out;
  for (const auto& [name, value] : it->value.GetObject()) {
    if (value.IsString()) out[name.GetString()] = value.GetString();
  }
  RENKEI_RETURN_IF_ERROR(mapping::checkMappingParameters(out));
  return out;
}

}  // namespace renkei::pipeline
