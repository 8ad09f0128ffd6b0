import { Endpoint, ValidationError, z } from 'flash-ledger';
import { synthesize } from './synthesize';
import { isLanguage, isSpeaker, LANGUAGES, prosodyFor, SPEAKER_NAMES, voiceFor } from './voices';
import { readWav } from './wav';

/** Longest text accepted: about two minutes of speech, ~7 MB of base64 WAV (RunPod's /runsync limit is 20 MB). */
const MAX_TEXT = 2000;

const list = (names: readonly string[]): string => `[${names.join(', ')}]`;

/**
 * Speech from text. The speaker and language are checked against fixed lists before anything is
 * synthesized; an unknown one fails the job with the valid options in the message. Synthesis runs in
 * a worker thread (see synthesize.ts), so a synthesizer crash fails one job, not the worker.
 */
export const generateSpeech = Endpoint.queue(
  {
    name: '02_01_text_to_speech_gpu',
    gpu: 'ADA_24',
    workers: [0, 3],
    idleTimeout: 5,
    dependencies: ['text2wav'],
    input: z.object({
      text: z.string().max(MAX_TEXT).optional(),
      speaker: z.string().optional(),
      language: z.string().optional(),
      instruct: z.string().nullable().optional(),
    }),
  },
  async (input) => {
    const text = input.text ?? 'Hello, this is a test.';
    const speaker = input.speaker ?? 'Ryan';
    const language = input.language ?? 'Auto';
    if (!isSpeaker(speaker))
      throw new ValidationError(`Invalid speaker '${speaker}'. Valid options: ${list(SPEAKER_NAMES)}`);
    if (!isLanguage(language))
      throw new ValidationError(`Invalid language '${language}'. Valid options: ${list(LANGUAGES)}`);
    if (text.trim() === '') throw new ValidationError('input.text: there is nothing to say (empty text)');
    const instruct = input.instruct ?? null;
    const voice = voiceFor(speaker, language, text);
    const prosody = prosodyFor(instruct ?? undefined);
    const wav = await synthesize(text, voice, prosody);
    const info = readWav(wav);
    if (!info) throw new Error('speech synthesis failed: the synthesizer did not produce a WAV file');
    return {
      status: 'success',
      audio_base64: Buffer.from(wav).toString('base64'),
      sample_rate: info.sampleRate,
      duration_s: info.durationS,
      speaker,
      language,
      instruct,
      text,
      voice,
      prosody,
      timestamp: new Date().toISOString(),
    };
  },
);
