import { join } from 'node:path';
import type { Lesson, Probe } from '../../lesson/model.js';
import {
  checkBinary,
  checkPorts,
  checkPrivileges,
  checkSwap,
  checkTmux,
  type DoctorCheck,
  type DoctorDeps,
  type ExpectedBinary,
} from './checks.js';
import { checkCgroups, checkDisk, checkHostname, checkIpForward, checkOverlay } from './checks-system.js';

/** Ports a one-node Kubernetes uses: etcd client and peer, API server, kubelet, kube-proxy, controller-manager, scheduler. */
export const KUBERNETES_PORTS = [2379, 2380, 6443, 10248, 10249, 10250, 10256, 10257, 10259];

/** Free space wanted in the cache and in the work directory (a Kubernetes server tarball and what it unpacks to). */
const MIN_FREE_BYTES = 2 * 1024 ** 3;

/** The parts of a lesson the doctor reads. */
export type DoctorLesson = Pick<Lesson, 'artifacts' | 'components' | 'versions' | 'chapters'> & {
  isolate?: Lesson['isolate'];
};

/** What to examine. */
export interface DoctorInput {
  lesson: DoctorLesson;
  /** Work directory root (binaries are looked for in `<workdir>/<dest>`). */
  workdir: string;
  cacheDir: string;
  /** More ports to check (`--port`). */
  extraPorts?: number[];
  /** The lesson's own version of each artifact, by name, when the `lesson` given is a pinned one. */
  lessonVersions?: Record<string, string>;
  minFreeBytes?: number;
}

/** Every binary the lesson's artifacts install, where `fetch` puts it. */
export function lessonBinaries(
  lesson: DoctorLesson,
  workdir: string,
  lessonVersions: Record<string, string> = {},
): ExpectedBinary[] {
  return lesson.artifacts.flatMap((artifact) => {
    const own = lessonVersions[artifact.name];
    return Object.values(artifact.extract).map((name) => ({
      name,
      path: join(workdir, artifact.dest ?? 'bin', name),
      version: artifact.version,
      searchPath: (artifact.dest ?? 'bin') === 'bin',
      ...(own !== undefined && own !== artifact.version ? { lessonVersion: own } : {}),
    }));
  });
}

function probePort(probe: Probe): number | undefined {
  if (probe.kind === 'tcp') return probe.port;
  if (probe.kind !== 'http') return undefined;
  try {
    const url = new URL(probe.url);
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
}

/** The Kubernetes version a lesson pins, if it is a Kubernetes lesson. */
export function kubernetesVersion(lesson: DoctorLesson): string | undefined {
  const key = Object.keys(lesson.versions).find((name) => /^kube/.test(name));
  return key
    ? lesson.versions[key]
    : lesson.artifacts.find((artifact) => /^kube/.test(artifact.name))?.version;
}

/** Ports to check: those the lesson's probes wait on, Kubernetes' own for a Kubernetes lesson, and extras. */
export function lessonPorts(lesson: DoctorLesson, extra: number[] = []): number[] {
  const ports = new Set<number>();
  const probes = [
    ...Object.values(lesson.components).flatMap((component) => component.ready),
    ...lesson.chapters.flatMap((chapter) => chapter.steps.flatMap((step) => step.ready)),
  ];
  for (const probe of probes) {
    const port = probePort(probe);
    if (port !== undefined && Number.isInteger(port) && port > 0 && port < 65536) ports.add(port);
  }
  const names = [...Object.keys(lesson.components), ...lesson.artifacts.map((artifact) => artifact.name)];
  if (names.some((name) => /^kube/.test(name))) for (const port of KUBERNETES_PORTS) ports.add(port);
  for (const port of extra) ports.add(port);
  return [...ports].sort((a, b) => a - b);
}

/**
 * Check everything a lesson needs before it starts, each check saying how to fix a miss. Nothing is
 * changed on the machine. The lesson's binaries are checked in parallel (each runs `--version`).
 */
export async function runDoctor(input: DoctorInput, deps: DoctorDeps): Promise<DoctorCheck[]> {
  const { lesson } = input;
  const isolated = lesson.isolate?.enabled === true;
  const binaries = await Promise.all(
    lessonBinaries(lesson, input.workdir, input.lessonVersions).map((binary) => checkBinary(binary, deps)),
  );
  const ports = lessonPorts(lesson, input.extraPorts);
  const min = input.minFreeBytes ?? MIN_FREE_BYTES;
  return [
    ...binaries,
    await checkTmux(deps),
    await checkPrivileges(deps),
    await checkSwap(deps),
    ...(ports.length > 0 ? [await checkPorts(ports, deps, isolated)] : []),
    await checkCgroups(deps, kubernetesVersion(lesson)),
    await checkIpForward(deps, isolated),
    await checkHostname(deps),
    await checkOverlay(deps),
    await checkDisk('cache', input.cacheDir, min, deps),
    await checkDisk('workdir', input.workdir, min, deps),
  ];
}
