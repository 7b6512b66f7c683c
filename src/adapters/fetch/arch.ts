import { UsageError } from '../../errors.js';

/** Architectures the lessons' release files are published for, in Go's naming (as in release URLs). */
const SUPPORTED_ARCHES = ['amd64', 'arm64'] as const;

/** One of {@link SUPPORTED_ARCHES}. */
export type Arch = (typeof SUPPORTED_ARCHES)[number];

/** Node's `process.arch` names mapped to the Go names release URLs use. */
const NODE_TO_GO: Record<string, Arch> = { x64: 'amd64', arm64: 'arm64' };

/**
 * The machine's architecture in release-URL naming. Node says `x64` where downloads say `amd64`; the
 * tutorial's bare curl lines hard-code one and break on the other, so this is derived, never assumed.
 */
export function detectArch(nodeArch: string = process.arch): Arch {
  const arch = NODE_TO_GO[nodeArch];
  if (!arch) {
    throw new UsageError(`this machine's architecture (${nodeArch}) has no release files`, {
      hint: `pass --arch ${SUPPORTED_ARCHES.join('|')} to fetch for another machine`,
    });
  }
  return arch;
}

/** Validate an `--arch` value (accepting Node's `x64` too), or detect it when absent. */
export function parseArch(value: string | undefined, nodeArch: string = process.arch): Arch {
  if (value === undefined || value === '') return detectArch(nodeArch);
  const arch = (SUPPORTED_ARCHES as readonly string[]).includes(value) ? (value as Arch) : NODE_TO_GO[value];
  if (!arch)
    throw new UsageError(`unknown architecture "${value}"`, { hint: `use ${SUPPORTED_ARCHES.join(' or ')}` });
  return arch;
}
