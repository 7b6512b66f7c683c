import { defaultCacheDir } from '../../adapters/workdir/workdir.js';
import type { DoctorCheck } from '../../adapters/doctor/checks.js';
import { runDoctor } from '../../adapters/doctor/doctor.js';
import { hostDeps } from '../../adapters/doctor/host.js';
import { UsageError } from '../../errors.js';
import { lessonWorkdir } from '../common.js';
import type { CliIo } from '../context.js';
import { inEffect, lessonFor, pinsLine, skippedLine } from './in-effect.js';

/** Options of `demystify doctor`. */
export interface DoctorCommandOptions {
  workdir?: string;
  cache?: string;
  port?: string[];
  set?: string[];
  pin?: string[];
  lang?: string;
  json?: boolean;
}

/** The identifier of doctor's JSON output, bumped on any incompatible change. */
const DOCTOR_SCHEMA = 'demystify.doctor/v1';

/** The report as a person reads it: one line per check, the fix under each miss. */
function formatChecks(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const label = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${label[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`      ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  lines.push(
    '',
    failed === 0
      ? `all is well${warned ? ` (${count(warned, 'warning')})` : ''}`
      : `${count(failed, 'problem')}, ${count(warned, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `demystify doctor`: exit 0 only when no check fails (warnings do not count). */
export async function runDoctorCommand(
  ref: string | undefined,
  opts: DoctorCommandOptions,
  io: CliIo,
): Promise<number> {
  const extraPorts = (opts.port ?? []).map((value) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`--port ${value} is not a port number`);
    return port;
  });
  const lesson = await lessonFor(ref, opts);
  const workdir = lessonWorkdir(lesson.id, opts.workdir);
  // Only the binaries the options in effect need, at the versions in effect (the run's, with --workdir).
  const effect = await inEffect(lesson, workdir.root, opts);
  const lessonVersions = Object.fromEntries(effect.artifacts.map((a) => [a.name, a.version]));
  const checks = await runDoctor(
    {
      lesson: effect.lesson,
      lessonVersions,
      workdir: workdir.root,
      cacheDir: opts.cache ?? defaultCacheDir(),
      extraPorts,
    },
    hostDeps,
  );
  const ok = checks.every((c) => c.ok);
  io.stdout(
    opts.json
      ? `${JSON.stringify({ schema: DOCTOR_SCHEMA, lesson: lesson.id, ok, checks }, null, 2)}\n`
      : formatChecks(checks) + pinsLine(effect.pins) + skippedLine(effect.skipped),
  );
  return ok ? 0 : 1;
}
