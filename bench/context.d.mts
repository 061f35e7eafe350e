// Types of bench/context.mjs for the TypeScript tests that import it.

export interface Workflow {
  name: string;
  reference: string;
  tools: string[];
}

export interface WorkflowContext extends Workflow {
  skillBytes: number;
  referenceBytes: number;
  help: Record<string, number>;
  totalBytes: number;
}

export function workflows(root: string): Workflow[];
export function helpBytes(root: string, tool: string): number;
export function workflowContext(root: string): WorkflowContext[];

export interface WorkflowRow extends WorkflowContext {
  readTools: string[];
  outputBytes: number;
  rawBytes: number;
}

export function workflowRows(root: string, economyTools: Array<{ tool: string; textBytes: number; rawBytes: number }>): WorkflowRow[];
