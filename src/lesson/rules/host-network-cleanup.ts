import type { LessonDiagnostic } from '../diagnostics.js';
import type { LintRule } from '../lint.js';
import { argumentsOf, flagsOf, programIndex, programName } from './shell-command.js';
import { scanStep, type ShellCommand, type Word } from './shell-scan.js';

/** `ip` objects and the actions that delete or flush them (`ip` takes any unambiguous prefix). */
const IP_DELETES: { object: RegExp; action: RegExp; what: string }[] = [
  { object: /^l(i(n(k)?)?)?$/, action: /^d(e(l(e(t(e)?)?)?)?)?$/, what: 'ip link delete' },
  { object: /^netns$/, action: /^d(e(l(e(t(e)?)?)?)?)?$/, what: 'ip netns delete' },
  {
    object: /^(r(o(u(t(e)?)?)?)?|a(d(d(r(e(s(s)?)?)?)?)?)?)$/,
    action: /^f(l(u(s(h)?)?)?)?$/,
    what: 'ip flush',
  },
];

/** iptables' options that flush or delete whole chains. */
const IPTABLES_FLUSH = /^(-[a-zA-Z]*[FX][a-zA-Z]*|--flush|--delete-chain)$/;

/** The word of a command that deletes or flushes the network objects of whatever namespace it runs in. */
export function hostNetworkWord(command: ShellCommand): { word: Word; what: string } | undefined {
  const program = programName(command);
  if (!program) return undefined;
  const programWord = command.words[programIndex(command)];
  if (program === 'ip') {
    const [object, action] = argumentsOf(command);
    const found = IP_DELETES.find(
      (d) => object && action && d.object.test(object.text) && d.action.test(action.text),
    );
    return found && programWord ? { word: programWord, what: found.what } : undefined;
  }
  if (/^ip6?tables(-legacy|-nft)?$/.test(program)) {
    const flush = command.words.find((w) => IPTABLES_FLUSH.test(w.text));
    return flush && programWord ? { word: programWord, what: `${program} ${flush.text}` } : undefined;
  }
  if (program === 'kube-proxy') {
    const cleanup = flagsOf(command).find((f) => f.name === '--cleanup' && f.value !== 'false');
    return cleanup && programWord ? { word: programWord, what: 'kube-proxy --cleanup' } : undefined;
  }
  if (program === 'ipvsadm' || program === 'conntrack') {
    const flush = command.words.find((w) => /^(-C|--clear|-F|--flush)$/.test(w.text));
    return flush && programWord ? { word: programWord, what: `${program} ${flush.text}` } : undefined;
  }
  return undefined;
}

/**
 * host-network-cleanup: in a lesson that isolates itself (front matter `isolate` enabled), the bridge, the
 * veths and every iptables rule the cluster makes live in the lesson's network namespace, and
 * `demystify cleanup` deletes that namespace with all of it. A step that deletes links, flushes iptables
 * chains or runs `kube-proxy --cleanup` is then useless in a run, and harmful when a learner types it in
 * a terminal of their own, outside the namespace: it deletes the machine's own (or another cluster's)
 * network objects.
 */
export const hostNetworkCleanupRule: LintRule = {
  id: 'host-network-cleanup',
  description: 'a step that deletes or flushes network objects in a lesson that runs in its own namespace',
  check(context) {
    if (context.lesson.isolate?.enabled !== true) return [];
    const out: LessonDiagnostic[] = [];
    for (const { step } of context.steps) {
      for (const command of scanStep(step).commands) {
        const found = hostNetworkWord(command);
        if (!found) continue;
        out.push(
          context.report(
            { file: step.pos.file, line: found.word.line, column: found.word.column },
            `'${found.what}' in a lesson that isolates itself: its bridge, veths and iptables rules live in the lesson's network namespace, which demystify cleanup deletes with everything in it; typed in a terminal outside that namespace, this command removes the machine's own (or another cluster's) network objects: leave it to the clean-up, or keep it in a note for --no-isolate runs`,
            { length: found.word.text.length },
          ),
        );
      }
    }
    return out;
  },
};
