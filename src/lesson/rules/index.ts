import type { LintRule } from '../lint.js';

/** Every lint rule `demystify lint` runs, beyond the structural checks of the parser. */
export const LINT_RULES: LintRule[] = [];
