/**
 * how the senior manager (SENIOR_MANAGER) of an inquorate strat is told. An email address → a mail from
 * ORGANIZER_MAILBOX; a Teams user id (29:…) or an AAD object id (a GUID) → a Teams message in their own chat
 * with the bot; anything else is a name only: the app cannot reach them and the chair tells them.
 */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const TEAMS_USER = /^(29:\S+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export type SeniorManagerChannel = "mail" | "teams" | "none";

export const seniorManagerChannel = (to: string | null | undefined): SeniorManagerChannel =>
  !to ? "none" : EMAIL.test(to.trim()) ? "mail" : TEAMS_USER.test(to.trim()) ? "teams" : "none";
