import { expect } from "vitest";
import { activity, cardsIn, type Harness } from "./harness.js";

/**
 * The chair's side of a conversation with the bot over real HTTP (/api/messages): type a command and read the
 * replies, or press a card's Action.Execute button. Every card that comes back goes through `check` (the suite's
 * schema and host checks). `harness` is read at call time, since suites start it in `beforeAll`.
 */
export function cardChat(harness: () => Harness, check: (card: any) => any) {
  const say = async (t: string): Promise<any[]> => {
    const r = await harness().post(activity({ text: t, deliveryMode: "expectReplies" }));
    expect(r.status).toBe(200);
    return r.body.activities as any[];
  };
  const sayCard = async (t: string) => check(cardsIn(await say(t))[0]);
  /** The invoke response's body: `{ statusCode, type, value }`. */
  const press = async (verb: string, data: Record<string, unknown>): Promise<any> => {
    const r = await harness().post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }));
    expect(r.status).toBe(200);
    return r.body;
  };
  /** A press whose answer must be a card (the card that replaces the pressed one). */
  const pressCard = async (verb: string, data: Record<string, unknown>) => {
    const b = await press(verb, data);
    expect(b.type, JSON.stringify(b).slice(0, 300)).toBe("application/vnd.microsoft.card.adaptive");
    return check(b.value);
  };
  return { say, sayCard, press, pressCard };
}
