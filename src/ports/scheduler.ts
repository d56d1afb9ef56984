/**
 * Calendar operations in domain terms (issue 6). The rest of the app books, moves and cancels a strat's
 * Teams meeting, finds slots, reads answers and attendance through this port only; it never sees a
 * Microsoft Graph shape. Production: `src/infra/graph` (Microsoft Graph through an outbox); local mode
 * and tests: the same code against the local Graph stand-in.
 *
 * Writes are **intents**: `request*` stores the intent in the database and returns at once; a worker
 * executes it with retries and back-off and reports the outcome through {@link CalendarEvents}. Calling
 * a `request*` method again with the same key (stratId + attempt for a booking, `key` for mail, posts and
 * uploads) returns the same intent and never sends twice.
 *
 * Child data: subjects, bodies and links carry the case reference and the strat reference only
 * (DOMAIN.md I-WORD). Never pass a child's name or date of birth in any field of this port.
 */

/** An invitee's calendar answer. `none` means "no answer yet", never "declined". */
export type InvitationResponse = "accepted" | "declined" | "tentativelyAccepted" | "none";

export interface TimeSlot { start: Date; end: Date }

/** A generic (shared) agency mailbox: its free/busy is not visible, so its reading hours decide. */
export interface GenericMailbox {
  address: string;
  /**
   * The profile's reading hours as written there (London time), e.g. "Mon–Fri 09:00–17:00" or
   * "17:00–09:00" (overnight, every day). null/undefined/unreadable = no constraint (said in the explanation).
   */
  readingHours?: string | null;
}

export interface FindSlotsRequest {
  /** The chair's mailbox (UPN): the organiser whose calendar holds the meeting. */
  organizer: string;
  /** Council staff whose free/busy is read (the chair's team). The organiser is always included. */
  internalAttendees: string[];
  genericMailboxes: GenericMailbox[];
  durationMinutes: number;
  /** Earliest start (usually now, rounded up). */
  notBefore: Date;
  /** The strat's due instant: slots must END by then. */
  dueBy: Date;
  /** A local target earlier than the due instant, when the profile has one. */
  target?: Date | null;
  /** How many slots to propose (default 3). */
  max?: number;
  /** Whether a London calendar date (YYYY-MM-DD) is a bank holiday: office mailboxes are not read then. */
  isBankHoliday?: (isoDate: string) => boolean;
}

export interface SlotProposal {
  /** Earliest first. Never empty unless no slot exists at all within the search horizon. */
  slots: TimeSlot[];
  /** Every proposed slot ends by `dueBy`. */
  beforeDue: boolean;
  /** Every proposed slot ends by `target` (null when there is no target). */
  beforeTarget: boolean | null;
  /** true when the earliest possible slot misses the due instant: the record needs the chair's rationale. */
  rationaleNeeded: boolean;
  /** Plain words for the chair: what was checked and why these slots. */
  explanation: string;
}

export interface BookingAttendee {
  address: string;
  /** Display name of the agency/mailbox or staff member (never a child's name). */
  name: string | null;
  /** true for quorum roles (police, health, CSC): "required" attendee; otherwise "optional". */
  required: boolean;
}

export interface BookingRequest {
  stratId: string;
  /**
   * 1 for the first booking of a strat; the caller increments it only to book again after a failed or
   * cancelled booking. Same stratId + attempt = same meeting, whatever happens (idempotency key).
   */
  attempt: number;
  /** The chair's mailbox: the meeting goes in this calendar and the invitations come from it. */
  organizer: string;
  caseRef: string;
  stratRef: string;
  /** Presenting safeguarding issues as category labels (e.g. "physical injury"); never free text with names. */
  presentingIssues: string[];
  start: Date;
  end: Date;
  attendees: BookingAttendee[];
  /** Who chairs (shown in the body), e.g. "Team Manager, MASH". */
  chairLabel?: string | null;
  /**
   * Signed single-invitee response links by attendee address. Each is sent in a separate email to that
   * address only (shared mailboxes may never send calendar replies), after the meeting is booked.
   */
  responseLinks?: Record<string, string>;
}

export interface MoveRequest { stratId: string; start: Date; end: Date; /** plain words, no case content */ reason?: string | null }
export interface CancelRequest { stratId: string; /** sent to attendees: plain words, no case content */ reason: string }

export interface MailRequest {
  /** Idempotency key chosen by the caller (e.g. `record:SD-2026-0001:v3`). */
  key: string;
  stratId?: string | null;
  /** The mailbox it is sent from (usually the chair's). */
  from: string;
  to: string[];
  subject: string;
  /** HTML body; escaped by the caller. */
  html: string;
  /** Files attached inline (each < 3 MB, PLATFORM-FACTS §6), e.g. the record's PDF; names made of references only. */
  attachments?: import("./jobs.js").MailAttachment[];
}

export interface ChannelPostRequest { key: string; stratId?: string | null; teamId: string; channelId: string; html: string }

export interface UploadRequest {
  key: string;
  stratId?: string | null;
  teamId: string;
  channelId: string;
  /** File name in the channel's Files folder, e.g. `SD-2026-0001-record.pdf` (no names). */
  fileName: string;
  content: Uint8Array;
}

export type BookingState = "none" | "pending" | "booked" | "failed" | "cancelled";

export interface BookingStatus {
  state: BookingState;
  attempt?: number;
  organizer?: string;
  eventId?: string;
  /** The Teams join link (absent while pending, or if Microsoft 365 did not create one). */
  joinUrl?: string | null;
  start?: Date;
  end?: Date;
  /** Plain words for the chair when something is wrong (failed, or booked without a Teams link). */
  error?: string;
  /** The last answer known for each invited address (lower-case). */
  responses: Record<string, { response: InvitationResponse; at: Date | null }>;
}

export interface AttendanceEntry {
  /** The attendee's email address as Teams reported it (null for some external/anonymous joiners). */
  address: string | null;
  name: string;
  /** Seconds in the meeting, summed over every session (report) of this meeting. */
  totalSeconds: number;
  /** Teams' role: Organizer, Presenter, Attendee, … */
  role: string;
  /** The invitee address this matched (by address, case-insensitive); null = not invited or not matched. */
  invitee: string | null;
  firstJoin: Date | null;
  lastLeave: Date | null;
}

export interface AttendanceResult {
  /** false while no report exists yet (the meeting has not ended, or Teams has not produced one). */
  available: boolean;
  sessions: number;
  attendees: AttendanceEntry[];
  /** Invitees with no attendance record: pre-fill "did not attend" for the chair to confirm. */
  absentInvitees: string[];
}

export interface Scheduler {
  /** Free/busy of internal attendees + reading hours of generic mailboxes: the earliest slots. One Graph request. */
  findSlots(req: FindSlotsRequest): Promise<SlotProposal>;
  /**
   * Stores a booking intent (one Graph request when executed). Throws AppError("conflict") if the strat
   * already has a live booking under another attempt (use requestMove), AppError("invalid_input") on bad times.
   */
  requestBooking(req: BookingRequest): Promise<{ intentId: string }>;
  requestMove(req: MoveRequest): Promise<{ intentId: string }>;
  requestCancel(req: CancelRequest): Promise<{ intentId: string }>;
  requestMail(req: MailRequest): Promise<{ intentId: string }>;
  requestChannelPost(req: ChannelPostRequest): Promise<{ intentId: string }>;
  requestUpload(req: UploadRequest): Promise<{ intentId: string }>;
  /**
   * The bot's earlier post in a channel whose card carries `marker` (a root message, or a reply in the thread
   * `threadRootId`): null when there is none. Throws when the channel cannot be read (the caller retries later).
   */
  findChannelPost(req: { teamId: string; channelId: string; marker: string; threadRootId: string | null }): Promise<{ messageId: string } | null>;
  bookingStatus(stratId: string): Promise<BookingStatus>;
  /** Re-reads the meeting now (e.g. the chair pressed "refresh"): answers found are reported through onResponse. */
  refreshResponses(stratId: string): Promise<void>;
  /** Reads Teams' attendance reports for the strat's meeting and matches them to the invitees by address. */
  fetchAttendance(stratId: string): Promise<AttendanceResult>;
}

/**
 * What the scheduling layer reports back; the composition root wires these to the strat use cases.
 * Delivery is at least once (a crash may repeat one): handlers must be idempotent, e.g. ignore an answer
 * whose `at` is not newer than the one stored. A throwing handler is retried with back-off.
 */
export interface CalendarEvents {
  onBooked(e: { stratId: string; intentId: string; eventId: string; joinUrl: string | null; start: Date; end: Date }): Promise<void>;
  onMoved(e: { stratId: string; intentId: string; start: Date; end: Date }): Promise<void>;
  onCancelled(e: { stratId: string; intentId: string }): Promise<void>;
  onResponse(e: { stratId: string; address: string; response: InvitationResponse; at: Date }): Promise<void>;
  /** A write that cannot succeed by retrying (403, 404, 400, …): `message` is plain words for the chair with what to do. */
  onPermanentFailure(e: { stratId: string | null; intentId: string; operation: string; message: string }): Promise<void>;
  /** A file is in the channel's Files folder (requestUpload): its link, for the channel record's thread. Optional. */
  onUploaded?(e: { stratId: string | null; fileName: string; webUrl: string | null }): Promise<void>;
}
