import type { Logger } from "pino";
import type { ProfileRegistry } from "../domain/protocol/index.js";
import type { ReferenceFormat } from "../domain/strat/reference.js";
import type { Clock } from "../ports/clock.js";
import type { ConversationRefRepository, StratRepository, TeamNameRepository } from "../ports/store.js";
import type { Scheduler } from "../ports/scheduler.js";

/** What every use case may use: ports only, built once in src/main.ts. */
export interface AppContext {
  strats: StratRepository;
  /** Missing episodes (issue 14): absent in contexts that never open one. */
  episodes?: import("../ports/missing-episodes.js").MissingEpisodeRepository;
  conversations: ConversationRefRepository;
  /** Teams team names from the bot's turns (migration 017); absent = the tab shows teams by their shortened ids. */
  teamNames?: TeamNameRepository;
  profiles: ProfileRegistry;
  clock: Clock;
  log: Logger;
  defaultProfile: string;
  /** The shape of child and case references (CHILD_REFERENCE_PATTERN); absent = the default shape. */
  references?: ReferenceFormat;
  /** who an inquorate strat is escalated to (the senior manager configured for the team). */
  seniorManager?: string | null;
  /** Issue 14 point 4: who each missing-child escalation role is (MISSING_DIRECTOR, MISSING_DCS, MISSING_HEAD_OF_SERVICE). */
  escalationRecipients?: import("../domain/missing/escalations.js").EscalationRecipients;
  /** Deputy chairs configured for the team (AAD object ids): they may change any strat the team opens. */
  deputyIds?: string[];
  /** Team managers (MANAGER_IDS: AAD object ids, or user ids / names in local mode): they sign off the missing risk tool (M-RAG). */
  managerIds?: string[];
  /** Signed per-invitee response links and the public base URL they are served from. */
  links?: { token(stratId: string, inviteeId: string, expiresAt: Date): string; verify(token: string, now: Date): { stratId: string; inviteeId: string } | null };
  publicUrl?: string;
  /** Books the Teams meeting through Microsoft Graph (or the local stand-in); absent = record the time only. */
  scheduler?: Scheduler;
  /** Proactive messages (set by the composition root once the bot adapter exists). */
  notifier?: import("../ports/notifier.js").Notifier;
  /** The one durable queue: enqueue outside a strat change, and each strat's dead letters (`jobs.deadFor(stratId)`) for its status card. */
  jobs?: import("../ports/jobs.js").JobQueue;
  /** The mailbox whose calendar holds the strats' meetings (the chairs' team mailbox or the chair). */
  organizerMailbox?: string;
}

/** Who is acting: an AAD object id in Teams (or the channel user id in local mode), or a mailbox. */
export interface Actor {
  /** AAD object id in Teams (or the channel's user id where there is none). */
  id: string;
  name: string | null;
  /** The Teams channel user id (29:…), matched against invitees added by @mention. */
  altId?: string;
  /** Set when acting through a signed response link: the mailbox the link was issued to. */
  mailbox?: string;
}
