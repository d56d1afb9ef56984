/**
 * The bot's typed commands: one source for the bot's `help` reply, its command table and the
 * Teams app manifest's `bots[0].commandLists` (test/contract/manifest.test.ts keeps the manifest
 * consistent with this file).
 *
 * Teams shows at most 10 commands per scope in the command menu (manifest schema:
 * `commandLists[].commands` maxItems 10). `MENU` picks the ten most useful per scope; the others
 * still work when typed and are named in the description of `help` for that scope.
 */

export type CommandScope = "personal" | "team" | "groupChat";

export const SCOPES: readonly CommandScope[] = ["personal", "team", "groupChat"];

export interface CommandInfo {
  /** What the user types (first word of the message, case-insensitive). */
  name: string;
  /** One line, no trailing full stop; shown in help and in the Teams command menu. */
  summary: string;
  /** A complete example message. Never real case data. */
  example: string;
  /** Where the bot accepts the command. */
  scopes: CommandScope[];
}

const ALL: CommandScope[] = ["personal", "team", "groupChat"];

export const COMMANDS: readonly CommandInfo[] = [
  { name: "help", summary: "List the commands, or explain one", example: "help schedule", scopes: ALL },
  {
    name: "new",
    summary: "Open a strategy discussion from a referral",
    example: "new REF-2026-0173",
    scopes: ["personal", "team"],
  },
  {
    name: "invitees",
    summary: "Show recommended invitees and who is invited; add or remove one",
    example: "invitees add police",
    scopes: ALL,
  },
  {
    name: "schedule",
    summary: "Book the Teams meeting and send the invitations",
    example: "schedule tomorrow 10:00",
    scopes: ALL,
  },
  {
    name: "status",
    summary: "Deadline, rule that set it, answers received and quorum",
    example: "status",
    scopes: ALL,
  },
  {
    name: "attendance",
    summary: "Record who attended, with delegates and apologies",
    example: "attendance",
    scopes: ALL,
  },
  {
    name: "decide",
    summary: "Record the decisions: section 47 or not, single or joint enquiry, next steps",
    example: "decide",
    scopes: ALL,
  },
  {
    name: "record",
    summary: "Record the fields the protocol asks, section by section: reason, mode, the child, the family, further information, outcomes",
    example: "record",
    scopes: ALL,
  },
  { name: "plan", summary: "Record the interim safety plan", example: "plan", scopes: ALL },
  {
    name: "action",
    summary: "Add an action: who, what, by when and why (move one's due time: action a1 due Fri 12:00)",
    example: "action",
    scopes: ALL,
  },
  {
    name: "dissent",
    summary: "Record an agency's disagreement and its escalation",
    example: "dissent",
    scopes: ALL,
  },
  {
    name: "preview",
    summary: "Show the whole record as it will be sent (before and after you verify it)",
    example: "preview SD-2026-0042",
    scopes: ALL,
  },
  {
    name: "close",
    summary: "Check the close list, sign off and send the record",
    example: "close",
    scopes: ALL,
  },
  {
    name: "reconvene",
    summary: "Arrange a follow-up strategy discussion",
    example: "reconvene SD-2026-0001",
    scopes: ALL,
  },
  {
    name: "missing",
    summary: "Missing-child risk assessment (RAG) and episode updates",
    example: "missing",
    scopes: ALL,
  },
  {
    name: "mine",
    summary: "Your open strategy discussions and actions",
    example: "mine",
    scopes: ["personal"],
  },
];

/**
 * The commands shown in the Teams command menu, per scope, in menu order (at most 10 each,
 * `help` first). Chosen for the work done in that place: personal chat is the chair's desk,
 * the team channel is where discussions are opened and tracked, the group (meeting) chat is where
 * the discussion itself is held.
 */
export const MENU: Readonly<Record<CommandScope, readonly string[]>> = {
  personal: ["help", "mine", "new", "status", "invitees", "schedule", "decide", "action", "close", "missing"],
  team: ["help", "new", "status", "invitees", "schedule", "attendance", "decide", "plan", "action", "close"],
  groupChat: ["help", "status", "invitees", "schedule", "attendance", "decide", "plan", "action", "dissent", "close"],
};

export const MAX_MENU_COMMANDS = 10;

export function findCommand(name: string): CommandInfo | undefined {
  const n = name.trim().toLowerCase();
  return COMMANDS.find((c) => c.name === n);
}

/** Edits (insert, delete, substitute, swap two neighbours) to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The command a mistyped word was most likely meant to be ("statsu" → status, "invite" → invitees), or
 * undefined when none is close: a prefix of at least three letters, or at most one edit per three letters.
 */
export function nearestCommand(word: string): CommandInfo | undefined {
  const w = word.trim().toLowerCase();
  if (w.length < 2) return undefined;
  const prefixed = w.length >= 3 ? COMMANDS.filter((c) => c.name.startsWith(w) || w.startsWith(c.name)) : [];
  if (prefixed.length === 1) return prefixed[0];
  const scored = COMMANDS.map((c) => ({ c, d: editDistance(w, c.name) })).sort((x, y) => x.d - y.d);
  const best = scored[0]!;
  const tie = scored[1] && scored[1].d === best.d;
  return !tie && best.d <= Math.max(1, Math.floor(w.length / 3)) ? best.c : undefined;
}

/** Commands accepted in `scope` that are not in its menu. */
export function unlistedCommands(scope: CommandScope): string[] {
  return COMMANDS.filter((c) => c.scopes.includes(scope) && !MENU[scope].includes(c.name)).map((c) => c.name);
}

/** The description of a command as shown in the menu of `scope`. */
export function menuDescription(command: CommandInfo, scope: CommandScope): string {
  if (command.name !== "help") return command.summary;
  const rest = unlistedCommands(scope);
  return rest.length === 0 ? command.summary : `${command.summary}. Also: ${rest.join(", ")}`;
}

export interface ManifestCommandList {
  scopes: CommandScope[];
  commands: { title: string; description: string }[];
}

/** The `bots[0].commandLists` that appPackage/manifest.json must contain (one list per scope). */
export function manifestCommandLists(): ManifestCommandList[] {
  return SCOPES.map((scope) => ({
    scopes: [scope],
    commands: MENU[scope].map((name) => {
      const c = findCommand(name);
      if (!c) throw new Error(`MENU.${scope} names unknown command ${name}`);
      return { title: c.name, description: menuDescription(c, scope) };
    }),
  }));
}
