import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '../../../src/adapters/eventstore/esdb/esdb-event-store';
import { redactConnectionString } from '../../../src/adapters/eventstore/ledger-config';
import { eventStoreContract } from './eventstore.contract';

const url = process.env.FLASH_TEST_ESDB;

if (url) {
  eventStoreContract('EventStoreDB', async () => ({
    store: EsdbEventStore.connect(url, redactConnectionString(url)),
    ledger: url,
    reopen: async () => EsdbEventStore.connect(url, redactConnectionString(url)),
  }));
} else {
  const reason =
    'FLASH_TEST_ESDB is not set, so the EventStoreDB contract did not run: start a server with `docker compose up -d eventstore` and set FLASH_TEST_ESDB=esdb://127.0.0.1:2113?tls=false';
  process.stdout.write(`skipped: ${reason}\n`);
  describe('event store contract: EventStoreDB', () => {
    it.skip(`runs the whole contract (${reason})`, () => {
      expect(randomUUID()).toBeDefined();
    });
  });
}
