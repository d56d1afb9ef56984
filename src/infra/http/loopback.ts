/** A caller on this machine (local mode answers only these). */
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
export const isLoopback = (addr: string | undefined) => addr !== undefined && (LOOPBACK.has(addr) || addr.startsWith("127."));
