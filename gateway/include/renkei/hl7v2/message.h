// HL7 v2 (ER7) messages as hospitals write them into SS-MIX2 storage and send over MLLP: the
// delimiters from MSH, the character set from MSH-18 (ISO-2022-JP "ISO IR87" — with the NEC
// extensions vendors put in it, such as ① —, Shift_JIS read as CP932, UTF-8) decoded to UTF-8
// before anything is split, segments separated by CR (CRLF and LF tolerated), and values read by
// paths such as "PID-5[2].1" with their escapes resolved. A message can be cut into the groups a
// repeated segment starts (each PRB with its ZPR, each ORC with its RXE, TQ1 and RXR), each read
// with the same paths.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::hl7v2 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

struct Limits {
  std::size_t maxBytes = 8u << 20;
  std::size_t maxSegments = 20000;
  std::size_t maxFieldsPerSegment = 1000;
};

/// One segment: its id and its fields as written (escapes not yet resolved). fields[n] is field
/// n (1-based; fields[0] is the id); for MSH, fields[1] is the field separator itself. The fields
/// are views of the message's decoded text, valid as long as a Message holding them lives.
struct Segment {
  std::string id;
  std::vector<std::string_view> fields;
};

/// A path to a value, "SEG[n]-field[rep].component.subcomponent": every index 1-based and all but
/// the field optional ("PID-3", "PID-5[2].1", "OBX[3]-5", "MSH-9.2"). The repetition may instead
/// be chosen by one of its components: "PID-5[8=P].1" is the family name of the first repetition
/// whose component 8 is P (the phonetic name), "PID-3[5=].1" the first id without a type. Parsed
/// once, read in many messages.
struct FieldPath {
  char segment[3] = {};
  std::size_t segmentIndex = 1;
  std::size_t field = 0;
  std::size_t repetition = 1;
  std::size_t component = 0;     ///< 0: the whole repetition
  std::size_t subcomponent = 0;  ///< 0: the whole component
  std::size_t selectComponent = 0;  ///< > 0: the repetition whose this component is selectValue
  std::string selectValue;

  /// InvalidInput for a malformed path.
  static Result<FieldPath> parse(std::string_view text);
  bool inSegment(std::string_view id) const {
    return id.size() == 3 && id[0] == segment[0] && id[1] == segment[1] && id[2] == segment[2];
  }
};

/// `bytes` without what may come before a message's MSH: a UTF-8 byte order mark, an MLLP start
/// block left around a stored message, and blank lines.
std::string_view withoutLeadIn(std::string_view bytes);

/// One occurrence of a repeated segment and the segments after it up to the next occurrence,
/// readable as a message of its own (see Message::groups).
struct SegmentGroup;

class Message {
 public:
  /// InvalidInput for what is not an HL7 v2 message (no MSH, bad encoding characters, bytes the
  /// character set cannot decode — the error names the segment, never its content); TooLarge
  /// past a limit. Each thread remembers the last message it parsed: parsing the same bytes
  /// with the same limits again right after (a source, then its mapping) costs a reference:
  /// copies of a Message share its text and segments, which never change once parsed.
  static Result<Message> parse(std::string_view bytes, const Limits& limits = {});

  const Delimiters& delimiters() const { return delimiters_; }
  const std::vector<Segment>& segments() const;
  /// The character set the bytes were read as: "ISO-2022-JP", "CP932" or "UTF-8".
  const std::string& charset() const { return charset_; }

  /// The value at `path`, escapes resolved, "" when the message does not have it. A path is
  /// SEG[n]-field[rep].component.subcomponent, every index 1-based and all but the field optional:
  /// "PID-3", "PID-5[2].1", "OBX[3]-5", "MSH-9.2". InvalidInput for a malformed path.
  Result<std::string> value(std::string_view path) const;
  /// The same for a path parsed before.
  std::string value(const FieldPath& path) const;
  /// Every repetition of a field ("PID-5": the kanji and the kana names), as written.
  Result<std::vector<std::string>> repetitions(std::string_view path) const;
  /// MSH-9 as "ADT^A08" (message type ^ trigger event).
  std::string type() const;

  /// The message cut at each `segmentId` segment (e.g. "PRB"): one group per occurrence, holding
  /// that segment and the segments after it up to the next occurrence, then the segments before
  /// the first occurrence (MSH, PID, PV1) whose ids the group lacks. A path read on a group finds
  /// the group's own segments, else the message's header; segments of other groups are not there.
  std::vector<SegmentGroup> groups(std::string_view segmentId) const;

 private:
  static Result<Message> parseOnce(std::string_view bytes, const Limits& limits);
  std::string unescape(std::string_view text) const;
  /// The first repetition of `field` whose component path.selectComponent is path.selectValue.
  std::optional<std::string_view> selectedRepetition(std::string_view field, const FieldPath& path) const;
  /// The text of a \X..\ escape's hex digits in the message's character set; nullopt when they
  /// are not hex, do not decode, make no character or a control character.
  std::optional<std::string> hexText(std::string_view hex) const;

  Delimiters delimiters_;
  std::shared_ptr<const std::string> text_;  ///< the decoded text the segments' fields view
  std::shared_ptr<const std::vector<Segment>> segments_;  ///< null only in a default Message
  std::string charset_;
};

struct SegmentGroup {
  Message message;         ///< the group's own segments first, then the header's others
  std::size_t line = 0;    ///< the 1-based number of the group's first segment in the message
  std::size_t own = 0;     ///< how many of message.segments() are the group's own

  /// Whether the group itself holds a segment with this id (not only the header).
  bool owns(std::string_view segmentId) const;
};

}  // namespace renkei::hl7v2
