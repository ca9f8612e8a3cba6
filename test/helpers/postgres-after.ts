// tap's `after`: the run's PostgreSQL server goes, with its data.
import { rmSync } from 'node:fs';
import { savedCluster, testStateFile, stopCluster } from '../../scripts/postgres-cluster.js';

const cluster = savedCluster(testStateFile);
if (cluster) stopCluster(cluster);
rmSync(testStateFile, { force: true });
