// The endpoint's CapabilityStatement: exactly the interactions, search parameters and operations
// FhirApi implements, for every concrete resource type of the loaded definitions.
#include "api_support.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/fhir_api/fhir_api.h"
#include "renkei/fhir/structure.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

ApiResponse FhirApi::capabilityStatement() const {
  // Exactly what is implemented: create (conditional with If-None-Exist), update, delete, read,
  // vread, history and search of every concrete resource type, $validate, transaction and batch,
  // $process-message.
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  auto operation = [&](const char* name, const char* definition) {
    w.StartObject();
    w.Key("name");
    w.String(name);
    w.Key("definition");
    w.String(definition);
    w.EndObject();
  };
  w.StartObject();
  w.Key("resourceType");
  w.String("CapabilityStatement");
  w.Key("status");
  w.String("active");
  w.Key("date");
  w.String("2026-11-21");
  w.Key("kind");
  w.String("instance");
  w.Key("software");
  w.StartObject();
  w.Key("name");
  w.String("Renkei");
  w.Key("version");
  w.String("0.1.0");
  w.EndObject();
  w.Key("fhirVersion");
  w.String("4.0.1");
  w.Key("format");
  w.StartArray();
  w.String("application/fhir+json");
  w.String("application/fhir+xml");
  w.EndArray();
  w.Key("rest");
  w.StartArray();
  w.StartObject();
  w.Key("mode");
  w.String("server");
  w.Key("documentation");
  w.String("Every write is answered only after it is durably committed, then validated and routed "
           "to its recipients. Each organization has its own id space; a client reads and "
           "searches what its organization wrote and what was routed to it. The directory "
           "(Organization, Practitioner, PractitionerRole, HealthcareService, Location, "
           "Endpoint) is shared: every client reads it, and an id one organization holds cannot "
           "be taken by another. Updates are versioned (ETag, If-Match); a delete is a version "
           "too (read answers 410) and reaches every recipient the resource went to; searches "
           "take one-level "
           "chains, _include and _revinclude, tokens :text and strings :exact.");
  w.Key("security");
  w.StartObject();
  w.Key("description");
  w.String("Per API client, bound to one organization: an opaque bearer token, an RS256 JWT it "
           "signs, or its TLS client certificate; SMART backend-services scopes "
           "system/<type>.read|write; TLS 1.2 or later.");
  w.EndObject();
  const std::vector<std::string> indexedTypes = pipeline::indexedTypes();
  w.Key("resource");
  w.StartArray();
  for (const fhir::StructureDef* sd : definitions_->structures()) {
    if (sd->kind != fhir::StructureKind::Resource || sd->abstract || sd->isConstraint) continue;
    w.StartObject();
    w.Key("type");
    w.String(sd->type);
    w.Key("interaction");
    w.StartArray();
    for (const char* code :
         {"create", "update", "delete", "read", "vread", "history-instance", "search-type"}) {
      w.StartObject();
      w.Key("code");
      w.String(code);
      w.EndObject();
    }
    w.EndArray();
    w.Key("versioning");
    w.String("versioned-update");
    w.Key("readHistory");
    w.Bool(false);
    w.Key("updateCreate");
    w.Bool(true);
    w.Key("conditionalCreate");
    w.Bool(true);
    w.Key("conditionalUpdate");
    w.Bool(true);
    w.Key("conditionalDelete");
    w.String("not-supported");
    w.Key("searchParam");
    w.StartArray();
    std::vector<std::pair<std::string, std::string>> params = {{"_id", "token"}};
    for (const pipeline::SearchParameter& p : pipeline::searchParametersOf(sd->type)) {
      std::pair<std::string, std::string> param{p.name, pipeline::searchKindName(p.kind)};
      if (std::find(params.begin(), params.end(), param) == params.end()) params.push_back(param);
    }
    for (const auto& [name, kind] : params) {
      w.StartObject();
      w.Key("name");
      w.String(name);
      w.Key("type");
      w.String(kind);
      w.EndObject();
    }
    w.EndArray();
    std::vector<std::string> includes, revincludes;
    for (const pipeline::SearchParameter& p : pipeline::searchParametersOf(sd->type)) {
      if (p.kind == pipeline::SearchKind::Reference) {
        includes.push_back(sd->type + ":" + std::string(p.name));
      }
    }
    for (const std::string& source : indexedTypes) {
      for (const pipeline::SearchParameter& p : pipeline::searchParametersOf(source)) {
        if (p.kind == pipeline::SearchKind::Reference && (p.target.empty() || p.target == sd->type)) {
          revincludes.push_back(source + ":" + std::string(p.name));
        }
      }
    }
    for (const auto& [key, values] :
         {std::pair{"searchInclude", &includes}, {"searchRevInclude", &revincludes}}) {
      if (values->empty()) continue;
      w.Key(key);
      w.StartArray();
      for (const std::string& v : *values) w.String(v);
      w.EndArray();
    }
    w.Key("operation");
    w.StartArray();
    operation("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("interaction");
  w.StartArray();
  for (const char* code : {"transaction", "batch"}) {
    w.StartObject();
    w.Key("code");
    w.String(code);
    w.EndObject();
  }
  w.EndArray();
  w.Key("operation");
  w.StartArray();
  operation("process-message", "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message");
  operation("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return withBody(200, buffer.GetString());
}

}  // namespace renkei::fhir_api
