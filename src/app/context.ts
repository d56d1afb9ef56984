import type { Logger } from "pino";
import type { ProfileRegistry } from "../domain/protocol/index.js";
import type { Clock } from "../ports/clock.js";
import type { ConversationRefRepository, StratRepository } from "../ports/store.js";

/** What every use case may use: ports only, built once in src/main.ts. */
export interface AppContext {
  strats: StratRepository;
  conversations: ConversationRefRepository;
  profiles: ProfileRegistry;
  clock: Clock;
  log: Logger;
  defaultProfile: string;
}

/** Who is acting: an AAD object id in Teams (or the channel user id in local mode), or a mailbox. */
export interface Actor { id: string; name: string | null }
