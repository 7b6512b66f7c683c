import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintLesson } from '../../src/lesson/lint.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { LINT_RULES } from '../../src/lesson/rules/index.js';
import { contains, firstAddress, overlaps, parseCidr } from '../../src/ip-address.js';
import { findRemoved, minorVersion } from '../../src/lesson/rules/removed-flag.js';
import { scanShell } from '../../src/lesson/rules/shell-scan.js';
import { argumentsOf, flagsOf, programName } from '../../src/lesson/rules/shell-command.js';
import { needsServer } from '../../src/lesson/rules/used-before-started.js';
import { locateResetEntries, resetPathProblem } from '../../src/lesson/rules/reset-outside-lesson.js';
import { hostNetworkWord } from '../../src/lesson/rules/host-network-cleanup.js';
import { FIXTURES } from '../helpers/snapshot.js';

/** Lint a fixture under test/fixtures/lint: the parser must accept it, the rules then speak. */
function lintFixture(name: string): ReturnType<typeof lintLesson> {
  const file = `${name}.md`;
  const source = readFileSync(join(FIXTURES, 'lint', file), 'utf8');
  const { lesson, ok, diagnostics } = parseLesson(source, file);
  assert.ok(ok, diagnostics.map((d) => d.message).join('\n'));
  return lintLesson(lesson, source, LINT_RULES);
}

/** One fixture per error a Kubernetes rule reports: where it is and what it says. */
const table: {
  fixture: string;
  code: string;
  line: number;
  column: number;
  severity?: 'error' | 'warning';
  message: RegExp;
}[] = [
  {
    fixture: 'removed-flag',
    code: 'removed-flag',
    line: 15,
    column: 3,
    message: /'kubelet --container-runtime' was removed in Kubernetes 1\.27 and this lesson pins 1\.36\.0/,
  },
  {
    fixture: 'removed-flag-kubectl',
    code: 'removed-flag',
    line: 10,
    column: 26,
    message: /'kubectl version --short' was removed in Kubernetes 1\.28/,
  },
  {
    fixture: 'overlapping-cidrs',
    code: 'overlapping-cidrs',
    line: 16,
    column: 76,
    message:
      /cluster \(Pod\) CIDR 10\.0\.0\.0\/16 \(--cluster-cidr\) overlaps the service range 10\.0\.0\.0\/24 \(--service-cluster-ip-range, line 12\)/,
  },
  {
    fixture: 'overlapping-cni-subnet',
    code: 'overlapping-cidrs',
    line: 22,
    column: 72,
    message: /CNI Pod subnet 10\.100\.0\.0\/24 \("?subnet"?\) overlaps the service range 10\.96\.0\.0\/12/,
  },
  {
    fixture: 'service-ip-in-cert',
    code: 'service-ip-in-cert',
    line: 11,
    column: 11,
    message:
      /first service IP 10\.96\.0\.1 \(--service-cluster-ip-range=10\.96\.0\.0\/12, line 17\) is not in this certificate/,
  },
  {
    fixture: 'used-before-started',
    code: 'used-before-started',
    line: 14,
    column: 1,
    message:
      /'kubectl' needs kube-apiserver, which the lesson starts only later \(step 'apiserver', line 25\)/,
  },
  {
    fixture: 'reset-outside-lesson',
    code: 'reset-outside-lesson',
    line: 6,
    column: 68,
    message:
      /reset path '\/var\/lib\/kubelet' is outside the lesson's own folders \(\/run\/demystify\/reset-outside-lesson, \/var\/lib\/demystify\/reset-outside-lesson\)/,
  },
  {
    fixture: 'reset-leaves-workdir',
    code: 'reset-outside-lesson',
    line: 8,
    column: 6,
    message: /reset path 'certs\/\.\.\/\.\.\/cni' leaves the work directory/,
  },
  {
    fixture: 'service-before-proxy',
    code: 'service-before-proxy',
    line: 25,
    column: 6,
    message:
      /'helm install' waits for Pods that reach the API server through the kubernetes Service \(10\.0\.0\.1, --service-cluster-ip-range, line 12\), but kube-proxy, .* starts only later \(step 'proxy', line 36\): give the chart the API server's real address \(Calico: kubernetesServiceEndpoint\.host, port\)/,
  },
  {
    fixture: 'service-before-proxy-probe',
    code: 'service-before-proxy',
    line: 22,
    column: 43,
    message:
      /ready probe 'https:\/\/kubernetes\.default\.svc\/readyz' waits on the kubernetes Service \(10\.0\.0\.1, kube-apiserver's default range 10\.0\.0\.0\/24\)/,
  },
  {
    fixture: 'host-network-cleanup',
    code: 'host-network-cleanup',
    line: 25,
    column: 6,
    message:
      /'ip link delete' in a lesson that isolates itself: .* which demystify cleanup deletes with everything in it; typed in a terminal outside that namespace, this command removes the machine's own/,
  },
  {
    fixture: 'host-network-cleanup-flush',
    code: 'host-network-cleanup',
    line: 10,
    column: 1,
    message: /'kube-proxy --cleanup' in a lesson that isolates itself/,
  },
];

for (const row of table) {
  test(`lint rule fixture ${row.fixture}`, () => {
    const diagnostics = lintFixture(row.fixture);
    assert.equal(
      diagnostics.length,
      1,
      diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'),
    );
    const [d] = diagnostics;
    assert.deepEqual(
      [d?.code, d?.line, d?.column, d?.severity],
      [row.code, row.line, row.column, row.severity ?? 'error'],
    );
    assert.match(d?.message ?? '', row.message);
    assert.equal(d?.file, `${row.fixture}.md`);
  });
}

test('a flag is only reported from the version that removed it', () => {
  assert.deepEqual(lintFixture('removed-flag-older'), []);
});

test('removed flags: exact names, prefixes, values and subcommands', () => {
  assert.equal(findRemoved('kubelet', '--container-runtime', 'remote', undefined)?.removedIn, '1.27');
  assert.equal(findRemoved('kubelet', '--container-runtime-endpoint', undefined, undefined), undefined);
  assert.equal(findRemoved('kubelet', '--docker-endpoint', 'x', undefined)?.removedIn, '1.24');
  assert.equal(findRemoved('kubelet', '--dockerless', 'x', undefined)?.removedIn, '1.24');
  assert.equal(findRemoved('kube-apiserver', '--insecure-port', '0', undefined)?.removedIn, '1.24');
  assert.equal(findRemoved('kube-proxy', '--proxy-mode', 'userspace', undefined)?.removedIn, '1.26');
  assert.equal(findRemoved('kube-proxy', '--proxy-mode', 'iptables', undefined), undefined);
  assert.equal(findRemoved('kubectl', '--short', undefined, 'version')?.removedIn, '1.28');
  assert.equal(findRemoved('kubectl', '--short', undefined, 'get'), undefined);
  assert.equal(findRemoved('kube-scheduler', '--logtostderr', 'true', undefined)?.removedIn, '1.26');
  assert.deepEqual(minorVersion('v1.36.0'), [1, 36]);
  assert.equal(minorVersion('latest'), undefined);
});

test('the shell scanner finds programs, flags and here-documents with their places', () => {
  const code = [
    'sudo env PATH="/x:$PATH" containerd --config \'my file.toml\' # start it',
    'curl -s http://$(kubectl get svc web -o jsonpath=\'{.spec.clusterIP}\'):3000/ && echo "a # b"',
    'kube-apiserver \\',
    '  --service-cluster-ip-range=10.0.0.0/24 \\',
    '  --etcd-servers https://127.0.0.1:2379',
    "cat > conf.json <<'EOF'",
    '{ "subnet": "10.244.0.0/24" }',
    'EOF',
    'kubectl --kubeconfig admin.conf version --short',
  ].join('\n');
  const { commands, heredocs } = scanShell(code, 20);
  assert.deepEqual(
    commands.map((c) => programName(c)).filter((name) => name !== undefined),
    ['containerd', 'curl', 'kubectl', 'echo', 'kube-apiserver', 'cat', 'kubectl'],
  );
  assert.deepEqual(commands[0]?.words.at(-1), { text: 'my file.toml', line: 20, column: 46, length: 14 });
  const apiserver = commands.find((c) => programName(c) === 'kube-apiserver');
  assert.ok(apiserver);
  assert.deepEqual(
    flagsOf(apiserver).map((f) => [f.name, f.value, f.word.line, f.word.column]),
    [
      ['--service-cluster-ip-range', '10.0.0.0/24', 23, 3],
      ['--etcd-servers', 'https://127.0.0.1:2379', 24, 3],
    ],
  );
  assert.deepEqual(heredocs, [{ text: '{ "subnet": "10.244.0.0/24" }', line: 26 }]);
  const last = commands.at(-1);
  assert.ok(last);
  assert.deepEqual(
    argumentsOf(last).map((w) => w.text),
    ['version'],
  );
});

test('which client commands need their server', () => {
  const needs = (line: string): boolean => {
    const command = scanShell(line, 1).commands[0];
    assert.ok(command);
    return needsServer(programName(command) ?? '', command);
  };
  assert.equal(needs('kubectl get pods'), true);
  assert.equal(needs('kubectl config view --minify'), false);
  assert.equal(needs('kubectl version --client'), false);
  assert.equal(needs('kubectl create deployment web --image=nginx --dry-run=client -o yaml'), false);
  assert.equal(needs('helm repo add traefik https://traefik.github.io/charts'), false);
  assert.equal(needs('helm install traefik traefik/traefik'), true);
  assert.equal(needs('etcdctl endpoint health'), true);
  assert.equal(needs('etcdctl version'), false);
  assert.equal(needs('ctr --address /run/x.sock version'), true);
});

test('networks: overlap, containment and first address', () => {
  const cidr = (text: string): NonNullable<ReturnType<typeof parseCidr>> => {
    const parsed = parseCidr(text);
    assert.ok(parsed, text);
    return parsed;
  };
  assert.equal(overlaps(cidr('10.0.0.0/16'), cidr('10.0.0.0/24')), true);
  assert.equal(overlaps(cidr('10.0.0.0/24'), cidr('10.244.0.0/16')), false);
  assert.equal(overlaps(cidr('10.96.0.0/12'), cidr('10.100.0.0/24')), true);
  assert.equal(overlaps(cidr('fd00::/64'), cidr('10.0.0.0/8')), false);
  assert.equal(contains(cidr('10.244.0.0/16'), cidr('10.244.3.0/24')), true);
  assert.equal(contains(cidr('10.244.0.0/24'), cidr('10.244.0.0/16')), false);
  assert.equal(firstAddress(cidr('10.96.0.0/12')), '10.96.0.1');
  assert.equal(firstAddress(cidr('10.0.0.7/24')), '10.0.0.1');
  assert.equal(firstAddress(cidr('fd00:10::/108')), 'fd00:10::1');
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
});

test("the original tutorial's traps are all reported, in file order", () => {
  const diagnostics = lintFixture('tutorial-traps');
  assert.deepEqual(
    diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`),
    [
      '5:9 reset-outside-lesson',
      '17:11 service-ip-in-cert',
      '23:1 used-before-started',
      '23:17 removed-flag',
      '35:49 overlapping-cidrs',
      '41:9 removed-flag',
      '47:6 service-before-proxy',
      '59:6 host-network-cleanup',
    ],
  );
});

for (const [path, verdict] of [
  ['etcd-data', undefined],
  ['./kubelet/', undefined],
  ['a/../b', undefined],
  ['/run/demystify/k8s', undefined],
  ['/run/demystify/k8s/containerd', undefined],
  ['/var/lib/demystify/k8s/kubelet', undefined],
  ['/var/lib/kubelet', /outside the lesson's own folders/],
  ['/etc/cni/net.d/10-bridge.conflist', /outside the lesson's own folders/],
  ['/run/demystify/k8s2/x', /outside/],
  ['/run/demystify', /outside/],
  ['/run/demystify/k8s/../k8s2', /outside/],
  ['/run/netns', /outside/],
  ['..', /leaves the work directory/],
  ['a/../../b', /leaves the work directory/],
  ['.', /is the work directory itself/],
  ['a/..', /is the work directory itself/],
] as const) {
  test(`reset path ${path} of lesson k8s: ${verdict ? String(verdict) : 'fine'}`, () => {
    const problem = resetPathProblem(path, 'k8s');
    if (verdict) assert.match(problem ?? '', verdict);
    else assert.equal(problem, undefined);
  });
}

test('reset entries are found in flow and block style, in order, repeated text included', () => {
  const flow = '---\nid: x\nreset: [a, /var/a, "a"]\n---\n';
  assert.deepEqual(
    locateResetEntries(flow, 'f.md', ['a', '/var/a', 'a']).map((p) => `${p.line}:${p.column}`),
    ['3:9', '3:12', '3:21'],
  );
  const block = '---\nid: x\nreset:\n  - a\n\n  - /b\nother: a\n---\n';
  assert.deepEqual(
    locateResetEntries(block, 'f.md', ['a', '/b', 'zz']).map((p) => `${p.line}:${p.column}`),
    ['4:5', '6:5', '3:1'],
  );
});

/** Lint a lesson given as text (the rules only, the parser must accept it). */
function lintText(source: string): ReturnType<typeof lintLesson> {
  const { lesson, ok, diagnostics } = parseLesson(source, 'inline.md');
  assert.ok(ok, diagnostics.map((d) => d.message).join('\n'));
  return lintLesson(lesson, source, LINT_RULES);
}

test('service-before-proxy: helm waits (ready= or --wait) unless given the API server address; nothing after kube-proxy', () => {
  const lesson = (install: string, proxyFirst = false): string => {
    const proxy =
      '## kube-proxy {#proxy}\n\n```bash { name=proxy session=proxy }\nkube-proxy --kubeconfig admin.conf\n```\n';
    const calico = `## Calico {#calico}\n\n\`\`\`bash { name=calico }\n${install}\n\`\`\`\n`;
    return `---\nid: x\ntitle: x\ncomponents:\n  proxy: { session: proxy }\n---\n\n${proxyFirst ? proxy + '\n' + calico : calico + '\n' + proxy}`;
  };
  const codes = (text: string): string[] => lintText(text).map((d) => d.code);
  assert.deepEqual(codes(lesson('helm install calico projectcalico/tigera-operator --wait')), [
    'service-before-proxy',
  ]);
  assert.deepEqual(codes(lesson('helm install calico projectcalico/tigera-operator')), []);
  assert.deepEqual(
    codes(
      lesson(
        'helm install calico projectcalico/tigera-operator --wait --set kubernetesServiceEndpoint.host=10.200.0.2',
      ),
    ),
    [],
  );
  assert.deepEqual(codes(lesson('helm install calico projectcalico/tigera-operator --wait', true)), []);
  assert.deepEqual(codes(lesson('helm repo add projectcalico https://docs.tigera.io/calico/charts')), []);
  assert.deepEqual(codes(lesson('curl --silent http://kubernetes.default.svc.cluster.local/')), [
    'service-before-proxy',
  ]);
  // The address in a certificate check is not a connection.
  assert.deepEqual(codes(lesson('openssl x509 -in certs/admin.pem -noout -text | grep 10.0.0.1')), []);
});

for (const [code, verdict] of [
  ['ip link delete cni0', 'ip link delete'],
  ['sudo ip l d cni0', 'ip link delete'],
  ['ip -n demo link del veth1', 'ip link delete'],
  ['ip link show cni0', undefined],
  ['ip netns delete cni-1234', 'ip netns delete'],
  ['ip route flush table main', 'ip flush'],
  ['iptables -t nat -F', 'iptables -F'],
  ['iptables -t nat --flush KUBE-SERVICES', 'iptables --flush'],
  ['ip6tables -X', 'ip6tables -X'],
  ['iptables -t nat -S', undefined],
  ['iptables -L -n', undefined],
  ['kube-proxy --cleanup', 'kube-proxy --cleanup'],
  ['kube-proxy --cleanup=false --kubeconfig admin.conf', undefined],
  ['ipvsadm --clear', 'ipvsadm --clear'],
] as const) {
  test(`host-network-cleanup: '${code}' ${verdict ? `is '${verdict}'` : 'is fine'}`, () => {
    const command = scanShell(code, 1).commands[0];
    assert.ok(command);
    assert.equal(hostNetworkWord(command)?.what, verdict);
  });
}
