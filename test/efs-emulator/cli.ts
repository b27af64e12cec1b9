// Runs the EFS API emulator in the foreground, so a person can try a failover with no AWS account:
//   node test/efs-emulator/cli.ts --port 4566 --replication fs-0123456789abcdef0:fs-0fedcba9876543210
//   AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws efs describe-replication-configurations \
//     --file-system-id fs-0fedcba9876543210 --endpoint-url http://127.0.0.1:4566 --region us-west-2
import { parseArgs } from 'node:util';
import { startEfsEmulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    region: { type: 'string', default: 'us-west-2' },
    'source-region': { type: 'string', default: 'us-east-1' },
    replication: { type: 'string', multiple: true, default: [] },
    'deleting-polls': { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: node test/efs-emulator/cli.ts [--port N] [--region R] [--source-region R] [--deleting-polls N]\n' +
      '                                      [--replication SOURCE_FS:REPLICA_FS]...\n',
  );
  process.exit(0);
}
const emulator = await startEfsEmulator({
  port: Number(values.port),
  region: values.region,
  deletingPolls: Number(values['deleting-polls']),
});
for (const pair of values.replication) {
  const [sourceFileSystemId, destinationFileSystemId] = pair.split(':');
  if (!sourceFileSystemId || !destinationFileSystemId)
    throw new Error(`--replication ${pair}: expected SOURCE:REPLICA`);
  emulator.addReplication({
    sourceFileSystemId,
    destinationFileSystemId,
    sourceRegion: values['source-region'],
    lastReplicatedTimestamp: new Date(),
  });
}
process.stderr.write(`EFS API emulator for ${emulator.region} listening on ${emulator.url}\n`);
const stop = () => {
  emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
