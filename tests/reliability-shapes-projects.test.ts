// Wrong-shape answers × the projects tools: the matrix and its expectations live in helpers/shape-matrix.ts.

import { describeShapeMatrix } from "./helpers/shape-matrix.js";

describeShapeMatrix("projects");
