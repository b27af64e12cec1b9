// Contract tests with the real kubectl: what a person sees at the terminal against the emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { eventually, type Kubectl, kubectlFor, ns, pv, pvc } from './support.ts';

let kube: KubeEmulator;
let kubectl: Kubectl;

beforeAll(async () => {
  kube = await startKubeEmulator({ clusterName: 'emu', contextName: 'emu-ctx', userName: 'emu-admin' });
  kubectl = await kubectlFor(kube);
});

afterAll(async () => {
  await kube?.close();
  await kubectl?.cleanup();
});

beforeEach(async () => {
  await kubectl.resetCache();
});

const status = (name: string, namespace?: string) =>
  namespace
    ? (kube.object('persistentvolumeclaims', name, namespace)?.status as { phase?: string } | undefined)
        ?.phase
    : (kube.object('persistentvolumes', name)?.status as { phase?: string } | undefined)?.phase;

describe('kubectl against the emulator', () => {
  it('reports the server version and the configured names', async () => {
    const version = await kubectl(['version', '-o', 'json']);
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout).serverVersion.gitVersion).toBe('v1.32.4');
    const context = await kubectl(['config', 'current-context']);
    expect(context.stdout.trim()).toBe('emu-ctx');
  });

  it('discovers the resources with their short names and scopes', async () => {
    const out = await kubectl(['api-resources', '--no-headers']);
    expect(out.code).toBe(0);
    const rows = out.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toContainEqual(['persistentvolumes', 'pv', 'v1', 'false', 'PersistentVolume']);
    expect(rows).toContainEqual(['persistentvolumeclaims', 'pvc', 'v1', 'true', 'PersistentVolumeClaim']);
    expect(rows).toContainEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(rows).toContainEqual(['events', 'ev', 'v1', 'true', 'Event']);
  });

  it('apply --server-side of a PV and a pre-bound PVC ends Bound', async () => {
    const file = await kubectl.file('sales.yaml', [
      pv('warehouse-store'),
      ns('warehouse-dev'),
      pvc('warehouse-dev', 'warehouse-store'),
    ]);
    const applied = await kubectl(['apply', '--server-side', '-f', file]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe(
      'persistentvolume/warehouse-store serverside-applied\nnamespace/warehouse-dev serverside-applied\npersistentvolumeclaim/warehouse-store serverside-applied\n',
    );
    await eventually(() => (status('warehouse-store', 'warehouse-dev') === 'Bound' ? true : undefined));
    const pvcs = await kubectl(['get', 'pvc', '-n', 'warehouse-dev']);
    expect(pvcs.stdout).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS/);
    expect(pvcs.stdout).toMatch(/warehouse-store\s+Bound\s+warehouse-store\s+200Gi\s+RWX\s/);
    const pvs = await kubectl(['get', 'pv', 'warehouse-store']);
    expect(pvs.stdout).toMatch(
      /warehouse-store\s+200Gi\s+RWX\s+Retain\s+Bound\s+warehouse-dev\/warehouse-store\s/,
    );
    // Applying the same file again changes nothing.
    const rv = kube.resourceVersion();
    const again = await kubectl(['apply', '--server-side', '-f', file]);
    expect(again.code).toBe(0);
    expect(kube.resourceVersion()).toBe(rv);
  });

  it('follows a claim to Bound with get -w and wait', async () => {
    const file = await kubectl.file('watched.yaml', [
      pv('watched'),
      ns('watched'),
      pvc('watched', 'watched'),
    ]);
    const namespaceOnly = await kubectl.file('watched-ns.yaml', [ns('watched')]);
    expect((await kubectl(['apply', '--server-side', '-f', namespaceOnly])).code).toBe(0);
    const watching = kubectl.spawn(['get', 'pvc', '-n', 'watched', '-w']);
    try {
      await eventually(() => (kube.openWatchCount() > 0 ? true : undefined));
      expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
      const waited = await kubectl([
        'wait',
        '--for=jsonpath={.status.phase}=Bound',
        'pvc/watched',
        '-n',
        'watched',
        '--timeout=20s',
      ]);
      expect(waited.stdout.trim()).toBe('persistentvolumeclaim/watched condition met');
      const lines = await eventually(() => {
        const rows = watching
          .output()
          .split('\n')
          .filter((l) => l.startsWith('watched '));
        return rows.some((l) => /\sBound\s/.test(l)) ? rows : undefined;
      });
      expect(lines[0]).toMatch(/^watched\s+Pending\s+watched\s/);
      expect(lines.at(-1)).toMatch(/^watched\s+Bound\s+watched\s+200Gi\s+RWX\s/);
    } finally {
      watching.child.kill();
    }
  });

  it('refuses a changed spec.nfs.server with the real immutability error (server-side and client-side apply)', async () => {
    const file = await kubectl.file('moved.yaml', [
      pv('warehouse-store', { server: 'fs-9999.efs.eu-west-1.amazonaws.com' }),
    ]);
    for (const args of [
      ['apply', '--server-side', '-f', file],
      ['apply', '-f', file],
    ]) {
      const out = await kubectl(args);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(
        'The PersistentVolume "warehouse-store" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
      );
    }
    const stored = kube.object('persistentvolumes', 'warehouse-store') as {
      spec: { nfs: { server: string } };
    };
    expect(stored.spec.nfs.server).toBe('fs-0123.efs.us-east-1.amazonaws.com');
  });

  it('prints NotFound for a missing volume', async () => {
    const out = await kubectl(['get', 'pv', 'no-such-volume']);
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'Error from server (NotFound): persistentvolumes "no-such-volume" not found',
    );
  });

  it('prints AlreadyExists when creating twice', async () => {
    const file = await kubectl.file('twice.yaml', [pv('created-twice')]);
    const first = await kubectl(['create', '-f', file]);
    expect(first.stdout.trim()).toBe('persistentvolume/created-twice created');
    const second = await kubectl(['create', '-f', file]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `Error from server (AlreadyExists): error when creating "${file}": persistentvolumes "created-twice" already exists`,
    );
  });

  it('prints the real name validation error', async () => {
    const file = await kubectl.file('bad-name.yaml', [pv('Bad_Name')]);
    const out = await kubectl(['create', '-f', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      `The PersistentVolume "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  });

  it('refuses a claim in a namespace that does not exist', async () => {
    const file = await kubectl.file('orphan.yaml', [pvc('no-such-namespace', 'orphan')]);
    const out = await kubectl(['create', '-f', file]);
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      `Error from server (NotFound): error when creating "${file}": namespaces "no-such-namespace" not found`,
    );
  });

  it('deletes a claim (waiting for its finalizer) and the Retain volume becomes Released', async () => {
    const file = await kubectl.file('release.yaml', [
      pv('to-release'),
      ns('release-ns'),
      pvc('release-ns', 'to-release'),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    await eventually(() => (status('to-release') === 'Bound' ? true : undefined));
    const out = await kubectl(['delete', 'pvc', '-n', 'release-ns', 'to-release']);
    expect(out.stdout.trim()).toBe('persistentvolumeclaim "to-release" deleted');
    expect(kube.object('persistentvolumeclaims', 'to-release', 'release-ns')).toBeUndefined();
    await eventually(() => (status('to-release') === 'Released' ? true : undefined));
    const pvs = await kubectl(['get', 'pv', 'to-release', '--no-headers']);
    expect(pvs.stdout).toMatch(/to-release\s+200Gi\s+RWX\s+Retain\s+Released\s+release-ns\/to-release\s/);
    // A new claim of the same name does not bind to the released volume (stale claimRef uid).
    const again = await kubectl.file('again.yaml', [pvc('release-ns', 'to-release')]);
    expect((await kubectl(['apply', '--server-side', '-f', again])).code).toBe(0);
    const events = await eventually(async () => {
      const ev = await kubectl(['get', 'events', '-n', 'release-ns', '--no-headers']);
      return ev.stdout.includes('FailedBinding') ? ev.stdout : undefined;
    });
    expect(events).toContain('volume "to-release" already bound to a different claim.');
    expect(status('to-release', 'release-ns')).toBe('Pending');
  });

  it('deletes a whole manifest of bound objects (the protection finalizers clear in order)', async () => {
    const file = await kubectl.file('whole.yaml', [pv('whole'), ns('whole'), pvc('whole', 'whole')]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    await eventually(() => (status('whole', 'whole') === 'Bound' ? true : undefined));
    const out = await kubectl(['delete', '-f', file]);
    expect(out.stdout.trim().split('\n')).toEqual([
      'persistentvolume "whole" deleted',
      'namespace "whole" deleted',
      'persistentvolumeclaim "whole" deleted',
    ]);
    expect(kube.object('persistentvolumes', 'whole')).toBeUndefined();
    expect(kube.object('namespaces', 'whole')).toBeUndefined();
  });

  it('deletes a namespace with its claims', async () => {
    const file = await kubectl.file('doomed.yaml', [
      ns('doomed'),
      pvc('doomed', 'a', { volumeName: null }),
      pvc('doomed', 'b', { volumeName: null }),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const out = await kubectl(['delete', 'namespace', 'doomed']);
    expect(out.stdout.trim()).toBe('namespace "doomed" deleted');
    expect(kube.object('namespaces', 'doomed')).toBeUndefined();
    expect(kube.objects('persistentvolumeclaims', 'doomed')).toEqual([]);
  });

  it('is refused without the right token', async () => {
    const kubeconfig = kube.kubeconfig.replace(kube.token, 'not-the-token');
    const path = await kubectl.file('bad-token.kubeconfig', []);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, kubeconfig);
    const before = kube.requests.length;
    const out = await kubectl(['--kubeconfig', path, 'get', 'pv']);
    expect(out.code).toBe(1);
    // What kubectl prints for a 401 during discovery against a real API server.
    expect(out.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
    const answered = kube.requests.slice(before);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => r.status === 401)).toBe(true);
  });

  it('selects by label', async () => {
    const file = await kubectl.file('labelled.yaml', [
      pv('gold-1', { labels: { tier: 'gold' } }),
      pv('silver-1', { labels: { tier: 'silver' } }),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const out = await kubectl(['get', 'pv', '-l', 'tier=gold', '-o', 'name']);
    expect(out.stdout.trim()).toBe('persistentvolume/gold-1');
    const notGold = await kubectl(['get', 'pv', '-l', 'tier in (silver),tier!=gold', '-o', 'name']);
    expect(notGold.stdout.trim()).toBe('persistentvolume/silver-1');
  });

  it('server dry-run validates and stores nothing', async () => {
    const file = await kubectl.file('dry.yaml', [pv('dry-volume')]);
    const before = kube.requests.length;
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', file]);
    expect(out.stdout.trim()).toBe('persistentvolume/dry-volume serverside-applied (server dry run)');
    expect(kube.object('persistentvolumes', 'dry-volume')).toBeUndefined();
    const writes = kube.requests.slice(before).filter((r) => r.method === 'PATCH');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.dryRun && r.query.dryRun === 'All')).toBe(true);
    const bad = await kubectl.file('dry-bad.yaml', [pv('Dry_Bad')]);
    const refused = await kubectl(['create', '--dry-run=server', '-f', bad]);
    expect(refused.stderr).toContain('metadata.name: Invalid value: "Dry_Bad"');
  });

  it('reports a field manager conflict and takes ownership with --force-conflicts', async () => {
    const file = await kubectl.file('owned.yaml', [pv('owned', { size: '100Gi', storageClassName: null })]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const bigger = await kubectl.file('owned-bigger.yaml', [
      pv('owned', { size: '150Gi', storageClassName: null }),
    ]);
    const conflict = await kubectl(['apply', '--server-side', '--field-manager=resizer', '-f', bigger]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.capacity.storage',
    );
    const forced = await kubectl([
      'apply',
      '--server-side',
      '--field-manager=resizer',
      '--force-conflicts',
      '-f',
      bigger,
    ]);
    expect(forced.code).toBe(0);
    const yaml = await kubectl(['get', 'pv', 'owned', '-o', 'jsonpath={.spec.capacity.storage}']);
    expect(yaml.stdout).toBe('150Gi');
    const managers = await kubectl([
      'get',
      'pv',
      'owned',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers.stdout.split(' ')).toEqual(expect.arrayContaining(['kubectl', 'resizer']));
  });

  it('patches with merge, JSON and strategic patches and labels', async () => {
    const file = await kubectl.file('patched.yaml', [pv('patched')]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    expect(
      (
        await kubectl(['patch', 'pv', 'patched', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])
      ).stdout.trim(),
    ).toBe('persistentvolume/patched patched');
    expect(
      (
        await kubectl([
          'patch',
          'pv',
          'patched',
          '--type=json',
          '-p',
          '[{"op":"add","path":"/metadata/labels/j","value":"2"}]',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await kubectl([
          'patch',
          'pv',
          'patched',
          '-p',
          '{"spec":{"mountOptions":["nfsvers=4.1","noresvport"]}}',
        ])
      ).code,
    ).toBe(0);
    expect((await kubectl(['label', 'pv', 'patched', 'l=3'])).stdout.trim()).toBe(
      'persistentvolume/patched labeled',
    );
    const stored = kube.object('persistentvolumes', 'patched') as {
      metadata: { labels: Record<string, string> };
      spec: { mountOptions: string[] };
    };
    expect(stored.metadata.labels).toMatchObject({ m: '1', j: '2', l: '3' });
    expect(stored.spec.mountOptions).toEqual(['nfsvers=4.1', 'noresvport']);
    const failed = await kubectl([
      'patch',
      'pv',
      'patched',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/metadata/labels/m","value":"9"}]',
    ]);
    expect(failed.code).toBe(1);
  });

  it('refuses to grow a claim bound to a static volume', async () => {
    const file = await kubectl.file('static.yaml', [
      pv('static-vol', { size: '10Gi' }),
      ns('static-ns'),
      pvc('static-ns', 'static-vol', { size: '10Gi', volumeName: 'static-vol' }),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    await eventually(() => (status('static-vol', 'static-ns') === 'Bound' ? true : undefined));
    const out = await kubectl([
      'patch',
      'pvc',
      '-n',
      'static-ns',
      'static-vol',
      '-p',
      '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}',
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      'Error from server (Forbidden): persistentvolumeclaims "static-vol" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
    const other = await kubectl([
      'patch',
      'pvc',
      '-n',
      'static-ns',
      'static-vol',
      '-p',
      '{"spec":{"accessModes":["ReadOnlyMany"]}}',
    ]);
    expect(other.stderr).toContain(
      'The PersistentVolumeClaim "static-vol" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
  });

  it('rejects undeclared fields as kubectl asks (Strict), warns when asked to, and refuses them in server-side apply', async () => {
    const typo = pv('typo') as { spec: Record<string, unknown> };
    typo.spec.storageClasName = typo.spec.storageClassName;
    delete typo.spec.storageClassName;
    const file = await kubectl.file('typo.yaml', [typo]);
    const strict = await kubectl(['create', '-f', file]);
    expect(strict.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${file}": PersistentVolume in version "v1" cannot be handled as a PersistentVolume: strict decoding error: unknown field "spec.storageClasName"`,
    );
    const ssa = await kubectl(['apply', '--server-side', '-f', file]);
    expect(ssa.stderr.trim()).toBe(
      'Error from server (BadRequest): failed to create typed patch object (/typo; /v1, Kind=PersistentVolume): .spec.storageClasName: field not declared in schema',
    );
    expect(kube.object('persistentvolumes', 'typo')).toBeUndefined();
    const warned = await kubectl(['create', '--validate=warn', '-f', file]);
    expect(warned.code).toBe(0);
    expect(warned.stderr.trim()).toBe('Warning: unknown field "spec.storageClasName"');
    expect(kube.object('persistentvolumes', 'typo')?.spec).not.toHaveProperty('storageClasName');
  });

  it('describes a claim with its events and no pods using it', async () => {
    const file = await kubectl.file('described.yaml', [
      pv('described', { size: '1Gi' }),
      ns('described'),
      pvc('described', 'described', { size: '2Gi' }),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const out = await eventually(async () => {
      const d = await kubectl(['describe', 'pvc', '-n', 'described', 'described']);
      return d.stdout.includes('VolumeMismatch') ? d : undefined;
    });
    expect(out.stdout).toMatch(/Status:\s+Pending/);
    expect(out.stdout).toMatch(/Used By:\s+<none>/);
    expect(out.stdout).toMatch(
      /Warning\s+VolumeMismatch\s+.*persistentvolume-controller\s+Cannot bind to requested volume "described": requested PV is too small/,
    );
    const pods = await kubectl(['get', 'pods', '-A']);
    expect(pods.stderr.trim()).toBe('No resources found');
    const run = await kubectl(['run', 'web', '--image=nginx']);
    expect(run.stderr.trim()).toBe(
      'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource',
    );
  });

  it('shows the binder events for a claim whose volume is too small', async () => {
    const file = await kubectl.file('small.yaml', [
      pv('small-vol', { size: '1Gi' }),
      ns('small-ns'),
      pvc('small-ns', 'small-vol', { size: '5Gi' }),
    ]);
    expect((await kubectl(['apply', '--server-side', '-f', file])).code).toBe(0);
    const events = await eventually(async () => {
      const ev = await kubectl(['get', 'events', '-n', 'small-ns', '--no-headers']);
      return ev.stdout.includes('VolumeMismatch') ? ev.stdout : undefined;
    });
    expect(events).toMatch(
      /Warning\s+VolumeMismatch\s+persistentvolumeclaim\/small-vol\s+Cannot bind to requested volume "small-vol": requested PV is too small/,
    );
    const pvcs = await kubectl(['get', 'pvc', '-n', 'small-ns', 'small-vol', '--no-headers']);
    expect(pvcs.stdout).toMatch(/small-vol\s+Pending\s+small-vol/);
  });
});
