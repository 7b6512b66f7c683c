import type { LessonDiagnostic } from '../diagnostics.js';
import { own } from '../own.js';
import type { LintRule } from '../lint.js';
import type { Step } from '../model.js';
import { argumentsOf, flagsOf, programName } from './shell-command.js';
import { expectsFailure, scanStep, type ShellCommand } from './shell-scan.js';

/** A client program and the server program it talks to, with the subcommands that need no server. */
interface Client {
  server: string;
  /** First arguments that work without the server (`kubectl config ...`). */
  offline: readonly string[];
  /** Only these first arguments need the server (helm: install, not repo add); empty means all do. */
  online?: readonly string[];
}

/** The clients the rule knows, keyed by program name. */
const CLIENTS: Record<string, Client> = {
  kubectl: {
    server: 'kube-apiserver',
    offline: ['config', 'completion', 'help', 'plugin', 'kustomize', 'options'],
  },
  etcdctl: { server: 'etcd', offline: ['version', 'help', 'completion'] },
  ctr: { server: 'containerd', offline: ['help'] },
  crictl: { server: 'containerd', offline: ['help', 'completion', 'config'] },
  helm: {
    server: 'kube-apiserver',
    offline: [],
    online: ['install', 'upgrade', 'uninstall', 'list', 'ls', 'status', 'rollback', 'get', 'history', 'test'],
  },
};

/** Whether a client command can run without its server (a `--help`, `kubectl version --client`, ...). */
export function needsServer(program: string, command: ShellCommand): boolean {
  const client = own(CLIENTS, program);
  if (!client) return false;
  const flags = flagsOf(command).map((f) => f.name);
  if (flags.includes('--help') || command.words.some((w) => w.text === '-h')) return false;
  if (
    flags.includes('--client') ||
    flagsOf(command).some((f) => f.name === '--dry-run' && f.value === 'client')
  )
    return false;
  const sub = argumentsOf(command)[0]?.text;
  if (sub === undefined) return program !== 'kubectl' && program !== 'helm';
  if (client.online) return client.online.includes(sub);
  return !client.offline.includes(sub);
}

/** A step meant to fail: using a component before it runs may be the very point. */
/**
 * used-before-started: a client (kubectl, etcdctl, ctr, crictl, helm) used in a step that comes before the
 * step starting the server it needs, when the lesson does start that server later. Such a step fails on a
 * fresh run. Steps that expect a failure are exempt.
 */
export const usedBeforeStartedRule: LintRule = {
  id: 'used-before-started',
  description: 'a client command used before the step that starts the component it needs',
  check(context) {
    // Where each server program is first started: the session steps, by the programs they run.
    const startedAt = new Map<string, Step>();
    for (const { step } of context.steps) {
      if (step.session === undefined) continue;
      for (const command of scanStep(step).commands) {
        const program = programName(command);
        if (program && !startedAt.has(program)) startedAt.set(program, step);
      }
    }
    const out: LessonDiagnostic[] = [];
    const running = new Set<string>();
    for (const { step } of context.steps) {
      const commands = scanStep(step).commands;
      if (step.session === undefined && !expectsFailure(step)) {
        for (const command of commands) {
          const program = programName(command);
          if (!program || !needsServer(program, command)) continue;
          const server = own(CLIENTS, program)?.server ?? '';
          const start = startedAt.get(server);
          if (!start || running.has(server)) continue;
          const word = command.words.find((w) => w.text.endsWith(program));
          const pos = { file: step.pos.file, line: word?.line ?? step.pos.line, column: word?.column ?? 1 };
          out.push(
            context.report(
              pos,
              `'${program}' needs ${server}, which the lesson starts only later (step '${start.name}', line ${start.pos.line}): move this step after it, or mark it expect=fail if the failure is the point`,
              { length: program.length },
            ),
          );
        }
      }
      if (step.session !== undefined) {
        for (const command of commands) {
          const program = programName(command);
          if (program) running.add(program);
        }
      }
    }
    return out;
  },
};
