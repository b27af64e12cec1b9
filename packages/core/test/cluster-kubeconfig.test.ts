import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectCluster } from '../src/cluster-client.ts';
import { UserError } from '../src/problem.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'efs-dr-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = randomBytes(16).toString('hex');

function kubeconfig(
  over: { server?: string; currentContext?: string | null; cluster?: string; extra?: string } = {},
) {
  const current =
    over.currentContext === null ? '' : `current-context: ${over.currentContext ?? 'primary'}\n`;
  return `apiVersion: v1
kind: Config
clusters:
- name: rosa-primary
  cluster:
    server: ${over.server ?? 'https://127.0.0.1:6443'}
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: ${token}
contexts:
- name: primary
  context: {cluster: ${over.cluster ?? 'rosa-primary'}, user: admin}
- name: secondary
  context: {cluster: rosa-primary, user: admin}
${current}${over.extra ?? ''}`;
}

async function userError(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  const message = (e as UserError).message;
  expect(message).not.toContain(token);
  return e as UserError;
}

describe('connectCluster kubeconfig loading', () => {
  it('loads content and a file, and picks the asked context', async () => {
    const file = path.join(dir, 'ok.yaml');
    writeFileSync(file, kubeconfig());
    const fromFile = await connectCluster({ kubeconfigPath: file, context: 'secondary' });
    expect(fromFile.context).toBe('secondary');
    expect(fromFile.server).toBe('https://127.0.0.1:6443');
    await fromFile.close();
    const fromString = await connectCluster({ kubeconfig: kubeconfig() });
    expect(fromString.context).toBe('primary');
    await fromString.close();
  });

  it('names an unreadable file', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const e = await userError(connectCluster({ kubeconfigPath: missing }));
    expect(e.message).toContain(`cannot read kubeconfig ${missing}`);
    expect(e.message).toContain('ENOENT');
  });

  it('locates invalid YAML without quoting the file', async () => {
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, `${kubeconfig()}users: [\n  token: ${token}\n`);
    const e = await userError(connectCluster({ kubeconfigPath: file }));
    expect(e.message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: the kubeconfig is not valid YAML`,
      ),
    );
    expect(e.problems[0]?.file).toBe(file);
  });

  it('rejects duplicate keys without leaking the document', async () => {
    const e = await userError(
      connectCluster({
        kubeconfig: `${kubeconfig()}current-context: secondary\n`,
        kubeconfigName: 'the kubeconfig input',
      }),
    );
    expect(e.message).toMatch(
      /^the kubeconfig input:\d+:\d+: the kubeconfig is not valid YAML \(DUPLICATE_KEY\)$/,
    );
  });

  it('says when there is no current context, listing the contexts', async () => {
    const e = await userError(connectCluster({ kubeconfig: kubeconfig({ currentContext: null }) }));
    expect(e.message).toBe(
      'kubeconfig input: no current-context set; choose a context (available: primary, secondary)',
    );
  });

  it('says when the asked context does not exist', async () => {
    const e = await userError(connectCluster({ kubeconfig: kubeconfig(), context: 'dr' }));
    expect(e.message).toContain('no context named "dr" (available: primary, secondary)');
  });

  it('says when the context names an undefined cluster', async () => {
    const e = await userError(connectCluster({ kubeconfig: kubeconfig({ cluster: 'ghost' }) }));
    expect(e.message).toContain('names cluster "ghost", which is not defined');
  });

  it('refuses plain http without insecure-skip-tls-verify, and empty or non-mapping files', async () => {
    const http = kubeconfig({ server: 'http://127.0.0.1:8080' }).replace(
      '    insecure-skip-tls-verify: true\n',
      '',
    );
    expect((await userError(connectCluster({ kubeconfig: http }))).message).toContain('plain http://');
    expect((await userError(connectCluster({ kubeconfig: '  \n' }))).message).toContain(
      'the kubeconfig is empty',
    );
    expect((await userError(connectCluster({ kubeconfig: '- a\n- b\n' }))).message).toContain(
      'not a kubeconfig',
    );
  });

  it('names a certificate file that cannot be read', async () => {
    const withCa = kubeconfig().replace(
      '    insecure-skip-tls-verify: true\n',
      '    certificate-authority: missing-ca.crt\n',
    );
    const file = path.join(dir, 'ca.yaml');
    writeFileSync(file, withCa);
    const e = await userError(connectCluster({ kubeconfigPath: file }));
    expect(e.message).toContain(file);
    expect(e.message).toContain(path.join(dir, 'missing-ca.crt'));
  });
});
