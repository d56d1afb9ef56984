import * as AC from "adaptivecards";
import { readContract } from "./contracts.js";

/**
 * Parses a card the way a Teams client's renderer would, with Microsoft's Teams (light) host config
 * from test/contracts, and returns what the renderer objects to: parse warnings, validation
 * failures, and more actions than the host shows (maxActions).
 */
export function teamsHostProblems(card: unknown): string[] {
  const hostConfig = new AC.HostConfig(readContract("adaptive-cards/hostconfig/microsoft-teams-light.json"));
  const c = new AC.AdaptiveCard();
  c.hostConfig = hostConfig;
  const ctx = new AC.SerializationContext();
  c.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  const v = c.validateProperties();
  for (const e of v.validationEvents) problems.push(`validate: ${e.message}`);
  const max = hostConfig.actions.maxActions;
  const actions = (card as { actions?: unknown[] }).actions ?? [];
  if (actions.length > max) problems.push(`${actions.length} actions; the Teams host shows ${max}`);
  return problems;
}
