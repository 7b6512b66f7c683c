import { InvalidArgumentError, Option } from 'commander';
import { relative, isAbsolute } from 'node:path';
import type { CommandDefinition } from '../context.js';
import { collect } from './shared-options.js';

/** What commander hands the `pki` action. */
interface PkiCliOptions {
  dir: string;
  hostname?: string[];
  ip?: string[];
  profile: 'simple' | 'per-component';
  serviceCidr: string;
  nodeName?: string;
  days: number;
  force?: boolean;
}

/** Commander parser of a positive whole number of days. */
function parseDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days <= 0) throw new InvalidArgumentError('a positive whole number of days');
  return days;
}

/** A path as the user would type it: relative to the current folder when it lies below it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** `demystify pki`: write a CA, certificates and keys for a lesson */
export const definePki: CommandDefinition = (program, io) => {
  program
    .command('pki')
    .description('write a CA, certificates and keys for a lesson (existing files are kept)')
    .option('--dir <dir>', 'folder of the certificates and keys', 'certs')
    .option('--hostname <name>', 'another DNS name for the serving certificates (repeatable)', collect)
    .option('--ip <address>', 'another IP address for the serving certificates (repeatable)', collect)
    .addOption(
      new Option(
        '--profile <profile>',
        "simple: one admin certificate for everything (the tutorial's); per-component: one per component",
      )
        .choices(['simple', 'per-component'])
        .default('simple'),
    )
    .option(
      '--service-cidr <cidr>',
      "the cluster's service range; its first address goes in the SANs",
      '10.0.0.0/24',
    )
    .option('--node-name <name>', "node name in the kubelet's certificate (default: this machine's hostname)")
    .option('--days <n>', 'validity of the certificates, in days', parseDays, 365)
    .option('--force', 'make a new CA and new certificates even where files exist')
    .action(async (opts: PkiCliOptions) => {
      const { ensurePki } = await import('../../adapters/pki/ensure.js');
      const result = await ensurePki({
        dir: opts.dir,
        profile: opts.profile,
        hostnames: opts.hostname ?? [],
        ips: opts.ip ?? [],
        serviceCidr: opts.serviceCidr,
        ...(opts.nodeName === undefined ? {} : { nodeName: opts.nodeName }),
        days: opts.days,
        force: Boolean(opts.force),
      });
      for (const file of result.files) {
        const note = file.note ? `  (${file.note})` : '';
        io.stdout(`${file.action.padEnd(7)} ${displayPath(file.path)}${note}\n`);
      }
    });
};
