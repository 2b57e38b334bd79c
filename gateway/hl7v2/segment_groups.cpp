// Cutting a message into the groups a repeated segment starts: each PRB with its ZPR and ORC, each
// ORC with its RXE, TQ1 and RXR, each IAM. A group reads like a message of its own, its segments
// first and then those of the message's header (MSH, PID, PV1) it does not have itself.
#include <algorithm>

#include "renkei/hl7v2/message.h"

namespace renkei::hl7v2 {

std::vector<SegmentGroup> Message::groups(std::string_view segmentId) const {
  std::vector<SegmentGroup> out;
  const auto isAnchor = [&](const Segment& s) { return s.id == segmentId; };
  const std::vector<Segment>& all = segments();
  const auto first = std::find_if(all.begin(), all.end(), isAnchor);
  for (auto at = first; at != all.end();) {
    const auto next = std::find_if(at + 1, all.end(), isAnchor);
    SegmentGroup group;
    group.message.delimiters_ = delimiters_;
    group.message.charset_ = charset_;
    group.message.text_ = text_;
    std::vector<Segment> members(at, next);
    for (auto header = all.begin(); header != first; ++header) {
      const bool owned = std::any_of(members.begin(), members.begin() + (next - at), [&](const Segment& s) { return s.id == header->id; });
      if (!owned) members.push_back(*header);
    }
    group.own = static_cast<std::size_t>(next - at);
    group.line = static_cast<std::size_t>(at - all.begin()) + 1;
    group.message.segments_ = std::make_shared<const std::vector<Segment>>(std::move(members));
    out.push_back(std::move(group));
    at = next;
  }
  return out;
}

bool SegmentGroup::owns(std::string_view segmentId) const {
  const auto& segments = message.segments();
  return std::any_of(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(own),
                     [&](const Segment& s) { return s.id == segmentId; });
}

}  // namespace renkei::hl7v2
