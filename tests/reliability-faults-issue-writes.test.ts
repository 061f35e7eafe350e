// Faults × tools for resolve-issue and ignore-issue, struck on their write (--yes): a call safe to repeat
// ends in success after a retry, anything else with the documented exit code and one clear line. The matrix
// lives in helpers/fault-matrix.ts; the reliability-faults*.test.ts files split it across vitest's workers.

import { describeFaultMatrix } from "./helpers/fault-matrix.js";

describeFaultMatrix("issue writes");
