// ../push-units.test.ts again, on PostgreSQL, where units run at once for real (test/helpers/storage.ts).
process.env.HELPFORCE_TEST_ENGINE = 'postgres';
await import('../push-units.test.js');
