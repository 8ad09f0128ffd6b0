import { Endpoint, z } from 'flash-ledger';
import { LANGUAGES, SPEAKER_NAMES, SPEAKERS } from './voices';

/** The speakers (with a description each) and languages the speech endpoint accepts. No GPU needed. */
export const getVoices = Endpoint.queue(
  {
    name: '02_01_text_to_speech_voices',
    cpu: 'cpu3c-1-2',
    workers: [0, 1],
    idleTimeout: 5,
    // any request works; `probe` is optional but must be a boolean
    input: z.object({ probe: z.boolean().optional() }),
  },
  async () => ({
    status: 'success',
    speakers: Object.fromEntries(SPEAKER_NAMES.map((name) => [name, SPEAKERS[name].description])),
    languages: LANGUAGES,
  }),
);
