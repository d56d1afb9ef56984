/**
 * The channel record (issue 13 point 2; DOMAIN.md R-*, T-REC): on verification the bot posts the record's summary
 * card as a new thread in the strat's Teams channel (or RECORD_CHANNEL for a strat opened in a chat), and the PDF
 * is uploaded to that channel's Files folder through Graph (a durable job); once uploaded, its link is posted as a
 * reply in the thread. An amendment (version > 1) is a reply in the same thread saying what changed, with the new
 * PDF under a versioned file name. Exactly once per strat and version: the hand-over job may be delivered again.
 * Graph cannot post channel messages with application permissions (PLATFORM-FACTS §7): the bot posts.
 * Exactly once across a crash: an intent is stored before the post and the post's id after it; a retry that finds
 * the intent without the id first reads the channel through Graph for the card's marker (recordPostMarker) and adopts
 * that post (updated in place) instead of posting again.
 */
import { amendedBy, amendmentWords } from "../domain/record/amendment.js";
import { recordPdfFileName, type StratRecord } from "../domain/record/record.js";
import type { Notifier, RecordPublisher, TeamsChannel } from "../ports/notifier.js";
import { channelDistributionWords } from "./distribute-record.js";
import type { AppContext } from "./context.js";
import { recordOfStrat } from "./strat-record.js";

/** What the card says beyond the record: the amendment, a note, distribution status, where the PDF is. */
export interface ChannelCardInfo { change?: string; note?: string; distribution: string; pdf: string }
export type ChannelRecordCard = (record: StratRecord, info: ChannelCardInfo) => Record<string, unknown>;

export interface PublishRecordDeps {
  ctx: AppContext;
  notifier: Notifier;
  card: ChannelRecordCard;
  pdf: (record: StratRecord) => Promise<Uint8Array>;
  /** RECORD_CHANNEL: a channel conversation for the records of strats opened in a chat. */
  recordChannel?: string;
}

/** What the posted card of a version was made with, and where it is (to update it in place). */
type StoredCardInfo = Omit<ChannelCardInfo, "distribution">;
interface PostedCard { at: string; card: { conversationId: string; activityId: string; info: StoredCardInfo; distribution: string } | null }


// Markers in the conversation-reference store: the thread of a strat's record and each version posted / linked.
const threadKey = (stratId: string) => `record-thread:${stratId}`;
const postedKey = (stratId: string, version: number) => `record-posted:${stratId}:v${version}`;
const linkedKey = (stratId: string, fileName: string) => `record-linked:${stratId}:${fileName}`;
const intentKey = (stratId: string, version: number) => `record-posting:${stratId}:v${version}`;

/** Carried by the channel card (its title's element id): strat reference and version, no child data. */
export const recordPostMarker = (r: { stratRef: string; version: number }) => `record-post-${r.stratRef}-v${r.version}`;
const threadRoot = (threadId: string) => /;messageid=(.+)$/.exec(threadId)?.[1] ?? null;

export interface ChannelRecordPublisher extends RecordPublisher {
  uploaded(e: { stratId: string | null; fileName: string; webUrl: string | null }): Promise<void>;
  /** `record.channel-refresh`: the posted card of the current version shows its distribution as it stands now. */
  refresh(stratId: string): Promise<void>;
}

export function createRecordPublisher(d: PublishRecordDeps): ChannelRecordPublisher {
  const { ctx, notifier } = d;
  const cardMessage = (r: StratRecord, info: StoredCardInfo, distribution: string) => ({
    text: `${info.change ? "Amended record" : "Record"} of ${r.stratRef} (case ${r.caseRef}), version ${r.version}.`, card: d.card(r, { ...info, distribution }),
  });
  const refs = ctx.conversations;
  const mark = (key: string, value: Record<string, unknown>) => refs.save(key, null, value);

  /** Where the record goes: the strat's channel, else RECORD_CHANNEL, else the chat it was opened in. */
  async function target(home: string | null): Promise<{ conversationId: string; channel: TeamsChannel | null } | null> {
    const homeChannel = home ? await notifier.channelOf(home) : null;
    if (home && homeChannel) return { conversationId: home, channel: homeChannel };
    const configured = d.recordChannel ? await notifier.channelOf(d.recordChannel) : null;
    if (d.recordChannel && configured) return { conversationId: d.recordChannel, channel: configured };
    return home ? { conversationId: home, channel: null } : null;
  }

  /** The post an earlier attempt made (its card carries `marker`), read from the channel through Graph; null: none. */
  async function findEarlier(channel: TeamsChannel, threadId: string | null, marker: string, stratRef: string): Promise<{ activityId: string } | null> {
    if (!ctx.scheduler) { // no Graph: the channel cannot be read, so the retry posts (said in the log)
      ctx.log.warn({ stratRef }, "record: an earlier post may exist but the channel cannot be read (no Graph); posting");
      return null;
    }
    const found = await ctx.scheduler.findChannelPost({ ...channel, marker, threadRootId: threadId ? threadRoot(threadId) : null });
    if (found) ctx.log.info({ stratRef }, "record: the earlier post was found in the channel and adopted");
    return found ? { activityId: found.messageId } : null;
  }
  async function adopt(conversationId: string, activityId: string) {
    const t = await notifier.adoptThread(conversationId, activityId);
    return t === "no-conversation" ? t : { threadId: t.threadId, activityId };
  }

  return {
    async publish(r) {
      const s = await ctx.strats.get(r.stratId);
      if (!s) return;
      const record = await recordOfStrat(ctx, s);
      const v = record.version;
      if (await refs.get(postedKey(s.id, v))) return; // this version is in the channel already (a redelivered job)
      const to = await target(s.conversationId);
      if (!to) return void ctx.log.warn({ stratRef: s.ref, version: v }, "record: no conversation to post to");
      const fileName = recordPdfFileName(record);
      const amendment = record.amendments.find((a) => a.version === v);
      const words = amendment ? amendmentWords(amendment, amendedBy(s, amendment.by)) : undefined;
      const change = words ? `${words[0]!.toUpperCase()}${words.slice(1)}` : undefined;
      const pdf = to.channel ? `${fileName}: being uploaded to this channel's Files; the link follows in this thread.` : `${fileName}: type record ${s.ref} to see it, or export it (npm run -s record -- export ${s.ref} --format pdf).`;
      const note = to.channel ? undefined : "No Teams channel is bound to this strategy discussion and no record channel is configured (RECORD_CHANNEL), so the record is posted here.";
      const info: StoredCardInfo = { change, note, pdf };
      const distribution = await channelDistributionWords(ctx, s);
      const message = cardMessage(record, info, distribution);

      const thread = (await refs.get(threadKey(s.id))) as { threadId?: string } | null;
      const threadId = thread?.threadId ?? null;
      // an earlier attempt stored its intent and may have posted before it died: look for that post first
      const earlier = to.channel && (await refs.get(intentKey(s.id, v))) ? await findEarlier(to.channel, threadId, recordPostMarker(record), s.ref) : null;
      await mark(intentKey(s.id, v), { at: ctx.clock.now().toISOString() });
      let at: { conversationId: string; activityId: string } | null = null;
      if (to.channel && threadId) { // an amendment: a reply in the thread
        const made = earlier ? earlier : await notifier.post(threadId, message);
        if (made !== "no-conversation") at = { conversationId: threadId, activityId: made.activityId };
      } else if (to.channel) {
        const made = earlier ? await adopt(to.conversationId, earlier.activityId) : await notifier.newThread(to.conversationId, message);
        if (made !== "no-conversation") {
          await mark(threadKey(s.id), { threadId: made.threadId });
          at = { conversationId: made.threadId, activityId: made.activityId };
        }
      } else { // no channel: the chat, whose card is kept live the same way
        const made = await notifier.post(to.conversationId, message);
        if (made !== "no-conversation") at = { conversationId: to.conversationId, activityId: made.activityId };
      }
      if (earlier && at) await notifier.update(at.conversationId, at.activityId, message); // the adopted card shows today's status
      const posted: PostedCard = { at: ctx.clock.now().toISOString(), card: at && at.activityId ? { ...at, info, distribution } : null };
      await mark(postedKey(s.id, v), { ...posted });

      if (to.channel && ctx.scheduler) {
        await ctx.scheduler.requestUpload({ key: `record:${s.id}:v${v}`, stratId: s.id, ...to.channel, fileName, content: await d.pdf(record) });
      }
      ctx.log.info({ stratRef: s.ref, version: v, channel: !!to.channel, recordRule: r.recordRule }, "record posted");
    },

    async refresh(stratId) {
      const s = await ctx.strats.get(stratId);
      if (!s || s.status !== "closed") return;
      const record = await recordOfStrat(ctx, s);
      const posted = (await refs.get(postedKey(s.id, record.version))) as PostedCard | null;
      if (!posted?.card) return; // not posted yet (publish shows the status then), or posted where it cannot be updated
      const distribution = await channelDistributionWords(ctx, s);
      if (distribution === posted.card.distribution) return; // nothing changed since the last update
      const { conversationId, activityId, info } = posted.card;
      const r = await notifier.update(conversationId, activityId, cardMessage(record, info, distribution));
      await mark(postedKey(s.id, record.version), { ...posted, card: { ...posted.card, distribution } });
      ctx.log.info({ stratRef: s.ref, version: record.version, delivered: r }, "record channel card updated");
    },

    /** The PDF is in the channel's Files (the graph.upload job): its link as a reply in the record's thread, once. */
    async uploaded(e) {
      if (!e.stratId || !e.fileName.includes("-record-v")) return;
      const thread = (await refs.get(threadKey(e.stratId))) as { threadId?: string } | null;
      if (!thread?.threadId || (await refs.get(linkedKey(e.stratId, e.fileName)))) return;
      const link = e.webUrl ? `[${e.fileName}](${e.webUrl})` : `${e.fileName} (in this channel's Files)`;
      await notifier.toConversation(thread.threadId, { text: `The record's PDF is in this channel's Files: ${link}` });
      await mark(linkedKey(e.stratId, e.fileName), { at: ctx.clock.now().toISOString() });
    },
  };
}
