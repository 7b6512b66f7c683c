/** How a check came out: `warn` points at something to know, and does not make doctor fail. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report: pure data, so it prints as text or JSON alike. */
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  /** False only for `fail`. */
  ok: boolean;
  detail: string;
  /** What to do about a `warn` or a `fail`. */
  fix?: string;
}

/** What running a command returned; never an exception (a missing program is `exitCode: undefined`). */
export interface RunResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Everything the checks learn from the machine, behind one object so each check is unit-testable. */
export interface DoctorDeps {
  run: (command: string, args: string[], timeoutMs?: number) => Promise<RunResult>;
  /** A file's text, or undefined when it cannot be read. */
  readFile: (path: string) => Promise<string | undefined>;
  exists: (path: string) => Promise<boolean>;
  isExecutable: (path: string) => Promise<boolean>;
  /** A program's path on PATH. */
  which: (name: string) => Promise<string | undefined>;
  /** Whether a TCP port can be listened on (all addresses). */
  portFree: (port: number) => Promise<boolean>;
  /** The addresses a name resolves to (empty when it does not). */
  lookup: (host: string) => Promise<string[]>;
  hostname: () => string;
  uid: () => number;
  /** Free bytes on the filesystem holding `path` (or its nearest existing parent). */
  freeBytes: (path: string) => Promise<number | undefined>;
}

/** Build a check result. */
export function check(name: string, status: CheckStatus, detail: string, fix?: string): DoctorCheck {
  return { name, status, ok: status !== 'fail', detail, ...(fix ? { fix } : {}) };
}

/**
 * The line of a version output worth showing: the one naming the pinned version, else the first that
 * looks like a version (the shim prints its path first), else the first.
 */
function versionLine(text: string, version = ''): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    (version ? lines.find((line) => line.includes(version)) : undefined) ??
    lines.find((line) => /\d+\.\d+/.test(line)) ??
    lines[0] ??
    ''
  );
}

/** A binary the lesson installs, where it should be, and the version the lesson pins. */
export interface ExpectedBinary {
  name: string;
  path: string;
  version: string;
  /** Whether one found on PATH would do (only for `bin/`: a CNI plugin named `bridge` is not iproute2's). */
  searchPath: boolean;
  /** The lesson's own version, when `version` is another one (`--pin`, or the run's pins). */
  lessonVersion?: string;
}

/** The version a binary should have, as the messages say it, never passing a `--pin` off as the lesson's. */
function wanted(binary: ExpectedBinary): string {
  return binary.lessonVersion === undefined
    ? `the lesson pins ${binary.version}`
    : `this run uses ${binary.version} (the lesson pins ${binary.lessonVersion})`;
}

/** How to ask a binary its version when `--version` is not the way (then `version` and `-v` are tried). */
const VERSION_ARGS: Record<string, string[]> = {
  kubectl: ['version', '--client'],
  'containerd-shim-runc-v2': ['-v'],
  helm: ['version', '--short'],
};

/** Run the binary's version command; a program that ran but refused the flag gets the other spellings. */
async function askVersion(path: string, name: string, deps: DoctorDeps): Promise<RunResult> {
  const tries = [VERSION_ARGS[name] ?? ['--version'], ['version'], ['-v']];
  let result: RunResult = { exitCode: undefined, stdout: '', stderr: '' };
  for (const args of tries) {
    result = await deps.run(path, args, 10_000);
    if (result.exitCode === 0 || result.exitCode === undefined) return result;
  }
  return result;
}

/**
 * A binary is present and runnable: `--version` exits 0 (a wrong architecture or a truncated file fails
 * here, not in the middle of a chapter). One from PATH instead of the work directory only warns.
 */
export async function checkBinary(binary: ExpectedBinary, deps: DoctorDeps): Promise<DoctorCheck> {
  const name = `binary ${binary.name}`;
  let path = binary.path;
  let fromPath = false;
  if (!(await deps.isExecutable(path))) {
    const found = binary.searchPath ? await deps.which(binary.name) : undefined;
    if (!found) {
      const where = binary.searchPath ? `${binary.path} nor on PATH` : binary.path;
      return check(
        name,
        'fail',
        `missing: not in ${where}`,
        'demystify fetch (or demystify bundle load FILE offline)',
      );
    }
    path = found;
    fromPath = true;
  }
  const result = await askVersion(path, binary.name, deps);
  const output = versionLine(result.stdout, binary.version) || versionLine(result.stderr, binary.version);
  if (result.exitCode !== 0) {
    return check(
      name,
      'fail',
      `${path} does not run: ${output || `exit ${String(result.exitCode)}`}`,
      'demystify fetch (check --arch)',
    );
  }
  if (fromPath) {
    return check(name, 'warn', `${path} from PATH (${output}); ${wanted(binary)}`, 'demystify fetch');
  }
  if (!output.includes(binary.version)) {
    return check(name, 'warn', `${path}: ${output}; ${wanted(binary)}`, 'demystify fetch');
  }
  return check(name, 'ok', `${path}: ${output}`);
}

/** tmux runs every component's session: it must be there, and recent enough for the options we use. */
export async function checkTmux(deps: DoctorDeps): Promise<DoctorCheck> {
  const result = await deps.run('tmux', ['-V'], 5000);
  if (result.exitCode !== 0) return check('tmux', 'fail', 'tmux is not installed', 'apt-get install tmux');
  const version = /tmux (?:next-)?(\d+)\.(\d+)/.exec(result.stdout);
  if (version && Number(version[1]) < 3) {
    return check('tmux', 'fail', `${result.stdout.trim()} is too old (3.0 or later)`, 'upgrade tmux');
  }
  return check('tmux', 'ok', result.stdout.trim());
}

/** Components need root (containerd, kubelet, iptables): root, or sudo that does not ask. */
export async function checkPrivileges(deps: DoctorDeps): Promise<DoctorCheck> {
  if (deps.uid() === 0) return check('root or sudo', 'ok', 'running as root');
  if (!(await deps.which('sudo')))
    return check('root or sudo', 'fail', 'not root, and no sudo', 'run as root, or install sudo');
  const sudo = await deps.run('sudo', ['-n', 'true'], 5000);
  if (sudo.exitCode === 0) return check('root or sudo', 'ok', 'sudo works without a password');
  return check('root or sudo', 'warn', 'sudo asks for a password', 'run `sudo -v` just before the lesson');
}

/** kubelet refuses to start with swap on unless told otherwise. */
export async function checkSwap(deps: DoctorDeps): Promise<DoctorCheck> {
  const swaps = await deps.readFile('/proc/swaps');
  if (swaps === undefined) return check('swap', 'warn', 'cannot read /proc/swaps');
  const devices = swaps.trim().split('\n').slice(1).filter(Boolean);
  if (devices.length === 0) return check('swap', 'ok', 'off');
  return check(
    'swap',
    'warn',
    `on (${devices.map((d) => d.split(/\s+/)[0]).join(', ')}): kubelet refuses it by default`,
    'swapoff -a (or failSwapOn: false in the kubelet config)',
  );
}

/** Ports the components listen on must be free, or a component fails to start half-way through. */
export async function checkPorts(ports: number[], deps: DoctorDeps, isolated = false): Promise<DoctorCheck> {
  const busy: string[] = [];
  for (const port of ports) {
    if (await deps.portFree(port)) continue;
    const ss = await deps.run('ss', ['-Hltnp', `sport = :${port}`], 5000);
    const holder = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout);
    busy.push(holder ? `${port} (${holder[1]}, pid ${holder[2]})` : `${port}`);
  }
  if (busy.length === 0) return check('ports', 'ok', `free: ${ports.join(', ')}`);
  const fix = 'stop what holds them (demystify cleanup, if it is an earlier run)';
  // In its own network namespace the lesson does not compete for the host's ports.
  if (isolated)
    return check(
      'ports',
      'warn',
      `in use on the host: ${busy.join(', ')} (the lesson's namespace has its own)`,
      fix,
    );
  return check('ports', 'fail', `in use: ${busy.join(', ')}`, fix);
}
