// A push thread that fails while loading (as a missing module or a bad build would): for test/push-sender-faults.
throw new Error('the push thread could not load');
