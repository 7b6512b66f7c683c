import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveArtifact } from '../../src/adapters/fetch/resolve.js';
import { buildPlan } from '../../src/engine/plan.js';
import type { Plan } from '../../src/engine/plan-model.js';
import { planJson } from '../../src/cli/actions/plan.js';
import { lintLesson } from '../../src/lesson/lint.js';
import type { Lesson } from '../../src/lesson/model.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { LINT_RULES } from '../../src/lesson/rules/index.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { ROOT } from '../helpers/paths.js';

const LANGS = ['en', 'fr'] as const;

/** Read and parse a built-in lesson by language, with its lesson-relative file name. */
function load(lang: string): { lesson: Lesson; source: string } {
  const file = `lessons/demystify-kubernetes.${lang}.md`;
  const source = readFileSync(join(ROOT, file), 'utf8');
  const { lesson, diagnostics, ok } = parseLesson(source, file);
  assert.ok(ok, diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return { lesson, source };
}

/** The plan with what depends on the language (titles, file, lang) left out: what both must share. */
function languageFree(plan: Plan): unknown {
  return {
    options: plan.options,
    chapters: plan.chapters.map((c) => ({ id: c.id, steps: c.steps })),
    steps: plan.steps.map((s) => {
      const { chapterTitle: _title, ...rest } = s;
      return rest;
    }),
  };
}

/** Every combination of the lesson's options. */
function optionSets(lesson: Lesson): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const option of Object.values(lesson.options)) {
    sets = sets.flatMap((set) => option.values.map((value) => ({ ...set, [option.name]: value })));
  }
  return sets;
}

for (const lang of LANGS) {
  test(`built-in lesson (${lang}) parses and passes every lint rule`, () => {
    const { lesson, source } = load(lang);
    assert.equal(lesson.id, 'demystify-kubernetes');
    assert.equal(lesson.lang, lang);
    const diagnostics = lintLesson(lesson, source, LINT_RULES);
    assert.deepEqual(
      diagnostics.map((d) => `${d.line}:${d.column} ${d.message} [${d.code}]`),
      [],
    );
  });

  test(`plan --json snapshot of the built-in lesson (${lang})`, () => {
    const { lesson } = load(lang);
    // Not as root, so the snapshot shows which steps are typed with sudo, whoever runs the tests.
    const plan = buildPlan(lesson, { workdir: '/WORKDIR', asRoot: false });
    matchSnapshot(`plan-demystify-kubernetes.${lang}.json`, planJson(plan));
  });
}

test('both languages have the same chapters, steps, sessions and commands, whatever the options', () => {
  const en = load('en').lesson;
  const fr = load('fr').lesson;
  const choices = (l: Lesson): unknown => Object.values(l.options).map((o) => [o.name, o.values, o.default]);
  assert.deepEqual(choices(fr), choices(en));
  const sets = optionSets(en);
  assert.equal(sets.length, 24); // network 2 × ingress 3 × runtime 2 × images 2
  for (const options of sets) {
    const opts = { workdir: '/WORKDIR', options, node: { ip: '10.200.7.2', name: 'node' } };
    assert.deepEqual(
      languageFree(buildPlan(fr, opts)),
      languageFree(buildPlan(en, opts)),
      JSON.stringify(options),
    );
  }
  // What the plan does not carry must agree too: expected outputs, versions, artifacts, images.
  assert.deepEqual(fr.versions, en.versions);
  assert.deepEqual(
    fr.artifacts.map(({ pos: _p, ...a }) => a),
    en.artifacts.map(({ pos: _p, ...a }) => a),
  );
  assert.deepEqual(
    fr.images.map((i) => i.ref),
    en.images.map((i) => i.ref),
  );
  assert.deepEqual(fr.tls, en.tls);
  assert.deepEqual(fr.reset, en.reset);
  assert.deepEqual(fr.isolate, en.isolate);
});

test('the chapters follow the tutorial, in order', () => {
  const { lesson } = load('en');
  assert.deepEqual(
    lesson.chapters.map((c) => c.id),
    [
      'prerequisites',
      'certificates',
      'kubeconfig',
      'etcd',
      'apiserver',
      'deployment',
      'controller-manager',
      'scheduler',
      'containerd',
      'kubelet',
      'cni',
      'kube-proxy',
      'service',
      'ingress',
      'iptables',
      'cleanup',
    ],
  );
  // Every chapter but the clean-up has something a learner can check, and most have speaker notes.
  for (const chapter of lesson.chapters.filter((c) => c.id !== 'cleanup')) {
    assert.ok(
      chapter.steps.some((s) => s.check),
      `chapter ${chapter.id} has no check`,
    );
  }
  for (const lang of LANGS) {
    for (const chapter of load(lang).lesson.chapters)
      assert.ok(chapter.notes.length > 0, `chapter ${chapter.id} (${lang}) has no speaker notes`);
  }
});

test('each component starts in its own session, once, with a readiness probe', () => {
  for (const lang of LANGS) {
    const { lesson } = load(lang);
    const names = ['etcd', 'apiserver', 'controller', 'scheduler', 'containerd', 'kubelet', 'proxy'];
    assert.deepEqual(Object.keys(lesson.components), names);
    const steps = lesson.chapters.flatMap((c) => c.steps);
    for (const name of names) {
      const component = lesson.components[name];
      assert.equal(component?.session, name);
      assert.ok((component?.ready.length ?? 0) > 0, `${name} has no readiness probe`);
      assert.equal(steps.filter((s) => s.session === name).length, 1, `${name} must be started by one step`);
    }
  }
});

test('the expected failures of the tutorial are checks: no Pods, Pending Pods, a NotReady node', () => {
  const { lesson } = load('en');
  const checks = lesson.chapters.flatMap((c) =>
    c.steps.filter((s) => s.check).map((s) => [c.id, s] as const),
  );
  const expecting = (chapter: string, pattern: RegExp): boolean =>
    checks.some(([id, s]) => id === chapter && pattern.test(s.expect.output?.pattern ?? ''));
  assert.ok(expecting('deployment', /No resources found/));
  assert.ok(expecting('controller-manager', /Pending/));
  assert.ok(expecting('scheduler', /Pending/));
  assert.ok(expecting('kubelet', /NotReady/));
  assert.ok(expecting('iptables', /probability/));
});

/** The steps of a plan of the English lesson with these options, by name. */
function planSteps(options: Record<string, string> = {}): Map<string, Plan['steps'][number]> {
  const { lesson } = load('en');
  const plan = buildPlan(lesson, { workdir: '/WORKDIR', options, node: { ip: '10.200.7.2', name: 'node' } });
  return new Map(plan.steps.map((s) => [s.name, s]));
}

test('the key moments show their expected output, and checks back what the narration claims', () => {
  const steps = planSteps();
  const output = (name: string): string => steps.get(name)?.expectedOutput ?? '';
  assert.match(output('deployment-not-ready'), /0\/2/);
  assert.match(output('pods-pending'), /Pending/);
  assert.match(output('failed-scheduling'), /FailedScheduling/);
  assert.match(output('node-not-ready-reason'), /cni plugin not initialized/);
  assert.match(output('sep-chains'), /KUBE-MARK-MASQ[\s\S]*DNAT/);
  assert.match(output('svc-chain-scaled'), /probability 0\.25[\s\S]*0\.33[\s\S]*0\.5/);
  const expects = (name: string): string => steps.get(name)?.expect.output?.pattern ?? '';
  // The slice this node got, its taint while NotReady, logs through the kubelet client certificate.
  assert.equal(
    steps.get('node-pod-cidr')?.command,
    "kubectl get node node --output jsonpath='{.spec.podCIDR}'",
  );
  assert.match(expects('node-pod-cidr'), /10\\\.244/);
  assert.match(expects('node-taints'), /not-ready/);
  assert.equal(steps.get('pod-logs')?.command, 'kubectl logs deployment/web');
  // Service accounts: the controller manager's default ServiceAccount and kube-root-ca.crt.
  assert.match(expects('service-account-and-ca'), /kube-root-ca/);
  assert.ok(steps.get('start-controller-manager')?.ready.some((p) => p.raw.includes('kube-root-ca.crt')));
  // KUBE-NODEPORTS and a LoadBalancer that stays pending, without the Ingress.
  assert.match(expects('lb-pending'), /pending/);
  assert.match(expects('nodeports'), /front/);
  const noIngress = planSteps({ ingress: 'none' });
  for (const name of ['expose-lb', 'lb-pending', 'curl-nodeport', 'nodeports', 'postrouting', 'delete-lb'])
    assert.ok(noIngress.has(name), `${name} must run without the Ingress`);
});

test('Calico: the operator gets the API server address, no aggregated API server, order, clean-up', () => {
  const { lesson } = load('en');
  const plan = buildPlan(lesson, {
    workdir: '/WORKDIR',
    options: { network: 'calico' },
    node: { ip: '10.200.7.2', name: 'node' },
  });
  const names = plan.steps.map((s) => s.name);
  const at = (name: string): number => {
    const i = names.indexOf(name);
    assert.notEqual(i, -1, `${name} is not planned with network=calico`);
    return i;
  };
  const values = plan.steps[at('calico-values')]?.command ?? '';
  assert.ok(values.includes('kubernetesServiceEndpoint:\n  host: 10.200.7.2\n  port: "6443"'), values);
  assert.ok(values.includes('apiServer:\n  enabled: false'), values);
  assert.ok(values.includes('\nkubeletVolumePluginPath: None'), values);
  assert.ok(values.includes('\n  flexVolumePath: None'), values);
  // containerd reads the machine's CNI folders, where Calico's installer writes, before it starts.
  assert.ok(at('containerd-cni-calico') < at('start-containerd'));
  assert.match(
    plan.steps[at('containerd-cni-calico')]?.command ?? '',
    /\/etc\/cni\/net\.d[\s\S]*\/opt\/cni\/bin/,
  );
  // helm keeps its repositories in the work directory, which reset removes.
  assert.ok(at('calico-helm-home') < at('calico-repo'));
  assert.ok(lesson.reset.includes('helm'));
  // The install waits for the node, before kube-proxy: lint's service-before-proxy is what allows it.
  assert.ok(at('calico-install') < at('start-kube-proxy'));
  assert.ok(at('calico-uninstall') < plan.steps.length && at('calico-uninstall') > at('delete-web'));
  // The machine's files Calico leaves are a step by hand, never run by `run`.
  assert.equal(names.includes('calico-host-files'), false);
  assert.ok(plan.excluded?.some((e) => e.name === 'calico-host-files'));
  // The Traefik chart is pinned.
  const helmIngress = buildPlan(lesson, { workdir: '/WORKDIR', options: { ingress: 'helm' } });
  assert.match(
    helmIngress.steps.find((s) => s.name === 'traefik-install')?.command ?? '',
    /--version \d+\.\d+\.\d+/,
  );
});

test('pinned versions and artifacts resolve, with published checksums, for both architectures', () => {
  const { lesson } = load('en');
  assert.deepEqual(
    { ...lesson.versions },
    {
      kubernetes: '1.36.0',
      etcd: '3.6.9',
      containerd: '2.2.2',
      runc: '1.4.1',
      cni: '1.9.1',
      helm: '3.19.0',
    },
  );
  const official = /^https:\/\/(dl\.k8s\.io|github\.com\/[\w-]+\/[\w-]+\/releases\/download|get\.helm\.sh)\//;
  for (const arch of ['amd64', 'arm64'] as const) {
    for (const spec of lesson.artifacts) {
      const artifact = resolveArtifact(spec, { arch });
      assert.match(artifact.url, official, artifact.url);
      assert.match(artifact.sha256Url ?? '', official, `${spec.name} needs a published checksum`);
      assert.ok(!artifact.url.includes('${'), artifact.url);
    }
  }
  const names = lesson.artifacts.flatMap((a) => Object.values(a.extract));
  for (const program of [
    'etcd',
    'kube-apiserver',
    'kubelet',
    'kubectl',
    'containerd',
    'runc',
    'bridge',
    'helm',
  ]) {
    assert.ok(names.includes(program), `no artifact installs ${program}`);
  }
  assert.deepEqual(
    lesson.images.map((i) => i.ref),
    [
      'registry.k8s.io/pause:3.10.2',
      'docker.io/library/nginx:1.28.0-alpine',
      'docker.io/library/traefik:v3.6',
    ],
  );
});

test('the credits name the original tutorials and their licence', () => {
  for (const lang of LANGS) {
    const credits = load(lang).lesson.credits ?? '';
    for (const needle of ['Denis Germain', 'Petazzoni', 'Kelsey Hightower', 'CC BY-SA 4.0']) {
      assert.ok(credits.includes(needle), `${lang} credits lack ${needle}`);
    }
  }
  const doc = readFileSync(join(ROOT, 'docs', 'credits.md'), 'utf8');
  for (const needle of [
    'zwindler/demystifions-kubernetes',
    'jpetazzo/dessine-moi-un-cluster',
    'kelseyhightower/kubernetes-the-hard-way',
    'CC BY-SA 4.0',
  ]) {
    assert.ok(doc.includes(needle), `docs/credits.md lacks ${needle}`);
  }
});
