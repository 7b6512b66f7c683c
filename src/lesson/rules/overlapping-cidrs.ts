import type { LessonDiagnostic } from '../diagnostics.js';
import { own } from '../own.js';
import type { LintContext, LintRule } from '../lint.js';
import { contains, overlaps, parseCidr, type Cidr } from '../../ip-address.js';
import { flagsOf } from './shell-command.js';
import { scanStep } from './shell-scan.js';

/** What a network is for: Service ClusterIPs, the cluster's Pod range, or a CNI plugin's Pod subnet. */
export type CidrRole = 'service' | 'cluster' | 'cni';

/** One network a lesson names, with its role and place. */
export interface CidrUse {
  role: CidrRole;
  cidr: Cidr;
  /** Where it is written: flag or key, for messages (`--cluster-cidr`, `"subnet"`). */
  via: string;
  line: number;
  column: number;
  length: number;
  file: string;
}

/** Command-line flags that name a network, by role. */
const FLAG_ROLES: Record<string, CidrRole> = {
  '--service-cluster-ip-range': 'service',
  '--service-cidr': 'service',
  '--cluster-cidr': 'cluster',
  '--pod-network-cidr': 'cluster',
};

/** Keys of files (JSON, YAML, TOML) that name a network, by role. */
const KEY_ROLES: Record<string, CidrRole> = {
  serviceSubnet: 'service',
  serviceCIDR: 'service',
  clusterCIDR: 'cluster',
  podSubnet: 'cluster',
  podCIDR: 'cluster',
  subnet: 'cni',
  cidr: 'cni',
  Network: 'cni',
};

// A key, not the tail of a flag (`--cluster-cidr=` is read as a flag, not as a `cidr:` key).
const KEY_VALUE = new RegExp(
  `(?<![\\w-])(["']?)(${Object.keys(KEY_ROLES).join('|')})\\1\\s*[:=]\\s*["']?([0-9A-Fa-f.:]+/\\d{1,3})`,
  'g',
);

/** Every network the lesson's commands and the files its steps write name, in file order. */
function collectCidrs(context: LintContext): CidrUse[] {
  const out: CidrUse[] = [];
  for (const { step } of context.steps) {
    const file = step.pos.file;
    for (const command of scanStep(step).commands) {
      for (const use of flagsOf(command)) {
        const role = own(FLAG_ROLES, use.name);
        if (!role || use.value === undefined) continue;
        for (const part of context.resolve(use.value).split(',')) {
          const cidr = parseCidr(part);
          if (cidr)
            out.push({
              role,
              cidr,
              via: use.name,
              line: use.word.line,
              column: use.word.column,
              length: use.word.length,
              file,
            });
        }
      }
    }
    // Files the step writes (here-documents) and inline JSON/YAML: keys that name a network.
    step.code.split('\n').forEach((raw, i) => {
      const text = context.resolve(raw);
      for (const m of text.matchAll(KEY_VALUE)) {
        const role = own(KEY_ROLES, m[2] ?? '');
        const cidr = parseCidr(m[3] ?? '');
        // Columns are those of the written line; a template before the match may shift them a little.
        const column = raw.indexOf(m[2] ?? '') + 1 || (m.index ?? 0) + 1;
        if (role && cidr)
          out.push({
            role,
            cidr,
            via: m[2] ?? '',
            line: step.pos.line + 1 + i,
            column,
            length: (m[2] ?? '').length,
            file,
          });
      }
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

const ROLE_NAMES: Record<CidrRole, string> = {
  service: 'service range',
  cluster: 'cluster (Pod) CIDR',
  cni: 'CNI Pod subnet',
};

/**
 * overlapping-cidrs: the Service range must share no address with the Pod networks (the cluster CIDR and
 * the subnets a CNI configuration hands out), or a ClusterIP and a Pod can get the same address and
 * kube-proxy's rules send traffic to the wrong one. A CNI subnet outside every cluster CIDR is a warning.
 */
export const overlappingCidrsRule: LintRule = {
  id: 'overlapping-cidrs',
  description: 'the service range overlaps the cluster CIDR or a CNI subnet',
  check(context) {
    const uses = collectCidrs(context);
    const out: LessonDiagnostic[] = [];
    const seen = new Set<string>();
    const at = (use: CidrUse): { file: string; line: number; column: number } => ({
      file: use.file,
      line: use.line,
      column: use.column,
    });
    for (const a of uses) {
      for (const b of uses) {
        if (a === b || a.role === b.role || a.role === 'service' || b.role !== 'service') continue;
        // a: a Pod network, b: a service range. Report at whichever is written later.
        if (!overlaps(a.cidr, b.cidr)) continue;
        const [first, second] =
          a.line < b.line || (a.line === b.line && a.column < b.column) ? [a, b] : [b, a];
        const key = `${first.cidr.text}|${second.cidr.text}|${second.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(
          context.report(
            at(second),
            `${ROLE_NAMES[second.role]} ${second.cidr.text} (${second.via}) overlaps the ${ROLE_NAMES[first.role]} ${first.cidr.text} (${first.via}, line ${first.line}): Services and Pods would share addresses`,
            { length: second.length },
          ),
        );
      }
    }
    const clusters = uses.filter((u) => u.role === 'cluster');
    for (const subnet of uses.filter((u) => u.role === 'cni')) {
      if (clusters.length === 0 || clusters.some((c) => contains(c.cidr, subnet.cidr))) continue;
      out.push(
        context.report(
          at(subnet),
          `CNI Pod subnet ${subnet.cidr.text} is outside the cluster CIDR ${clusters.map((c) => c.cidr.text).join(', ')}: kube-proxy would not treat its Pods as cluster traffic`,
          { severity: 'warning', length: subnet.length },
        ),
      );
    }
    return out;
  },
};
