// The registry: every tool's declaration, in the order SKILL.md and the references present them (a category's
// tools in the order a workflow uses them). The build (docs), the tests (the fault, input, secrets and write
// suites, the fields check) and the benchmark read the tool list, count and categories from here, so a new
// tool is covered once it is listed. Never imported by a tool: each bundle holds only its own declaration.

import { tool as createRelease } from "./create-release.js";
import { tool as eventDetails } from "./event-details.js";
import { tool as ignoreIssue } from "./ignore-issue.js";
import { tool as issueDetails } from "./issue-details.js";
import { tool as issueEvents } from "./issue-events.js";
import { tool as listAlerts } from "./list-alerts.js";
import { tool as listIssues } from "./list-issues.js";
import { tool as listProjects } from "./list-projects.js";
import { tool as listReleases } from "./list-releases.js";
import { tool as listTransactions } from "./list-transactions.js";
import { tool as projectSettings } from "./project-settings.js";
import { tool as resolveIssue } from "./resolve-issue.js";
import { tool as setCommits } from "./set-commits.js";
import { tool as slowQueries } from "./slow-queries.js";
import { tool as tagValues } from "./tag-values.js";
import { tool as transactionSummary } from "./transaction-summary.js";
import { tool as traceDetails } from "./trace-details.js";
import { tool as queryEvents } from "./query-events.js";
import { CATEGORIES, type AnyTool, type Category } from "./lib/tool.js";

export { CATEGORIES };
export { EXIT, EXIT_MEANINGS } from "./lib/errors.js";

export const TOOLS: readonly AnyTool[] = [
  listIssues,
  issueDetails,
  issueEvents,
  eventDetails,
  tagValues,
  resolveIssue,
  ignoreIssue,
  listTransactions,
  transactionSummary,
  slowQueries,
  traceDetails,
  queryEvents,
  listReleases,
  createRelease,
  setCommits,
  listProjects,
  projectSettings,
  listAlerts,
];

/** A category's tools, in presentation order. */
export function toolsOf(category: Category): AnyTool[] {
  return TOOLS.filter((t) => t.category === category);
}

/** Whether a tool writes (gets --yes, exits 3 on a preview). */
export function isWriteTool(tool: AnyTool): boolean {
  return tool.kind === "item" && tool.writes === true;
}
