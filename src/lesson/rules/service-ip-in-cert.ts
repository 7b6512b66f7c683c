import { isIP } from 'node:net';
import type { LessonDiagnostic } from '../diagnostics.js';
import type { LintContext, LintRule } from '../lint.js';
import type { SourcePos } from '../model.js';
import { firstAddress, parseCidr, sameAddress } from '../../ip-address.js';
import { argumentsOf, flagsOf, programName } from './shell-command.js';
import { scanStep } from './shell-scan.js';

/** kube-apiserver's `--service-cluster-ip-range` when none is given, and `demystify pki`'s `--service-cidr`. */
export const DEFAULT_SERVICE_CIDR = '10.0.0.0/24';

/** Where certificates get their IP SANs in a lesson: a `demystify pki` command or a written SAN list. */
interface SanSource {
  pos: SourcePos;
  length: number;
  ips: string[];
  /** How to add an address to it, for the message. */
  fix: (cidr: string, ip: string) => string;
}

/** The API server's service range: its flag's place and value (or the default, at the command). */
interface ServiceRange {
  cidr: string;
  pos: SourcePos;
  explicit: boolean;
}

function findSources(context: LintContext): { ranges: ServiceRange[]; sources: SanSource[] } {
  const ranges: ServiceRange[] = [];
  const sources: SanSource[] = [];
  for (const { step } of context.steps) {
    const file = step.pos.file;
    for (const command of scanStep(step).commands) {
      const program = programName(command);
      const flags = flagsOf(command);
      const value = (name: string): string | undefined => {
        const found = flags.find((f) => f.name === name)?.value;
        return found === undefined ? undefined : context.resolve(found);
      };
      if (program === 'kube-apiserver') {
        const flag = flags.find((f) => f.name === '--service-cluster-ip-range');
        const first = command.words[0];
        ranges.push(
          flag?.value !== undefined
            ? {
                cidr: context.resolve(flag.value).split(',')[0] ?? '',
                pos: { file, line: flag.word.line, column: flag.word.column },
                explicit: true,
              }
            : {
                cidr: DEFAULT_SERVICE_CIDR,
                pos: { file, line: first?.line ?? step.pos.line, column: first?.column ?? 1 },
                explicit: false,
              },
        );
      }
      const args = argumentsOf(command);
      if (program === 'demystify' && args[0]?.text === 'pki') {
        const cidr = parseCidr(value('--service-cidr') ?? DEFAULT_SERVICE_CIDR);
        const ips = flags
          .filter((f) => f.name === '--ip' && f.value !== undefined)
          .map((f) => context.resolve(f.value ?? ''));
        if (cidr) ips.push(firstAddress(cidr));
        const word = args[0];
        sources.push({
          pos: { file, line: word.line, column: word.column },
          length: word.text.length,
          ips,
          fix: (range) => `give 'demystify pki' --service-cidr ${range}`,
        });
      }
    }
    // SAN lists written by hand: cfssl CSR "hosts", openssl "IP:a.b.c.d" / "IP.1 = a.b.c.d".
    step.code.split('\n').forEach((raw, i) => {
      const text = context.resolve(raw);
      const ips: string[] = [];
      const hosts = /"hosts"\s*:\s*\[([^\]]*)\]/.exec(text);
      if (hosts)
        for (const m of (hosts[1] ?? '').matchAll(/"([^"]+)"/g)) if (isIP(m[1] ?? '')) ips.push(m[1] ?? '');
      for (const m of text.matchAll(/\bIP(?:\.\d+)?\s*[:=]\s*([0-9A-Fa-f.:]+)/g))
        if (isIP(m[1] ?? '')) ips.push(m[1] ?? '');
      if (ips.length === 0) return;
      const column = (hosts ? raw.indexOf('"hosts"') : raw.search(/\bIP/)) + 1;
      sources.push({
        pos: { file, line: step.pos.line + 1 + i, column: Math.max(1, column) },
        length: hosts ? 7 : 2,
        ips,
        fix: (_range, ip) => `add ${ip} to this certificate's IP addresses`,
      });
    });
  }
  return { ranges, sources };
}

/**
 * service-ip-in-cert: Pods reach the API server at the first address of the service range (the
 * `kubernetes` Service), so the API server's certificate must carry that address or every in-cluster client
 * fails its TLS check. The certificate step must be given the same service range as the API server.
 */
export const serviceIpInCertRule: LintRule = {
  id: 'service-ip-in-cert',
  description: "the API server's first service IP is missing from its certificate",
  check(context) {
    const { ranges, sources } = findSources(context);
    if (ranges.length === 0 || sources.length === 0) return [];
    const out: LessonDiagnostic[] = [];
    for (const range of ranges) {
      const network = parseCidr(range.cidr);
      if (!network) continue;
      const ip = firstAddress(network);
      // One SAN list that has it is enough: the lesson may write several certificates.
      if (sources.some((s) => s.ips.some((candidate) => sameAddress(candidate, ip)))) continue;
      const origin = range.explicit
        ? `--service-cluster-ip-range=${range.cidr}, line ${range.pos.line}`
        : `the default service range ${range.cidr}`;
      for (const source of sources) {
        out.push(
          context.report(
            source.pos,
            `the API server's first service IP ${ip} (${origin}) is not in this certificate's SANs: in-cluster clients reaching https://${ip} will fail TLS; ${source.fix(range.cidr, ip)}`,
            { length: source.length },
          ),
        );
      }
    }
    return out;
  },
};
