import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';
import { displayPath } from './pki.js';

/** What commander hands the `kubeconfig` action. */
interface KubeconfigCliOptions {
  name: string;
  dir: string;
  server: string;
  cluster: string;
  ca?: string;
  cert?: string;
  key?: string;
  user?: string;
  out?: string;
  all?: boolean;
}

/** `demystify kubeconfig`: write a kubeconfig with embedded certificates */
export const defineKubeconfig: CommandDefinition = (program, io) => {
  program
    .command('kubeconfig')
    .description(
      'write a kubeconfig with embedded certificates (what kubectl config set-* --embed-certs makes)',
    )
    .option('--name <name>', 'certificate to use: <dir>/<name>.pem and <dir>/<name>-key.pem', 'admin')
    .option('--dir <dir>', 'folder of the certificates and keys', 'certs')
    .option('--server <url>', 'the API server', 'https://127.0.0.1:6443')
    .option('--cluster <name>', 'cluster name in the kubeconfig', 'demystify')
    .option('--ca <file>', 'CA certificate (default: <dir>/ca.pem)')
    .option('--cert <file>', 'client certificate (default: <dir>/<name>.pem)')
    .option('--key <file>', 'client key (default: <dir>/<name>-key.pem)')
    .option('--user <name>', "user name in the kubeconfig (default: the certificate's CN)")
    .option(
      '--out <path>',
      'file to write (default: <name>.conf), - for standard output; with --all, the folder (default: .)',
    )
    .option('--all', 'one kubeconfig per component of the per-component profile')
    .action(async (opts: KubeconfigCliOptions) => {
      const pki = await import('../../adapters/pki/kubeconfig.js');
      if (opts.all) {
        const clash = (['cert', 'key', 'user'] as const).filter((name) => opts[name] !== undefined);
        if (clash.length > 0) throw new UsageError(`--all cannot be combined with --${clash.join(', --')}`);
        if (opts.out === '-')
          throw new UsageError('--all writes several files: --out - (standard output) needs one');
        const files = await pki.writeComponentKubeconfigs({
          dir: opts.dir,
          outDir: opts.out ?? '.',
          server: opts.server,
          cluster: opts.cluster,
        });
        for (const file of files)
          io.stdout(`${file.action.padEnd(7)} ${displayPath(file.path)}  (user ${file.user})\n`);
        return;
      }
      const input = await pki.loadKubeconfigInput({
        caPath: opts.ca ?? join(opts.dir, 'ca.pem'),
        certPath: opts.cert ?? join(opts.dir, `${opts.name}.pem`),
        keyPath: opts.key ?? join(opts.dir, `${opts.name}-key.pem`),
        server: opts.server,
        cluster: opts.cluster,
        ...(opts.user === undefined ? {} : { user: opts.user }),
      });
      if (opts.out === '-') {
        io.stdout(pki.renderKubeconfig(pki.buildKubeconfig(input)));
        return;
      }
      const out = opts.out ?? `${opts.name}.conf`;
      const action = await pki.writeKubeconfig(out, input);
      io.stdout(`${action.padEnd(7)} ${displayPath(out)}  (user ${input.user})\n`);
    });
};
