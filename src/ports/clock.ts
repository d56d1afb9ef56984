/** Time is a port (ARCHITECTURE.md §4): tests set the instant; nothing else calls `new Date()` for "now". */
export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };
