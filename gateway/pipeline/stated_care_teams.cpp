// The CareTeams of a message's statements (see stated_care_teams.h).
#include "renkei/pipeline/stated_care_teams.h"

#include <map>

#include <rapidjson/document.h>

#include "renkei/pipeline/search_parameters.h"

namespace renkei::pipeline {

std::vector<store::ResourceCopy> statedCareTeams(const routing::MessageFacts& facts,
                                                 const care::CareDirectory* directory) {
  std::vector<store::ResourceCopy> out;
  const std::string& patient = facts.patientKey;
  if (facts.statedCareTeam.empty() || patient.find('|') == std::string::npos) return out;
  std::map<std::string, std::vector<const care::StatedMember*>> byRole;
  for (const care::StatedMember& m : facts.statedCareTeam) byRole[m.role].push_back(&m);
  for (const auto& [role, members] : byRole) {
    std::vector<care::StatedMember> listed;
    std::vector<std::string> references;
    for (const care::StatedMember* m : members) {
      listed.push_back(*m);
      references.push_back(directory != nullptr ? directory->directoryEntry(*m) : "");
    }
    store::ResourceCopy team;
    team.type = "CareTeam";
    team.id = care::statedCareTeamId(patient, role);
    team.json = care::statedCareTeamJson(team.id, patient, role, listed, references);
    rapidjson::Document doc;
    doc.Parse(team.json.data(), team.json.size());
    team.search = searchValues(doc);
    team.update = true;
    out.push_back(std::move(team));
  }
  return out;
}

}  // namespace renkei::pipeline
