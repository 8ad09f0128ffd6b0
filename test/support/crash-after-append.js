// Preloaded (`node --require`) into a `flash` process by the crash tests: with FLASH_FAULT_CRASH_AFTER=<EventType>
// the process kills itself (SIGKILL, no clean-up) right after the embedded ledger appends an event of that type,
// as a crash at that point would. It patches the compiled store, so production code carries no fault switch.
const { join } = require('node:path');

const type = process.env.FLASH_FAULT_CRASH_AFTER;
if (type) {
  const { SqliteEventStore } = require(
    join(__dirname, '..', '..', 'dist', 'src', 'adapters', 'eventstore', 'sqlite', 'sqlite-event-store.js'),
  );
  const append = SqliteEventStore.prototype.append;
  SqliteEventStore.prototype.append = async function (stream, events, options) {
    const result = await append.call(this, stream, events, options);
    if (events.some((e) => e.type === type)) process.kill(process.pid, 'SIGKILL');
    return result;
  };
}
