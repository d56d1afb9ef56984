import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testStores } from "../support/databases.js";
import { bookingFor, startGraphRig, type GraphRig } from "../support/graph.js";

/** Issue 6: the whole book → answer → attendance loop against the local Graph stand-in. */
for (const store of testStores()) {
  describe(`Graph scheduling loop (${store.name})`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let rig: GraphRig;
    const stratId = "00000000-0000-4000-8000-00000000a001";

    beforeAll(async () => {
      db = await store.open();
      rig = await startGraphRig(db);
    });
    afterAll(async () => {
      await rig?.stop();
      await db?.drop();
    });

    it("finds the earliest slot with one getSchedule request, honouring busy time and reading hours", async () => {
      await fetch(`${rig.standIn.url}/_standin/busy`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ address: "chair@council.example", start: "2026-03-02T09:00:00Z", end: "2026-03-02T10:00:00Z" }),
      });
      const before = rig.sent.length;
      const p = await rig.scheduler.findSlots({
        organizer: "chair@council.example", internalAttendees: ["sw@council.example"],
        genericMailboxes: [{ address: "SNMailbox-PublicProtectionReferrals@met.police.uk", readingHours: "Mon–Fri 09:00–17:00" }],
        durationMinutes: 60, notBefore: rig.clock.now(), dueBy: new Date("2026-03-04T17:00:00Z"),
      });
      expect(rig.sent.length - before).toBe(1);
      expect(p.slots[0]!.start.toISOString()).toBe("2026-03-02T10:00:00.000Z"); // 09:00 is busy (GMT in March)
      expect(p.beforeDue).toBe(true);
      expect(p.rationaleNeeded).toBe(false);
      expect(p.explanation).toMatch(/reading hours of 1 agency mailbox/);
    });

    it("says when no slot fits before the due time and offers the earliest anyway", async () => {
      const p = await rig.scheduler.findSlots({
        organizer: "chair@council.example", internalAttendees: [],
        genericMailboxes: [{ address: "a@nhs.net", readingHours: "Mon–Fri 09:00–17:00" }],
        durationMinutes: 60, notBefore: new Date("2026-03-06T16:30:00Z"), dueBy: new Date("2026-03-07T12:00:00Z"),
      });
      expect(p.beforeDue).toBe(false);
      expect(p.rationaleNeeded).toBe(true);
      expect(p.slots).toHaveLength(1);
      expect(p.slots[0]!.start.toISOString()).toBe("2026-03-09T09:00:00.000Z"); // Monday
      expect(p.explanation).toMatch(/rationale/);
    });

    // The life of one booking, in order: each step starts where the one before left the meeting, so they run as
    // the steps of one test (no test relies on state another test left; shuffled runs found these did).
    const steps: [string, () => Promise<void>][] = [];
    const step = (name: string, fn: () => Promise<void>) => void steps.push([name, fn]);

    step("books the Teams meeting with one create request, invitations in every mailbox, no child names", async () => {
      const before = rig.sent.length;
      const { intentId } = await rig.scheduler.requestBooking(bookingFor(stratId));
      const again = await rig.scheduler.requestBooking(bookingFor(stratId));
      expect(again.intentId).toBe(intentId);
      expect((await rig.scheduler.bookingStatus(stratId)).state).toBe("pending");
      await rig.settle();

      const creates = rig.sent.slice(before).filter((r) => r.method === "POST" && /\/events$/.test(r.url));
      expect(creates).toHaveLength(1);
      const body = creates[0]!.body as any;
      expect(body.isOnlineMeeting).toBe(true);
      expect(body.onlineMeetingProvider).toBe("teamsForBusiness");
      expect(body.subject).toBe("Strategy Discussion – case CASE-1234 (SD-2026-0001)");
      expect(body.transactionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.attendees.map((a: any) => a.type)).toEqual(["required", "required", "optional"]);
      expect(body.body.content).toMatch(/Strategy Discussion/);
      expect(body.body.content).toMatch(/physical injury/);

      const status = await rig.scheduler.bookingStatus(stratId);
      expect(status.state).toBe("booked");
      expect(status.joinUrl).toMatch(/\/meet\//);
      expect(Object.values(status.responses).every((r) => r.response === "none")).toBe(true);
      expect(rig.events.log.booked).toHaveLength(1);
      expect(rig.events.log.booked[0]!.joinUrl).toBe(status.joinUrl);

      for (const box of ["snmailbox-publicprotectionreferrals@met.police.uk", "bromh.safeguardingchildren@nhs.net", "education.welfare@bromley.gov.uk"]) {
        const page = await (await fetch(`${rig.standIn.url}/mailboxes/${encodeURIComponent(box)}`)).text();
        expect(page).toContain("Strategy Discussion – case CASE-1234 (SD-2026-0001)");
        expect(page).toContain('value="accepted"');
      }
      // A subscription on the chair's events was created through the validation handshake.
      const subs = await db.query<{ mailbox: string }>("SELECT mailbox FROM graph_subscriptions WHERE state = 'active'");
      expect(subs.map((s) => s.mailbox)).toEqual(["chair@council.example"]);
      expect(rig.standIn.deliveries.filter((d) => d.kind === "validation").every((d) => d.status === 200)).toBe(true);
      expect(rig.standIn.responseProblems).toEqual([]);
    });

    step("follows answers through change notifications: acknowledged fast, no polling, none ≠ declined", async () => {
      const status = await rig.scheduler.bookingStatus(stratId);
      const before = rig.sent.length;
      // Answer on the mailbox page, as the police mailbox would.
      const form = new URLSearchParams({ eventId: status.eventId!, response: "accepted" });
      const r = await fetch(`${rig.standIn.url}/mailboxes/${encodeURIComponent("SNMailbox-PublicProtectionReferrals@met.police.uk")}/respond`, { method: "POST", body: form, redirect: "manual" });
      expect(r.status).toBe(303);
      await rig.standIn.respond("bromh.safeguardingchildren@nhs.net", status.eventId!, "declined");
      await rig.settle();

      const changes = rig.standIn.deliveries.filter((d) => d.kind === "change");
      expect(changes.length).toBeGreaterThanOrEqual(2);
      for (const d of changes) {
        expect(d.status).toBe(202);
        expect(d.ms).toBeLessThan(3000);
      }
      // Each answer cost one GET of the event, nothing else (no delta polling).
      const after = rig.sent.slice(before);
      expect(after.every((x) => x.method === "GET" && /\/events\/[^/?]+/.test(x.url))).toBe(true);
      expect(after.length).toBeLessThanOrEqual(2);

      const answers = Object.fromEntries(rig.events.log.responses.map((e) => [e.address, e.response]));
      expect(answers).toEqual({
        "snmailbox-publicprotectionreferrals@met.police.uk": "accepted",
        "bromh.safeguardingchildren@nhs.net": "declined",
      });
      const s2 = await rig.scheduler.bookingStatus(stratId);
      expect(s2.responses["education.welfare@bromley.gov.uk"]!.response).toBe("none");
      // The organiser's inbox got the replies.
      const chair = await (await fetch(`${rig.standIn.url}/mailboxes/chair%40council.example`)).text();
      expect(chair).toContain("Accepted: Strategy Discussion");
    });

    step("refuses notifications with a wrong clientState and answers the validation handshake", async () => {
      const v = await fetch(`${rig.appBase}/graph/notifications?validationToken=${encodeURIComponent("a b+c")}`, { method: "POST" });
      expect(v.status).toBe(200);
      expect(v.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await v.text()).toBe("a b+c");
      const sub = (await db.query<{ id: string }>("SELECT id FROM graph_subscriptions LIMIT 1"))[0]!;
      const jobs = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM background_jobs WHERE kind = 'graph.sync-event'"))[0]!.n;
      const n0 = await jobs();
      const forged = await fetch(`${rig.appBase}/graph/notifications`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ value: [{ subscriptionId: sub.id, clientState: "wrong", changeType: "updated", resource: "Users/chair@council.example/Events/x", resourceData: { id: "x" } }] }),
      });
      expect(forged.status).toBe(202);
      expect(await jobs()).toBe(n0);
    });

    step("handles a `missed` lifecycle notification by re-reading the calendar (delta)", async () => {
      const status = await rig.scheduler.bookingStatus(stratId);
      rig.standIn.setNotifications(false);
      await rig.standIn.respond("education.welfare@bromley.gov.uk", status.eventId!, "tentativelyAccepted");
      rig.standIn.setNotifications(true);
      await rig.settle();
      expect(rig.events.log.responses.some((e) => e.address === "education.welfare@bromley.gov.uk")).toBe(false);
      const sub = (await db.query<{ id: string }>("SELECT id FROM graph_subscriptions WHERE state = 'active'"))[0]!;
      await rig.standIn.lifecycle(sub.id, "missed");
      await rig.settle();
      expect(rig.events.log.responses.find((e) => e.address === "education.welfare@bromley.gov.uk")?.response).toBe("tentativelyAccepted");
    });

    step("reads Teams' attendance report after the meeting and matches invitees by address", async () => {
      const status = await rig.scheduler.bookingStatus(stratId);
      const none = await rig.scheduler.fetchAttendance(stratId);
      expect(none.available).toBe(false);
      const meetingId = decodeURIComponent(status.joinUrl!.split("/meet/")[1]!);
      await rig.standIn.endMeeting(meetingId, [
        { address: "chair@council.example", name: "Chair", seconds: 3000, role: "Organizer" },
        { address: "snmailbox-publicprotectionreferrals@met.police.uk", name: "DC Example", seconds: 2400 },
        { address: null, name: "Dial-in caller", seconds: 600 },
      ]);
      await rig.standIn.endMeeting(meetingId, [{ address: "SNMailbox-PublicProtectionReferrals@met.police.uk", name: "DC Example", seconds: 300 }]);
      const a = await rig.scheduler.fetchAttendance(stratId);
      expect(a.available).toBe(true);
      expect(a.sessions).toBe(2);
      const police = a.attendees.find((x) => x.invitee === "snmailbox-publicprotectionreferrals@met.police.uk")!;
      expect(police.totalSeconds).toBe(2700);
      expect(a.attendees.find((x) => x.name === "Dial-in caller")!.invitee).toBeNull();
      expect(a.absentInvitees.sort()).toEqual(["bromh.safeguardingchildren@nhs.net", "education.welfare@bromley.gov.uk"]);
      expect(rig.standIn.responseProblems).toEqual([]);
    });

    step("moves and cancels the meeting in order; a second booking while one is live is refused", async () => {
      await expect(rig.scheduler.requestBooking(bookingFor(stratId, { attempt: 2 }))).rejects.toMatchObject({ code: "conflict" });
      await rig.scheduler.requestMove({ stratId, start: new Date("2026-03-03T10:00:00Z"), end: new Date("2026-03-03T11:00:00Z") });
      await rig.scheduler.requestCancel({ stratId, reason: "Agreed by phone instead" });
      await rig.settle();
      expect(rig.events.log.moved).toHaveLength(1);
      expect(rig.events.log.cancelled).toHaveLength(1);
      expect((await rig.scheduler.bookingStatus(stratId)).state).toBe("cancelled");
      const police = await (await fetch(`${rig.standIn.url}/mailboxes/snmailbox-publicprotectionreferrals%40met.police.uk`)).text();
      expect(police).toContain("Updated: Strategy Discussion");
      expect(police).toContain("Canceled: Strategy Discussion");
      expect(rig.standIn.responseProblems).toEqual([]);
    });

    it("one booking from request to cancellation: book → answers → forged notification → missed → attendance → move and cancel", async () => {
      for (const [name, fn] of steps) {
        try {
          await fn();
        } catch (e) {
          if (e instanceof Error) e.message = `step "${name}": ${e.message}`;
          throw e;
        }
      }
    }, 120_000);
  });
}
