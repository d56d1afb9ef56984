/**
 * The baseline for bench/bot.bench.ts: a bare botbuilder bot (CloudAdapter without credentials +
 * ActivityHandler) on its own express server, answering every `adaptiveCard/action` invoke with one
 * constant Adaptive Card. Same HTTP stack as the app (express 5 + express.json + CloudAdapter.process),
 * none of the app's work (no store, no logging, no card rendering).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import {
  ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication,
  type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type TurnContext,
} from "botbuilder";

const CARD = {
  type: "AdaptiveCard",
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
  version: "1.5",
  body: [{ type: "TextBlock", text: "Thank you: your answer is saved.", wrap: true }],
};

class EchoActivityHandler extends ActivityHandler {
  protected override async onAdaptiveCardInvoke(_context: TurnContext, _value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: CARD };
  }
}

export interface EchoBot { port: number; server: Server; stop(): Promise<void> }

export async function startEchoBot(port = 0, host = "127.0.0.1"): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoActivityHandler();
  const app = express();
  app.disable("x-powered-by");
  app.post("/api/messages", express.json({ limit: "1mb" }), async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s)).on("error", reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
