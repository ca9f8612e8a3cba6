// ../threads.test.ts again, on PostgreSQL: every app it builds gets a database of its own (test/helpers/postgres.ts).
process.env.HELPFORCE_TEST_ENGINE = 'postgres';
await import('../threads.test.js');
