import type { LessonDiagnostic } from '../diagnostics.js';
import type { LintContext, LintRule } from '../lint.js';
import type { Probe, SourcePos, Step } from '../model.js';
import { firstAddress, parseCidr } from '../../ip-address.js';
import { argumentsOf, flagsOf, programName } from './shell-command.js';
import { expectsFailure, scanShell, scanStep, type ShellCommand, type Word } from './shell-scan.js';
import { DEFAULT_SERVICE_CIDR } from './service-ip-in-cert.js';

/** Programs that open a connection to the host a word names. */
const NETWORK_CLIENTS = new Set(['curl', 'wget', 'nc', 'ncat', 'ping', 'telnet', 'socat']);

/** What tells a chart's Pods the API server's real address instead of the `kubernetes` Service's. */
const ENDPOINT_OVERRIDE = /kubernetesServiceEndpoint|KUBERNETES_SERVICE_HOST/;

/** helm flags that make `helm install` wait for the chart's Pods. */
const HELM_WAIT_FLAGS = new Set(['--wait', '--wait-for-jobs', '--atomic', '--rollback-on-failure']);

/** The `kubernetes` Service's address and DNS names, from the API server's service range. */
interface ServiceNames {
  ip: string;
  /** Where the range comes from, for the message. */
  origin: string;
}

/** The first address of the API server's service range (its flag, else kube-apiserver's default). */
function kubernetesService(context: LintContext): ServiceNames {
  for (const { step } of context.steps) {
    for (const command of scanStep(step).commands) {
      if (programName(command) !== 'kube-apiserver') continue;
      const flag = flagsOf(command).find((f) => f.name === '--service-cluster-ip-range');
      const cidr = parseCidr(context.resolve(flag?.value ?? '').split(',')[0] ?? '');
      if (flag && cidr)
        return { ip: firstAddress(cidr), origin: `--service-cluster-ip-range, line ${flag.word.line}` };
    }
  }
  const cidr = parseCidr(DEFAULT_SERVICE_CIDR);
  return {
    ip: cidr ? firstAddress(cidr) : '10.0.0.1',
    origin: `kube-apiserver's default range ${DEFAULT_SERVICE_CIDR}`,
  };
}

/** Whether a host (of a URL, `host:port`, or a bare word) is the `kubernetes` Service. */
function isServiceHost(host: string, names: ServiceNames): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === names.ip || bare === 'kubernetes' || bare.startsWith('kubernetes.default');
}

/** The host a word names: `https://HOST:PORT/...`, `HOST:PORT`, or the word itself. */
function hostOf(text: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+|\[[^\]]+\])/i.exec(text);
  if (url) return url[1] ?? '';
  return text.replace(/:\d+$/, '');
}

/** The first word of a command that connects to the `kubernetes` Service, if any. */
function serviceWord(
  command: ShellCommand,
  names: ServiceNames,
  resolve: (t: string) => string,
): Word | undefined {
  const program = programName(command) ?? '';
  return command.words.find((word) => {
    const text = resolve(word.text);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return isServiceHost(hostOf(text), names);
    return NETWORK_CLIENTS.has(program) && !text.startsWith('-') && isServiceHost(hostOf(text), names);
  });
}

/** Whether a ready probe waits on the `kubernetes` Service. */
function probeNamesService(probe: Probe, names: ServiceNames, resolve: (t: string) => string): boolean {
  switch (probe.kind) {
    case 'http':
      return isServiceHost(hostOf(resolve(probe.url)), names);
    case 'tcp':
      return isServiceHost(resolve(probe.host), names);
    case 'cmd':
      return scanShell(probe.command, 1).commands.some((c) => serviceWord(c, names, resolve) !== undefined);
    default:
      return false;
  }
}

/** Where a probe is written on the step's fence line (its raw text), else the fence itself. */
function probePos(context: LintContext, step: Step, probe: Probe): SourcePos {
  const line = context.source.split('\n')[step.pos.line - 1] ?? '';
  const at = line.indexOf(probe.raw);
  return { file: step.pos.file, line: step.pos.line, column: at === -1 ? 1 : at + 1 };
}

/** Files an earlier step writes (`cat > FILE <<EOF`) whose text gives the API server's real address. */
function overridingFiles(steps: readonly Step[]): Set<string> {
  const files = new Set<string>();
  for (const step of steps) {
    const { commands, heredocs } = scanStep(step);
    if (!heredocs.some((h) => ENDPOINT_OVERRIDE.test(h.text))) continue;
    for (const command of commands) {
      command.words.forEach((word, i) => {
        const next = command.words[i + 1];
        if (/^>>?$/.test(word.text) && next) files.add(next.text);
        if (programName(command) === 'tee' && i > 0 && !word.text.startsWith('-')) files.add(word.text);
      });
    }
  }
  return files;
}

/** A `helm install`/`upgrade` that waits for its Pods without giving them the API server's address. */
function waitingHelmInstall(step: Step, command: ShellCommand, files: Set<string>): Word | undefined {
  if (programName(command) !== 'helm') return undefined;
  const sub = argumentsOf(command)[0];
  if (!sub || (sub.text !== 'install' && sub.text !== 'upgrade')) return undefined;
  const flags = flagsOf(command);
  const waits = step.ready.length > 0 || flags.some((f) => HELM_WAIT_FLAGS.has(f.name));
  if (!waits || ENDPOINT_OVERRIDE.test(step.code)) return undefined;
  const valueFiles = command.words
    .map((word, i) => ({ word, next: command.words[i + 1] }))
    .filter(({ word }) => word.text === '-f' || word.text === '--values' || word.text.startsWith('--values='))
    .map(({ word, next }) => (word.text.startsWith('--values=') ? word.text.slice(9) : (next?.text ?? '')));
  if (valueFiles.some((file) => files.has(file))) return undefined;
  return sub;
}

/** A step meant to fail: reaching the Service before kube-proxy runs may be the very point. */
/**
 * service-before-proxy: the `kubernetes` Service (the first address of the service range, 10.0.0.1 by
 * default) only leads to the API server once kube-proxy has written its rules. A step that waits on it
 * before the step that starts kube-proxy waits until its timeout: a URL or a network client naming that
 * address or `kubernetes.default...`, in a command or a ready probe, and a `helm install` that waits
 * (`ready=`, `--wait`) for Pods that reach the API server through the Service (in-cluster clients do),
 * unless the chart is given the API server's real address (`kubernetesServiceEndpoint`,
 * `KUBERNETES_SERVICE_HOST`, in its --set or in the values file a step writes).
 */
export const serviceBeforeProxyRule: LintRule = {
  id: 'service-before-proxy',
  description: 'a step that waits on the kubernetes Service before kube-proxy is started',
  check(context) {
    const steps = context.steps.map((s) => s.step);
    const proxyAt = steps.findIndex(
      (step) =>
        step.session !== undefined && scanStep(step).commands.some((c) => programName(c) === 'kube-proxy'),
    );
    if (proxyAt <= 0) return [];
    const proxy = steps[proxyAt]!;
    const names = kubernetesService(context);
    const later = `kube-proxy, which makes that address lead to the API server, starts only later (step '${proxy.name}', line ${proxy.pos.line})`;
    const out: LessonDiagnostic[] = [];
    const before = steps.slice(0, proxyAt);
    const files = overridingFiles(before);
    for (const step of before) {
      if (expectsFailure(step)) continue;
      for (const command of scanStep(step).commands) {
        const helm = waitingHelmInstall(step, command, files);
        if (helm) {
          out.push(
            context.report(
              { file: step.pos.file, line: helm.line, column: helm.column },
              `'helm ${helm.text}' waits for Pods that reach the API server through the kubernetes Service (${names.ip}, ${names.origin}), but ${later}: give the chart the API server's real address (Calico: kubernetesServiceEndpoint.host, port) or start kube-proxy first`,
              { length: helm.text.length },
            ),
          );
          continue;
        }
        const word = serviceWord(command, names, context.resolve);
        if (word) {
          out.push(
            context.report(
              { file: step.pos.file, line: word.line, column: word.column },
              `'${word.text}' is the kubernetes Service (${names.ip}, ${names.origin}), but ${later}: move this step after it, use the API server's own address, or mark it expect=fail if the failure is the point`,
              { length: word.length },
            ),
          );
        }
      }
      for (const probe of step.ready) {
        if (!probeNamesService(probe, names, context.resolve)) continue;
        out.push(
          context.report(
            probePos(context, step, probe),
            `ready probe '${probe.raw}' waits on the kubernetes Service (${names.ip}, ${names.origin}), but ${later}: it can only time out; wait on the API server's own address, or after kube-proxy`,
            { length: probe.raw.length },
          ),
        );
      }
    }
    return out;
  },
};
