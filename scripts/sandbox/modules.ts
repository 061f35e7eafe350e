// Every category of the sandbox, in seeding order: later seeds may read what earlier ones made
// (issues name releases, releases count new issues, alerts name projects).

import type { RouteDef } from "./types.js";
import { coreRoutes } from "./routes/core.js";
import { issueRoutes } from "./routes/issues.js";
import { eventRoutes } from "./routes/events.js";
import { releaseRoutes } from "./routes/releases.js";
import { alertRoutes } from "./routes/alerts.js";
import { eventsStatsRoutes } from "./routes/events-stats.js";
import { investigateRoutes } from "./routes/investigate.js";

export const ROUTES: RouteDef[] = [...coreRoutes, ...issueRoutes, ...eventRoutes, ...releaseRoutes, ...alertRoutes, ...eventsStatsRoutes, ...investigateRoutes];

