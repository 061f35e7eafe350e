// Faults × tools for the issue readers (list-issues, issue-details): every fault the sandbox can inject, on
// the requests each tool cannot do without. The matrix and its expectations live in helpers/fault-matrix.ts;
// the reliability-faults*.test.ts files split it so vitest's two workers share the load.

import { describeFaultMatrix } from "./helpers/fault-matrix.js";

describeFaultMatrix("error reads");
