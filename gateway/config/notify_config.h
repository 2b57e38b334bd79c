// Reads a care-team route's "notify" object into a NotifyPolicy.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/care/notifications.h"
#include "renkei/config/gateway_config.h"

namespace renkei::config {

/// The route's notify policy, or nullopt when it has none; problems go to `errors`.
std::optional<care::NotifyPolicy> notifyPolicy(const rapidjson::Value& route, const std::string& at,
                                               const std::set<std::string>& sinkNames,
                                               std::vector<ConfigError>& errors);

}  // namespace renkei::config
