// The durable store behind the pipeline: raw inputs (content-addressed), messages and their
// states, and the outbox (one row per message and destination). One interface, two
// implementations (SQLite embedded, PostgreSQL shared by several instances), one conformance suite.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::store {

/// Message states: RECEIVED → ROUTED | UNROUTED | FAILED (normalization or validation failed).
inline constexpr const char* kReceived = "RECEIVED";
inline constexpr const char* kRouted = "ROUTED";
inline constexpr const char* kUnrouted = "UNROUTED";
inline constexpr const char* kFailed = "FAILED";
/// Delivery states: QUEUED → SENT | RETRYING → … | DEAD.
inline constexpr const char* kQueued = "QUEUED";
inline constexpr const char* kRetrying = "RETRYING";
/// Not sent while the patient's consent does not allow it; queued again when it does.
inline constexpr const char* kHeld = "HELD";
inline constexpr const char* kSent = "SENT";
inline constexpr const char* kDead = "DEAD";

/// Notification states (see care/notifications.h). An urgent notification's delivery is queued
/// at once and the notification is AWAITING its acknowledgement → ACKED, or ESCALATED when its
/// deadline passes first (→ ACKED later still). A routine one waits as DIGEST for its recipient's
/// daily digest → DIGESTED.
inline constexpr const char* kAwaiting = "AWAITING";
inline constexpr const char* kAcked = "ACKED";
inline constexpr const char* kEscalated = "ESCALATED";
inline constexpr const char* kInDigest = "DIGEST";
inline constexpr const char* kDigested = "DIGESTED";

/// What a source hands over: the bytes and where they came from.
struct RawInput {
  std::string source;          ///< configured source name
  std::string sender;          ///< organization or peer, when known
  std::string name;            ///< file name or request path
  std::string idempotencyKey;  ///< the source's key; SHA-256 of the bytes when empty
  std::string bytes;
  /// What kind of write this is, kept with the message so that routing it later (after a
  /// crash) treats it the same; opaque to the store (see pipeline/write_intent.h).
  std::string writeIntent;
  /// SHA-256 of `bytes` (hex) when the caller computed it already (outside the commit, in
  /// parallel); the store computes it when empty.
  std::string sha256 = {};
};

struct IntakeReceipt {
  int64_t messageId = 0;
  bool duplicate = false;  ///< the same (source, key) was already committed
  std::string sha256;      ///< of the stored bytes (for a duplicate: the original's)
  std::string state;       ///< the (original) message's state
  std::string error;       ///< the (original) message's error, for FAILED
};

struct StoredMessage {
  int64_t id = 0;
  std::string source, sender, name, idempotencyKey, sha256, state, error, routing, writeIntent;
  int64_t receivedMs = 0;
  int64_t duplicates = 0;
};

/// Makes a care-team delivery a notification: told once per fact and recipient, urgent ones
/// acknowledged (or escalated), routine ones gathered into a daily digest.
struct NotificationPlan {
  std::string factKey;  ///< the same fact for the same recipient is one notification
  std::string token;    ///< what an acknowledgement or a faxed-back reply names it by
  bool urgent = false;
  int64_t dueMs = 0;    ///< urgent: acknowledge by then; routine: when its digest goes out
  std::string escalateTo;  ///< urgent: sinks told when it is not acknowledged (comma-separated)
  std::string recipientOrganization;  ///< the organization that may acknowledge it over the API
  std::string summary;  ///< JSON the digest and the escalation are written from
};

/// One delivery the router decided on, before it is queued.
struct PlannedDelivery {
  std::string destination;
  std::string orderingKey;  ///< deliveries with the same (destination, key) go out in order
  /// The one recipient this delivery is for, when the destination is a channel several share
  /// (JSON from the care directory, see care/care_directory.h); empty otherwise.
  std::string recipient = {};
  /// Why consent holds it back: recorded HELD with this reason instead of QUEUED ("" : send).
  std::string held = {};
  /// What the sink gets instead of the message's canonical content ("" : the message itself).
  std::string payload = {};
  /// Set: this delivery is a notification. A fact already notified to this recipient queues
  /// nothing; a routine one queues nothing now (its digest will).
  std::optional<NotificationPlan> notification = {};
};

/// A resource a message carries, under its server id (see pipeline/resource_ids.h). Resources
/// are named by (type, id, organization): each organization has its own id space.
struct ResourceCopy {
  std::string type;
  std::string id;
  std::string json;
  std::vector<std::pair<std::string, std::string>> search;  ///< (parameter, value) to index
  /// False: a server-assigned id, stored once as version 1. True: the client named the resource
  /// (PUT); it becomes the next version of the organization's resource, or version 1. An update
  /// with empty `json` deletes: a version without content (a tombstone) when the resource exists.
  bool update = false;
  int64_t ifMatch = 0;  ///< for an update: the version the client expects to replace (0: any)
  /// The id is shared by every organization (the directory): an update may not create an id
  /// another organization already holds.
  bool sharedId = false;
  // Filled in by recordRouting:
  int64_t version = 0;  ///< the version this message's content has
  bool created = false; ///< this message created the resource
  bool changed = false; ///< this message wrote a new version (not the same content again)
};

/// One search criterion: `param` compared with `value` by `op` ("=", "prefix", ">=", "<=", ">", "<"),
/// or equal to any of `values` ("in"; none matches nothing).
struct SearchCriterion {
  std::string param;
  std::string op;
  std::string value;
  std::vector<std::string> values = {};
};

/// Whose resources a reader may see: its organization's own, and those of messages routed to
/// the destinations that deliver to it; every organization's for the shared directory.
struct ReadScope {
  std::string organization;
  std::vector<std::string> destinations;
  bool everyOrganization = false;
};

/// A delivery of a message that wrote some resource: where it went, for whom, in which line.
struct PastDelivery {
  std::string destination, recipient, orderingKey;
};

struct StoredResource {
  std::string type, id;
  int64_t version = 0;
  std::string organization;  ///< the sender of the message that wrote this version
  int64_t messageId = 0;
  int64_t updatedMs = 0;
  std::string content;
};

/// The outcome of normalizing and routing one message, committed with its outbox rows at once.
/// The registry's states of a sender's patient record (011_patient_registry.sql).
inline constexpr const char* kLinked = "LINKED";    ///< belongs to its person (alone or not)
inline constexpr const char* kReview = "REVIEW";    ///< a person decides among its candidates
inline constexpr const char* kPending = "PENDING";  ///< masked: waits for a person or the sender

/// A sender's patient record in the patient registry: the person it belongs to and why.
struct PatientLink {
  std::string organization;  ///< the sender
  std::string record;        ///< its patient: an identifier "system|value", else "Patient/id"
  std::string person;        ///< the registry's person id
  std::string state;         ///< kLinked, kReview or kPending
  int64_t score = 0;         ///< of the match that linked it (0: alone)
  std::string candidates;    ///< REVIEW, PENDING: JSON [{organization, record, person, score, reasons}]
  std::string identifiers;   ///< JSON array of "system|value"
  std::string patient;       ///< the Patient resource (JSON) last seen for the record
  std::string decidedBy;     ///< the person who decided it; "" when the machine did
  int64_t updatedMs = 0;
};

/// One decision of the registry: auto-link, new, review, pending (the machine's), link, separate
/// (a person's).
struct MatchEvent {
  int64_t id = 0, atMs = 0;
  std::string organization, record, action, person, actor;
  int64_t score = 0;
  int64_t messageId = 0;  ///< the message whose patient it decided (0: a person's decision)
};

struct PatientLinkFilter {
  std::string state;                      ///< "" any
  std::string person;                     ///< "" any
  std::string organization;               ///< "" any; set alone: that sender's records
  std::string record;                     ///< with organization: that one record
  std::string afterOrganization, afterRecord;  ///< paging, in (organization, record) order
  int64_t limit = 1000;
};

/// What routing decided about a message's patient: the record as it is now, and the event
/// (empty action: nothing new to say). Not applied over a person's decision.
struct PatientLinkPlan {
  PatientLink link;
  std::string action;
  int64_t score = 0;
};

struct RoutingOutcome {
  int64_t messageId = 0;
  std::string state;     ///< kRouted, kUnrouted or kFailed
  std::string error;     ///< for kFailed: the reason (an OperationOutcome JSON)
  std::string routing;   ///< what matched and why (JSON)
  std::string canonical; ///< the canonical FHIR JSON the sinks render from
  std::vector<PlannedDelivery> deliveries;
  std::vector<ResourceCopy> resources;  ///< stored under the message's sender
  /// CareTeams keeping what the message says of who cares for its patient (stated_care_team.h),
  /// stored under the sender whether or not the message's own resources are kept.
  std::vector<ResourceCopy> statedCareTeams = {};
  /// Notification tokens this message acknowledges (a completed Task naming them); applied to
  /// notifications for the message sender's own members.
  std::vector<std::string> acknowledgements = {};
  /// The identifiers ("system|value") of the message's patient: what `patientTrail` finds it by.
  std::vector<std::string> patientIdentifiers = {};
  /// The registry's record of the message's patient, written with the routing.
  std::optional<PatientLinkPlan> patientLink = {};
};

/// The OperationOutcome code recordRouting gives a message whose update names a version that is
/// not the current one (If-Match); the endpoint answers it with 412.
inline constexpr const char* kVersionConflictCode = "conflict";
/// The issue code of a message refused because another organization holds a shared id.
inline constexpr const char* kTakenIdCode = "duplicate";

struct OutboxRow {
  int64_t id = 0;
  int64_t messageId = 0;
  std::string destination, orderingKey, idempotencyKey, state, lastError, responseBody;
  int attempts = 0;
  int64_t nextAttemptMs = 0;
  int64_t createdMs = 0;
  int64_t receivedMs = 0;  ///< when the message was received (for latency)
  std::string sender;       ///< the message's sender (organization)
  std::string writeIntent;  ///< the message's write intent (see pipeline/write_intent.h)
  std::string leaseOwner;
  int64_t leaseUntilMs = 0;
  std::string canonical;   ///< filled by claimDeliveries: the payload, or the message's content
  std::string recipient;   ///< see PlannedDelivery::recipient
};

/// One notification (see NotificationPlan).
struct NotificationRow {
  int64_t id = 0;
  int64_t messageId = 0;  ///< the message that told the fact first
  std::string factKey, token, destination, recipient, recipientOrganization, state;
  bool urgent = false;
  int64_t dueMs = 0, createdMs = 0, ackedMs = 0;
  std::string ackedBy, escalateTo, summary;
  std::string deliveryKey;  ///< the idempotency key of the delivery that carried it (urgent, digest)
};

struct NotificationFilter {
  std::string state;  ///< empty: any
  int64_t limit = 100;
};

/// A delivery made by the gateway itself (an escalation, a digest): queued with its own content.
struct NewDelivery {
  int64_t messageId = 0;  ///< the message it is about (a digest: its newest item's)
  std::string destination, orderingKey, idempotencyKey, recipient, payload;
};

/// What happened to one delivery attempt.
struct DeliveryUpdate {
  int64_t outboxId = 0;
  std::string state;        ///< kSent, kRetrying or kDead
  int64_t nextAttemptMs = 0;  ///< kRetrying: when to try again; kSent, kDead: when it ended
  std::string lastError;
  std::string responseBody;
};

struct QueueStats {
  std::string destination;
  std::string state;
  int64_t count = 0;
  int64_t oldestCreatedMs = 0;
};

/// One request to an API source: who asked what, and how it ended (no patient data).
struct AuditRecord {
  int64_t atMs = 0;
  std::string source, client, organization, method, path;
  int status = 0;
  int64_t messageId = 0;
  /// The messages whose resources a read returned: who saw which patient's data.
  std::vector<int64_t> viewed = {};
};

/// Everything the gateway did with one patient's data (see Store::patientTrail).
struct PatientTrail {
  std::vector<StoredMessage> messages;   ///< received messages naming the patient (with routing)
  std::vector<OutboxRow> deliveries;     ///< their deliveries, and the digests that carried them
  std::vector<NotificationRow> notifications;
  std::vector<AuditRecord> views;        ///< reads that returned their resources (messageId: which)
  std::vector<MatchEvent> matches;       ///< the registry's decisions about the patient's records
  bool truncated = false;                ///< more messages than the limit name the patient
};

/// What intakeAndRoute committed: the receipts, and the outcomes `route` made from them (with
/// their resource versions) and whether each was applied.
struct IntakeAndRouting {
  std::vector<IntakeReceipt> receipts;
  std::vector<RoutingOutcome> outcomes;
  std::vector<bool> applied;
};
/// Turns intake receipts into the routing outcomes to record with them (bound to message ids).
using RouteReceipts = std::function<std::vector<RoutingOutcome>(const std::vector<IntakeReceipt>&)>;

/// What a source reading files in place last saw of one file (see Store::sourceFiles).
struct SourceFileState {
  std::string source;
  std::string path;         ///< relative to the source's root
  int64_t size = 0;
  int64_t mtimeNs = 0;
  std::string sha256;       ///< of the content last read
  int64_t messageId = 0;    ///< the message it was committed as (0: not taken)
  std::string problem;      ///< why it was not taken ("" when it was)
  int64_t seenMs = 0;
};

/// A faxed form waiting for a person (012_fax_documents.sql).
struct FaxDocument {
  int64_t id = 0;
  std::string organization;  ///< whose fax: only its reviewers see it
  std::string source, name;  ///< the configured source and the file's name
  std::string sha256;        ///< of the image
  std::string state;         ///< kFaxReview, kFaxConfirmed, kFaxSubmitted or kFaxRejected
  std::string form;          ///< the template's id ("" when none was recognised)
  std::string reading;       ///< JSON: pages and fields as read, corrected and confirmed
  std::string image;         ///< the original bytes (empty when listed without them)
  int64_t receivedMs = 0, updatedMs = 0;
  std::string updatedBy;
  int64_t version = 0;       ///< increases with each update
  int64_t messageId = 0;     ///< the message its Bundle was committed as
};
inline constexpr const char* kFaxReview = "REVIEW";
inline constexpr const char* kFaxConfirmed = "CONFIRMED";
inline constexpr const char* kFaxSubmitted = "SUBMITTED";
inline constexpr const char* kFaxRejected = "REJECTED";

/// Holds a delivery back (reason) or releases it ("": QUEUED, due now), see Store::setHolds.
struct HoldUpdate {
  int64_t outboxId = 0;
  std::string reason;
};

struct OutboxFilter {
  std::string state;        ///< empty: any
  std::string destination;  ///< empty: any
  int64_t limit = 100;
};

class Store {
 public:
  virtual ~Store() = default;

  /// Commits every input (raw bytes content-addressed, a message row in RECEIVED) in one
  /// transaction; an input whose (source, key) is known is recorded as a duplicate instead.
  virtual Result<std::vector<IntakeReceipt>> intake(const std::vector<RawInput>& inputs,
                                                    int64_t nowMs) = 0;
  /// intake and recordRouting in one transaction (one durable flush): `route` is called inside it
  /// with the receipts and must not call the store. Nothing is stored when any part fails.
  virtual Result<IntakeAndRouting> intakeAndRoute(const std::vector<RawInput>& inputs,
                                                  const RouteReceipts& route,
                                                  const std::string& owner, int64_t nowMs) = 0;
  /// Leases up to `limit` RECEIVED messages whose lease has expired, for normalization.
  virtual Result<std::vector<StoredMessage>> claimReceived(const std::string& owner, int limit,
                                                           int64_t nowMs, int64_t leaseMs) = 0;
  virtual Result<std::string> rawBytes(const std::string& sha256) = 0;
  /// Commits the outcomes (message state, routing record, outbox rows, resource versions) in one
  /// transaction. Applies to messages still RECEIVED and either leased by `owner` or not leased
  /// by anyone now; others (routed meanwhile, or leased by another instance) are left alone.
  /// Returns, per outcome, whether it was applied. On success the applied outcomes' resources
  /// carry their versions; an outcome whose update's If-Match is not the current version is
  /// committed as FAILED (error code kVersionConflictCode), with no deliveries and no resources.
  /// Two instances writing the same version at once: one commits, the other gets Conflict.
  virtual Result<std::vector<bool>> recordRouting(std::vector<RoutingOutcome>& outcomes,
                                                  const std::string& owner, int64_t nowMs) = 0;
  /// The same, for callers that do not need the versions back.
  Result<std::vector<bool>> recordRouting(std::vector<RoutingOutcome>&& outcomes,
                                          const std::string& owner, int64_t nowMs) {
    return recordRouting(outcomes, owner, nowMs);
  }
  /// Leases due deliveries: QUEUED/RETRYING, due, lease expired, and first in line for their
  /// (destination, ordering key).
  virtual Result<std::vector<OutboxRow>> claimDeliveries(const std::string& owner, int limit,
                                                         int64_t nowMs, int64_t leaseMs) = 0;
  /// Records attempt results for rows still leased by `owner`; returns how many were applied.
  /// Claims and results need not survive a power failure (one lost repeats a delivery under its
  /// idempotency key): SqlStore commits them without an fsync of their own.
  virtual Result<int> recordDeliveries(const std::vector<DeliveryUpdate>& updates,
                                       const std::string& owner) = 0;

  virtual Result<std::optional<StoredMessage>> message(int64_t id) = 0;
  virtual Result<std::vector<OutboxRow>> outbox(const OutboxFilter& filter) = 0;
  virtual Result<std::optional<OutboxRow>> outboxRow(int64_t id) = 0;
  /// Makes a RETRYING or DEAD row due now (attempts kept); false when no such row.
  virtual Result<bool> retryNow(int64_t outboxId, int64_t nowMs) = 0;
  /// Queues the message again to `destination` (same idempotency key); returns the new row id.
  virtual Result<int64_t> replay(int64_t messageId, const std::string& destination,
                                 int64_t nowMs) = 0;
  /// Rows per destination and state, for QUEUED, RETRYING and DEAD (not SENT).
  virtual Result<std::vector<QueueStats>> queueStats() = 0;
  /// Ends every lease held by `owner` (an instance restarting under its own name takes its
  /// unfinished work back at once instead of waiting for the leases to expire).
  virtual Status releaseLeases(const std::string& owner) = 0;
  /// Drops raw bytes received before `cutoffMs` whose messages are all finished; returns count.
  virtual Result<int64_t> purgeRaw(int64_t cutoffMs) = 0;
  virtual int schemaVersion() = 0;
  /// A resource in the reader's scope (its own first, then one sent to it): `version` 0 means
  /// the newest it may see.
  virtual Result<std::optional<StoredResource>> resource(const std::string& type,
                                                         const std::string& id,
                                                         const ReadScope& scope,
                                                         int64_t version) = 0;
  /// Current versions of `type` in the reader's scope matching every criterion ("_id" matches
  /// the id), ordered by id; `total` receives the number of matches.
  virtual Result<std::vector<StoredResource>> search(const std::string& type,
                                                     const ReadScope& scope,
                                                     const std::vector<SearchCriterion>& criteria,
                                                     int64_t count, int64_t offset,
                                                     int64_t& total) = 0;
  virtual Status recordAudit(const std::vector<AuditRecord>& records) = 0;
  /// What happened to the data of the patient with this identifier (`system` empty: any system),
  /// for at most `limit` of its newest messages.
  virtual Result<PatientTrail> patientTrail(const std::string& system, const std::string& value,
                                            int64_t limit) = 0;
  /// The newest `limit` audit records, newest first.
  virtual Result<std::vector<AuditRecord>> audit(int64_t limit) = 0;
  /// Every version of one resource the scope may read, newest first (at most `limit`): the
  /// resource `resource(type, id, scope, 0)` finds, with its earlier versions.
  virtual Result<std::vector<StoredResource>> history(const std::string& type, const std::string& id,
                                                      const ReadScope& scope, int64_t limit) = 0;
  /// Current versions of `type` of every organization, ordered by (organization, id), the page
  /// after (afterOrganization, afterId): for operators' tools such as patient matching, never
  /// for an organization's API.
  virtual Result<std::vector<StoredResource>> currentResources(const std::string& type,
                                                               const std::string& afterOrganization,
                                                               const std::string& afterId,
                                                               int64_t limit) = 0;
  /// Deliveries to a recipient that consent may still hold or release: QUEUED, RETRYING (not
  /// leased now) and HELD, with their canonical message, in id order after `afterId`.
  virtual Result<std::vector<OutboxRow>> undeliveredToRecipients(int64_t nowMs, int64_t afterId,
                                                                 int limit) = 0;
  /// Applies holds and releases to rows still QUEUED, RETRYING or HELD and not leased; returns
  /// how many changed.
  virtual Result<int> setHolds(const std::vector<HoldUpdate>& updates, int64_t nowMs) = 0;
  /// Recomputes the search index of every current resource of `type` (every organization's)
  /// with `values`, a page at a time, each page in one transaction; returns how many. For an
  /// upgrade that indexes new search parameters (`renkei reindex`).
  virtual Result<int64_t> reindexSearch(
      const std::string& type,
      const std::function<std::vector<std::pair<std::string, std::string>>(const StoredResource&)>&
          values) = 0;
  /// Where the messages that wrote versions of one organization's resource went (not HELD: a
  /// recipient consent kept it from never saw it): a deletion follows them there.
  virtual Result<std::vector<PastDelivery>> deliveriesOfResource(const std::string& type,
                                                                 const std::string& id,
                                                                 const std::string& organization) = 0;
  /// The newest message that wrote a resource of `type` (0: none yet): a reader caching
  /// resources of that type knows whether they changed.
  virtual Result<int64_t> latestResourceMessage(const std::string& type) = 0;

  /// Patient registry records, in (organization, record) order.
  virtual Result<std::vector<PatientLink>> patientLinks(const PatientLinkFilter& filter) = 0;
  /// A person's decision: the record as it now is, and the event saying so (one transaction).
  virtual Status decidePatientLink(const PatientLink& link, const MatchEvent& event) = 0;
  /// Registry events after `afterId`, oldest first (another instance's decisions, the history of
  /// a record when `record` is set).
  virtual Result<std::vector<MatchEvent>> matchEvents(int64_t afterId, const std::string& record,
                                                      int64_t limit) = 0;
  /// Notifications whose time has come, oldest deadline first: AWAITING ones past their deadline
  /// and DIGEST ones whose digest is due.
  virtual Result<std::vector<NotificationRow>> dueNotifications(int64_t nowMs, int limit) = 0;
  /// Every DIGEST notification due for one recipient (destination and recipient), oldest first,
  /// at most `limit`: what its digest lists.
  virtual Result<std::vector<NotificationRow>> dueDigest(const std::string& destination,
                                                         const std::string& recipient,
                                                         int64_t nowMs, int limit) = 0;
  /// An AWAITING notification → ESCALATED with these deliveries queued, in one transaction;
  /// false (nothing changed) when it is not AWAITING any more.
  virtual Result<bool> escalateNotification(int64_t id, const std::vector<NewDelivery>& deliveries,
                                            int64_t nowMs) = 0;
  /// DIGEST notifications → DIGESTED, carried by one queued delivery, in one transaction; false
  /// (nothing changed) when any of them is not DIGEST any more.
  virtual Result<bool> digestNotifications(const std::vector<int64_t>& ids,
                                           const NewDelivery& delivery, int64_t nowMs) = 0;
  /// AWAITING or ESCALATED → ACKED by `by`; with `organization` set, only a notification for that
  /// organization's member. Returns whether one changed.
  virtual Result<bool> acknowledgeNotification(const std::string& token,
                                               const std::string& organization,
                                               const std::string& by, int64_t nowMs) = 0;
  /// Moves DIGEST notifications to a later digest (consent does not allow them now).
  virtual Status postponeNotifications(const std::vector<int64_t>& ids, int64_t dueMs) = 0;
  /// Makes every DIGEST notification due now (an operator sending the digests early).
  virtual Result<int> digestNow(int64_t nowMs) = 0;
  virtual Result<std::vector<NotificationRow>> notifications(const NotificationFilter& filter) = 0;
  /// Notifications per destination and state, for AWAITING, ESCALATED and DIGEST (oldestCreatedMs:
  /// the oldest's creation).
  virtual Result<std::vector<QueueStats>> notificationStats() = 0;
  /// Every file `source` has recorded; "" for every source.
  virtual Result<std::vector<SourceFileState>> sourceFiles(const std::string& source) = 0;
  /// Records (inserts or replaces) what a source saw of these files, in one transaction.
  virtual Status recordSourceFiles(const std::vector<SourceFileState>& files) = 0;
  /// Keeps a faxed form for review (state, version and ids set here); the same image of the same
  /// organization again returns the document kept first.
  virtual Result<FaxDocument> addFaxDocument(const FaxDocument& document) = 0;
  /// The organization's ("" every organization's) documents in `state` ("" any), oldest first,
  /// without their images.
  virtual Result<std::vector<FaxDocument>> faxDocuments(const std::string& organization, const std::string& state,
                                                        int64_t limit) = 0;
  /// One document with its image; nullopt when there is none.
  virtual Result<std::optional<FaxDocument>> faxDocument(int64_t id) = 0;
  /// Saves state, form, reading, updatedMs, updatedBy and messageId when the stored version is still
  /// `document.version` (then version + 1); false when someone saved in between.
  virtual Result<bool> updateFaxDocument(const FaxDocument& document) = 0;
  /// Transactions this process has committed (for /metrics: group commit at work).
  virtual int64_t commitCount() const = 0;
};

struct StoreConfig {
  std::string kind = "sqlite";  ///< "sqlite" or "postgres"
  std::string path;             ///< SQLite database file
  std::string url;              ///< PostgreSQL connection string
  /// PostgreSQL connections this instance holds; intake, routing and each delivery worker run
  /// their transactions on them side by side. SQLite has one (a single writer).
  int connections = 8;  ///< the gateway config's default: max(8, delivery workers + 4)
};

/// Opens the store and applies pending schema migrations.
Result<std::unique_ptr<Store>> openStore(const StoreConfig& config);
/// The schema version this build migrates a store to (its newest migration).
int latestSchemaVersion();

}  // namespace renkei::store
