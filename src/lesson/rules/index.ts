import type { LintRule } from '../lint.js';
import { hostNetworkCleanupRule } from './host-network-cleanup.js';
import { overlappingCidrsRule } from './overlapping-cidrs.js';
import { removedFlagRule } from './removed-flag.js';
import { resetOutsideLessonRule } from './reset-outside-lesson.js';
import { serviceBeforeProxyRule } from './service-before-proxy.js';
import { serviceIpInCertRule } from './service-ip-in-cert.js';
import { usedBeforeStartedRule } from './used-before-started.js';

/** Every lint rule `demystify lint` runs, beyond the structural checks of the parser. */
export const LINT_RULES: LintRule[] = [
  removedFlagRule,
  overlappingCidrsRule,
  serviceIpInCertRule,
  usedBeforeStartedRule,
  resetOutsideLessonRule,
  serviceBeforeProxyRule,
  hostNetworkCleanupRule,
];
