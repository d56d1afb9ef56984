/**
 * Graph requests per strat (issue 6 "Performance"): slot look-up + booking must cost at most 2 requests
 * whatever the number of invitees, and answers cost no polling while notifications work. Runs the real
 * gateway, outbox worker and notification routes against the local stand-in on an in-memory store.
 */
import { openDatabase } from "../src/infra/store/open-database.js";
import { bookingFor, startGraphRig } from "../test/support/graph.js";

export async function run() {
  const db = await openDatabase({ dataDir: "memory://" });
  const rig = await startGraphRig(db);
  const strats = 20;
  const invitees = 12;
  try {
    // One-off per organiser mailbox (not per strat): subscription (+ its validation) and one catch-up delta round.
    await rig.scheduler.requestBooking(bookingFor("warm-up", {
      attendees: [{ address: "warm@nhs.net", name: null, required: true }],
    }));
    await rig.settle();
    const perMailboxOnce = rig.sent.length - 1;

    const start = rig.sent.length;
    const t0 = performance.now();
    for (let i = 0; i < strats; i++) {
      const attendees = Array.from({ length: invitees }, (_, k) => ({ address: `agency${k}.s${i}@nhs.net`, name: `Agency ${k}`, required: k < 2 }));
      const slots = await rig.scheduler.findSlots({
        organizer: "chair@council.example", internalAttendees: ["sw1@council.example", "tm@council.example"],
        genericMailboxes: attendees.map((a) => ({ address: a.address, readingHours: "Mon–Fri 09:00–17:00" })),
        durationMinutes: 60, notBefore: rig.clock.now(), dueBy: new Date(rig.clock.now().getTime() + 3 * 86_400_000),
      });
      await rig.scheduler.requestBooking(bookingFor(`bench-${i}`, { attendees, start: slots.slots[0]!.start, end: slots.slots[0]!.end }));
    }
    await rig.settle();
    const bookingMs = (performance.now() - t0) / strats;
    const booking = rig.sent.length - start;

    // Every invitee answers: one notification → one GET of the event each; nothing polls.
    const beforeAnswers = rig.sent.length;
    let answers = 0;
    for (let i = 0; i < 5; i++) {
      const st = await rig.scheduler.bookingStatus(`bench-${i}`);
      for (const address of Object.keys(st.responses)) {
        await rig.standIn.respond(address, st.eventId!, answers % 3 === 0 ? "declined" : "accepted");
        answers++;
      }
      await rig.settle();
    }
    const answerRequests = rig.sent.slice(beforeAnswers);
    const delivered = rig.events.log.responses.length;
    return {
      name: "graph",
      strats,
      inviteesPerStrat: invitees,
      requestsPerStrat: booking / strats,
      requestsPerStratBreakdown: "1 getSchedule (all internal attendees in one call) + 1 POST event (all invitees)",
      oneOffRequestsPerOrganizerMailbox: perMailboxOnce,
      answers,
      answersDelivered: delivered,
      requestsPerAnswer: answerRequests.length / answers,
      pollingRequestsWhileNotificationsWork: answerRequests.filter((r) => /delta/.test(r.url)).length,
      msPerBookingAgainstStandIn: Math.round(bookingMs * 10) / 10,
    };
  } finally {
    await rig.stop();
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
