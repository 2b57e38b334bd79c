// The page's Patient made the known patient a reviewer chose (see patient_identity.h).
#include "renkei/forms/patient_identity.h"

#include <string>

#include "renkei/core/json_fields.h"
#include "renkei/mapping/mapping.h"
#include "renkei/matching/match_keys.h"

namespace renkei::forms {
namespace {

using json::str;
using rapidjson::Value;

std::string identifierKey(const Value& identifier) {
  return identifier.IsObject() ? str(identifier, "system") + "|" + str(identifier, "value") : "";
}

/// A name element with nothing in it, or any part of it masked (●京●郎, ○田, initials).
bool maskedOrEmpty(const Value& names) {
  if (!names.IsArray() || names.Empty()) return true;
  for (const Value& n : names.GetArray()) {
    if (!n.IsObject()) continue;
    if (matching::looksMasked(str(n, "text")) || matching::looksMasked(str(n, "family"))) return true;
    auto given = n.FindMember("given");
    if (given == n.MemberEnd() || !given->value.IsArray()) continue;
    for (const Value& g : given->value.GetArray()) {
      if (g.IsString() && matching::looksMasked(g.GetString())) return true;
    }
  }
  return false;
}

void dropPendingTag(Value& resource) {
  auto meta = resource.FindMember("meta");
  if (meta == resource.MemberEnd() || !meta->value.IsObject()) return;
  auto tags = meta->value.FindMember("tag");
  if (tags == meta->value.MemberEnd() || !tags->value.IsArray()) return;
  for (auto t = tags->value.Begin(); t != tags->value.End();) {
    t = t->IsObject() && str(*t, "system") == mapping::kIdentityStatusSystem ? tags->value.Erase(t) : t + 1;
  }
  if (tags->value.Empty()) meta->value.RemoveMember("tag");
  if (meta->value.ObjectEmpty()) resource.RemoveMember("meta");
}

}  // namespace

Status applyPatientIdentity(rapidjson::Document& bundle, const PatientIdentity& identity) {
  rapidjson::Document known;
  known.Parse(identity.patient.c_str(), identity.patient.size());
  if (known.HasParseError() || !known.IsObject() || str(known, "resourceType") != "Patient") {
    return Status::invalidInput("the chosen patient's record holds no Patient");
  }
  auto knownIds = known.FindMember("identifier");
  bool carries = false;
  if (knownIds != known.MemberEnd() && knownIds->value.IsArray()) {
    for (const Value& id : knownIds->value.GetArray()) carries = carries || identifierKey(id) == identity.record;
  }
  if (!carries) return Status::invalidInput("the chosen patient does not carry the identifier of its record");

  Value* patient = nullptr;
  auto entries = bundle.FindMember("entry");
  if (entries != bundle.MemberEnd() && entries->value.IsArray()) {
    for (Value& e : entries->value.GetArray()) {
      auto resource = e.FindMember("resource");
      if (resource == e.MemberEnd() || !resource->value.IsObject()) continue;
      dropPendingTag(resource->value);  // every resource the masked name made pending
      if (patient == nullptr && str(resource->value, "resourceType") == "Patient") patient = &resource->value;
    }
  }
  if (patient == nullptr) return Status::invalidInput("the page's mapping made no Patient to identify");
  auto& a = bundle.GetAllocator();

  // The known record's identifiers first (the registry names a record by its first), then the
  // fax's own that the known Patient lacks.
  Value identifiers(knownIds->value, a);
  auto own = patient->FindMember("identifier");
  if (own == patient->MemberEnd()) {
    patient->AddMember("identifier", identifiers, a);
  } else {
    if (own->value.IsArray()) {
      for (Value& id : own->value.GetArray()) {
        bool present = false;
        for (const Value& k : identifiers.GetArray()) present = present || identifierKey(k) == identifierKey(id);
        if (!present) identifiers.PushBack(Value(id, a), a);
      }
    }
    own->value = identifiers;
  }
  const auto take = [&](const char* key, bool replace) {
    auto from = known.FindMember(key);
    if (from == known.MemberEnd()) return;
    auto to = patient->FindMember(key);
    if (to == patient->MemberEnd()) {
      patient->AddMember(Value(key, a), Value(from->value, a), a);
    } else if (replace) {
      to->value.CopyFrom(from->value, a);
    }
  };
  auto names = patient->FindMember("name");
  take("name", names != patient->MemberEnd() && maskedOrEmpty(names->value));
  take("birthDate", false);
  take("gender", false);
  return Status::okStatus();
}

}  // namespace renkei::forms
