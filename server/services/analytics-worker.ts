// The analytics thread: the insight digest and recognition, computed from a read-only connection of its own so that
// reading and tokenizing a range of the history never holds the server's event loop (services/analytics.ts). The
// connection is to the SQLite file, or on PostgreSQL a pool of its own; PostgreSQL's modules load only then.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { type AnalyticsData, analyze, type AnalyticsRequest, type AnalyticsResponse } from './analytics.js';

const { path, url } = workerData as { path: string | null; url?: string };

async function sqliteData(file: string): Promise<AnalyticsData> {
  const [{ default: Database }, { drizzle }, schema, insights, names, recognition, sentiment] = await Promise.all([
    import('better-sqlite3'),
    import('drizzle-orm/better-sqlite3'),
    import('../../db/schema.js'),
    import('../repositories/insights.js'),
    import('../repositories/names.js'),
    import('../repositories/recognition.js'),
    import('../repositories/sentiment.js'),
  ]);
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  // Only the reads the work makes, each prepared once for the thread's life.
  return {
    insights: insights.createInsightsRepository(db).read,
    recognition: recognition.createRecognitionRepository(db).read,
    sentiment: sentiment.createSentimentRepository(db).read,
    names: names.createNameRepository(db).read,
  };
}

async function postgresData(connectionString: string): Promise<AnalyticsData> {
  const [{ connectPostgres }, insights, names, recognition, sentiment] = await Promise.all([
    import('../../db/pg/client.js'),
    import('../repositories/pg/insights.js'),
    import('../repositories/pg/names.js'),
    import('../repositories/pg/recognition.js'),
    import('../repositories/pg/sentiment.js'),
  ]);
  // Two connections: a digest and a recognition asked for together read at once. The server has migrated already.
  const db = connectPostgres(connectionString, { poolSize: 2, applicationName: 'helpforce analytics' });
  await db.$client.query('select 1'); // opens, so that a database the thread cannot reach is found now
  return {
    insights: insights.createInsightsRepository(db).read,
    recognition: recognition.createRecognitionRepository(db).read,
    sentiment: sentiment.createSentimentRepository(db).read,
    names: names.createNameRepository(db).read,
  };
}

const data = url ? await postgresData(url) : await sqliteData(path as string);

// The connection is open: from now on a failure is the work's, not the thread's (services/analytics.ts tells them apart).
parentPort!.postMessage({ ready: true } satisfies AnalyticsResponse);

// The server ends this thread with terminate() (idle, or closing); the connection closes with it.
parentPort!.on('message', async (request: AnalyticsRequest) => {
  let response: AnalyticsResponse;
  try {
    response = { id: request.id, result: await analyze(data, request, request.now) };
  } catch (error) {
    response =
      error instanceof AppError
        ? { id: request.id, error: { status: error.status, code: error.code, message: error.message } }
        : { id: request.id, error: { message: error instanceof Error ? error.message : String(error) } };
  }
  parentPort!.postMessage(response);
});
