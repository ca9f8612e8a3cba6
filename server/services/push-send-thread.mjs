// Entry of the push thread (services/push-send-worker.ts). A worker does not inherit tsx's loader from a process
// started by the tsx CLI, so this plain module registers it before loading the TypeScript that does the work.
import { register } from 'tsx/esm/api';

register();
await import('./push-send-worker.ts');
