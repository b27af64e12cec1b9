// The demo's world on loopback: two Kubernetes API emulators (the primary and the secondary region's
// clusters), the GitHub API over a bare git repository, the EFS API of the secondary region with one
// replication configuration, and two directories standing for the two EFS file systems.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type EfsEmulator, type EmulatedReplication, startEfsEmulator } from '../efs-emulator/server.ts';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import {
  LAYOUT,
  OWNER,
  PRIMARY_CLUSTER,
  PRIMARY_FS,
  PRIMARY_REGION,
  REPLICA_FS,
  REPO,
  SECONDARY_CLUSTER,
  SECONDARY_REGION,
} from './names.ts';

export interface StandIns {
  dir: string;
  primary: KubeEmulator;
  secondary: KubeEmulator;
  github: GitHubEmulator;
  efs: EfsEmulator;
  replication: EmulatedReplication;
  efsPrimary: string;
  efsReplica: string;
  /** Throw-away AWS credentials for the EFS emulator (it checks the SigV4 scope, not the signature). */
  aws: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * Starts every stand-in; on a failure part-way, closes what was started. `track` is called with each
 * closer as soon as it exists, so a Ctrl-C during start-up still closes it.
 */
export async function startStandIns(
  dir: string,
  track: (close: () => Promise<void>) => void,
): Promise<StandIns> {
  const closers: (() => Promise<void>)[] = [];
  const keep = <T extends { close(): Promise<void> }>(server: T): T => {
    const close = () => server.close();
    closers.push(close);
    track(close);
    return server;
  };
  const closeAll = async () => {
    await Promise.allSettled(closers.splice(0).map((c) => c()));
  };
  try {
    await mkdir(dir, { recursive: true });
    const kubeNames = (cluster: string) => ({
      clusterName: cluster,
      contextName: cluster,
      userName: `${cluster}-admin`,
    });
    const [primary, secondary, github, efs] = await Promise.all([
      startKubeEmulator(kubeNames(PRIMARY_CLUSTER)).then(keep),
      startKubeEmulator(kubeNames(SECONDARY_CLUSTER)).then(keep),
      startGitHubEmulator({ owner: OWNER, repo: REPO, gitDir: join(dir, LAYOUT.repo) }).then(keep),
      // One describe answer shows DELETING after the delete, then the configuration is gone (EFS takes
      // minutes; the restore's log shows the same states).
      startEfsEmulator({ region: SECONDARY_REGION, deletingPolls: 0 }).then(keep),
    ]);
    await primary.writeKubeconfig(join(dir, LAYOUT.primaryKubeconfig));
    await secondary.writeKubeconfig(join(dir, LAYOUT.secondaryKubeconfig));
    const replication = efs.addReplication({
      sourceFileSystemId: PRIMARY_FS,
      sourceRegion: PRIMARY_REGION,
      destinationFileSystemId: REPLICA_FS,
      destinationRegion: SECONDARY_REGION,
      status: 'ENABLED',
      // Nothing replicated yet; the demo's "replicate" step moves this forward.
      creationTime: new Date(),
    });
    const efsPrimary = join(dir, LAYOUT.efsPrimary);
    const efsReplica = join(dir, LAYOUT.efsReplica);
    await mkdir(efsPrimary, { recursive: true });
    await mkdir(efsReplica, { recursive: true });
    return {
      dir,
      primary,
      secondary,
      github,
      efs,
      replication,
      efsPrimary,
      efsReplica,
      aws: {
        accessKeyId: `DEMO${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
