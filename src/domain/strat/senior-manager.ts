/**
 * how the senior manager (SENIOR_MANAGER) of an inquorate strat is told. An email address → a mail from
 * ORGANIZER_MAILBOX; a Teams user id (29:…) or an AAD object id (a GUID) → a Teams message in their own chat
 * with the bot; anything else is a name only: the app cannot reach them and the chair tells them.
 */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const TEAMS_USER = /^(29:\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Who an escalation is recorded to when no SENIOR_MANAGER is configured. */
export const SENIOR_MANAGER_NOT_CONFIGURED = "senior manager (not configured)";

export type SeniorManagerRoute = { channel: "mail" | "teams" } | { channel: "none"; why: string };

/**
 * The way to the senior manager recorded on an escalation (`to`), given whether mail is configured; else why not, in
 * words for the chair. `setting` names the configuration value `to` came from (a role: SENIOR_MANAGER, MISSING_DCS …).
 */
export function seniorManagerRoute(to: string | null | undefined, mailConfigured: boolean, setting = "SENIOR_MANAGER"): SeniorManagerRoute {
  const t = to?.trim() ?? "";
  if (!t || t === SENIOR_MANAGER_NOT_CONFIGURED) return { channel: "none", why: `no ${setting} is configured` };
  if (TEAMS_USER.test(t)) return { channel: "teams" };
  if (!EMAIL.test(t)) return { channel: "none", why: `${setting} is not an email address or a Teams user id` };
  return mailConfigured ? { channel: "mail" } : { channel: "none", why: "no mail is configured" };
}
