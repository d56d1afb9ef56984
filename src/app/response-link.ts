import type { Strat } from "../domain/strat/strat.js";
import type { AppContext } from "./context.js";

/** The signed link an agency mailbox answers through (valid for this invitee and strat only; "" without links). */
export function responseLink(ctx: Pick<AppContext, "links" | "publicUrl" | "clock">, s: Strat, inviteeId: string): string {
  if (!ctx.links || !ctx.publicUrl) return "";
  const expires = new Date(Math.max(s.dueAt.getTime(), ctx.clock.now().getTime()) + 14 * 86_400_000);
  return `${ctx.publicUrl.replace(/\/$/, "")}/respond/${ctx.links.token(s.id, inviteeId, expires)}`;
}
