// Round trips in a sandbox's request log, counted from its timestamps the way the bench counts them
// (bench/run.mjs, roundTripsOf): a request that arrived after another's answer was sent may have waited
// for it, so it sits one round after it; requests in flight together share a round. With the sandbox's
// added latency this says whether calls went out in parallel without timing the tool.

import type { LoggedRequest } from "../../scripts/sandbox/server.js";

export function roundTrips(log: readonly LoggedRequest[]): number {
  const requests = [...log].sort((a, b) => a.receivedAt - b.receivedAt);
  const depth: number[] = [];
  requests.forEach((r, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const answeredAt = requests[j]!.answeredAt;
      if (answeredAt !== undefined && answeredAt <= r.receivedAt) before = Math.max(before, depth[j]!);
    }
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}
