import type { LocalGraphStarter } from "../graph/graph-runtime.js";
import { GraphContract } from "./contract-validator.js";
import { startStandIn } from "./stand-in.js";

/** The local Graph stand-in as the Graph runtime starts it in local mode (wired by src/main.ts only). */
export const startLocalGraph: LocalGraphStarter = (o) =>
  startStandIn({ db: o.db, clock: o.clock, log: o.log, contract: new GraphContract(o.contractFile), host: o.host, port: o.port });
