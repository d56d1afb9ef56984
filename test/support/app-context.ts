import pino from "pino";
import type { AppContext } from "../../src/app/context.js";
import { loadProfiles } from "../../src/infra/profiles/read-profile-files.js";
import { createConversationRefRepository } from "../../src/infra/store/conversation-ref-repository.js";
import { createTeamNameRepository } from "../../src/infra/store/team-name-repository.js";
import { createMissingEpisodeRepository } from "../../src/infra/store/missing-episode-repository.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import type { Database } from "../../src/ports/store.js";

/** A settable clock for tests. */
export function testClock(iso: string) {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (v: string) => (now = new Date(v)), advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

export function appContext(db: Database, clock: { now(): Date }): AppContext {
  return {
    strats: createStratRepository(db, () => clock.now()),
    episodes: createMissingEpisodeRepository(db, () => clock.now()),
    conversations: createConversationRefRepository(db),
    teamNames: createTeamNameRepository(db),
    profiles: loadProfiles(),
    clock,
    log: pino({ level: "silent" }),
    defaultProfile: "bromley-2023",
    seniorManager: "Head of Service (test)",
  };
}
