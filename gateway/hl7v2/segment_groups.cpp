// Cutting a message into the groups a repeated segment starts: each PRB with its ZPR and ORC, each
// ORC with its RXE, TQ1 and RXR, each IAM. A group reads like a message of its own, its segments
// first and then those of the message's header (MSH, PID, PV1) it does not have itself.
#include <algorithm>

#include "renkei/hl7v2/message.h"

namespace renkei::hl7v2 {

std::vector<SegmentGroup> Message::groups(std::string_view segmentId) const {
  std::vector<SegmentGroup> out;
  const auto isAnchor = [&](const Segment& s) { return s.id == segmentId; };
  const auto first = std::find_if(segments_.begin(), segments_.end(), isAnchor);
  for (auto at = first; at != segments_.end();) {
    const auto next = std::find_if(at + 1, segments_.end(), isAnchor);
    SegmentGroup group;
    group.message.delimiters_ = delimiters_;
    group.message.charset_ = charset_;
    group.message.text_ = text_;
    group.message.segments_.assign(at, next);
    group.own = group.message.segments_.size();
    group.line = static_cast<std::size_t>(at - segments_.begin()) + 1;
    for (auto header = segments_.begin(); header != first; ++header) {
      if (!group.owns(header->id)) group.message.segments_.push_back(*header);
    }
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
