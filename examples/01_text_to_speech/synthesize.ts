import { Worker } from 'node:worker_threads';
import type { Prosody } from './voices';

/**
 * Runs in a worker thread. eSpeak-NG (WebAssembly) calls `exit` on some inputs; in the main thread that
 * would end the whole worker process, in a thread it only ends the thread. Plain JavaScript, because the
 * app is bundled into one file and a thread needs its own script: it gets text2wav's resolved path.
 */
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const text2wav = require(workerData.module);
text2wav(workerData.text, workerData.options).then(
  (wav) => parentPort.postMessage({ wav }, [wav.buffer]),
  (error) => parentPort.postMessage({ failed: String((error && error.message) || error) }),
);
`;

export class SynthesisError extends Error {
  override name = 'SynthesisError';
}

const TIMEOUT_MS = 60_000;

/** Speaks `text` with an eSpeak `voice` in a fresh worker thread; answers a complete WAV file. */
export function synthesize(text: string, voice: string, prosody: Prosody): Promise<Uint8Array> {
  // Resolved here, in the bundle, from the artifact's node_modules (where the declared dependency lives).
  const module = require.resolve('text2wav');
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_SCRIPT, {
      eval: true,
      // a leading space keeps text that starts with "-" from being read as a command-line option
      workerData: {
        module,
        text: ` ${text}`,
        options: { voice, speed: prosody.speed, pitch: prosody.pitch },
      },
      stdout: true,
      stderr: true,
    });
    let said = '';
    const keep = (chunk: Buffer): void => {
      said = `${said}${chunk.toString()}`.slice(-2000);
    };
    worker.stdout.on('data', keep);
    worker.stderr.on('data', keep);
    let settled = false;
    const settle = (done: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => settle(() => reject(new SynthesisError(`speech synthesis took longer than ${TIMEOUT_MS} ms`))),
      TIMEOUT_MS,
    );
    worker.once('message', (message: { wav?: Uint8Array; failed?: string }) =>
      settle(() =>
        message.wav
          ? resolve(message.wav)
          : reject(new SynthesisError(`speech synthesis failed: ${message.failed ?? 'no audio'}`)),
      ),
    );
    worker.once('error', (error) =>
      settle(() => reject(new SynthesisError(`speech synthesis failed: ${error.message}`))),
    );
    worker.once('exit', (code) => {
      // let the last output arrive first: eSpeak's own diagnostics say why the thread ended
      setImmediate(() => {
        const why = said
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '' && !/wasm streaming|falling back|EXIT_RUNTIME/.test(line))
          .pop();
        settle(() =>
          reject(
            new SynthesisError(
              `speech synthesis failed: the synthesizer exited (code ${code}) without audio${why ? `: ${why}` : ''}`,
            ),
          ),
        );
      });
    });
  });
}
