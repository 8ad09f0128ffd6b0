import type { Checks } from '../support/checks';
import type { Workflow } from '../support/workflow';

const TTS = '02_01_text_to_speech_gpu';
const VOICES = '02_01_text_to_speech_voices';
const SPEAKERS = ['Vivian', 'Serena', 'Uncle_Fu', 'Dylan', 'Eric', 'Ryan', 'Aiden', 'Ono_Anna', 'Sohee'];
const LANGUAGES = [
  'Chinese',
  'English',
  'Japanese',
  'Korean',
  'German',
  'French',
  'Russian',
  'Portuguese',
  'Spanish',
  'Italian',
  'Auto',
];

type Output = Record<string, unknown>;

const record = (value: unknown): Output =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Output) : {};

interface Chunk {
  id: string;
  at: number;
  size: number;
}

/** The RIFF chunks after the 12-byte header, walked by their sizes (extra chunks do not matter). */
function chunks(wav: Buffer): Chunk[] {
  const found: Chunk[] = [];
  for (let at = 12; at + 8 <= wav.length;) {
    const size = wav.readUInt32LE(at + 4);
    found.push({ id: wav.toString('ascii', at, at + 4), at, size });
    at += 8 + size + (size % 2);
  }
  return found;
}

/**
 * §3.7's WAV checks on `output.audio_base64`: RIFF/WAVE, a PCM mono 16-bit `fmt ` chunk at
 * `output.sample_rate`, a `data` chunk that fits the file, and a duration that matches `duration_s`.
 * Answers the seconds and the int16 samples.
 */
function checkWav(check: Checks, out: Output, where: string): { seconds: number; samples: Int16Array } {
  const wav = Buffer.from(String(out.audio_base64 ?? ''), 'base64');
  check.that(
    wav.length > 44 && wav.toString('ascii', 0, 4) === 'RIFF' && wav.toString('ascii', 8, 12) === 'WAVE',
    `${where}: the audio is RIFF/WAVE (${wav.length} bytes)`,
  );
  if (wav.length <= 44) return { seconds: 0, samples: new Int16Array() };
  check.equal(wav.readUInt32LE(4), wav.length - 8, `${where}: the RIFF size field is the file length − 8`);
  const all = chunks(wav);
  const fmt = all.find((c) => c.id === 'fmt ');
  const data = all.find((c) => c.id === 'data');
  check.that(
    fmt !== undefined && data !== undefined,
    `${where}: has fmt and data chunks (${all.map((c) => c.id).join(', ')})`,
  );
  if (!fmt || !data) return { seconds: 0, samples: new Int16Array() };
  const at = fmt.at + 8;
  const [format, channels, rate, byteRate, blockAlign, bits] = [
    wav.readUInt16LE(at),
    wav.readUInt16LE(at + 2),
    wav.readUInt32LE(at + 4),
    wav.readUInt32LE(at + 8),
    wav.readUInt16LE(at + 12),
    wav.readUInt16LE(at + 14),
  ];
  check.equal(
    { format, channels, rate, bits, byteRate, blockAlign },
    {
      format: 1,
      channels: 1,
      rate: out.sample_rate,
      bits: 16,
      byteRate: Number(out.sample_rate) * 2,
      blockAlign: 2,
    },
    `${where}: fmt is PCM, mono, 16-bit at output.sample_rate (${String(out.sample_rate)} Hz)`,
  );
  check.that(
    data.size % 2 === 0 && data.size > 0 && data.at + 8 + data.size <= wav.length,
    `${where}: the data chunk (${data.size} bytes) is even and fits the file`,
  );
  const seconds = data.size / byteRate;
  check.that(
    typeof out.duration_s === 'number' && Math.abs(seconds - out.duration_s) <= 0.01,
    `${where}: data bytes ÷ byte rate = ${seconds.toFixed(3)} s matches duration_s ${String(out.duration_s)}`,
  );
  const samples = new Int16Array(data.size / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(data.at + 8 + i * 2);
  return { seconds, samples };
}

/** Checks a successful speech job against what was asked. */
function checkSpeech(check: Checks, out: Output, sent: Output, where: string) {
  check.equal(out.status, 'success', `${where}: status is "success"`);
  check.equal(
    [out.speaker, out.language, out.text],
    [sent.speaker, sent.language, sent.text],
    `${where}: speaker, language and text echo the request`,
  );
  check.equal(
    out.instruct,
    sent.instruct ?? null,
    `${where}: instruct is ${JSON.stringify(sent.instruct ?? null)}`,
  );
  return checkWav(check, out, where);
}

export const workflow: Workflow = {
  resources: { [TTS]: 'QB', [VOICES]: 'QB' },
  callers: [],
  async run({ client, check }) {
    client.step('1 generate_speech (Ryan, English)');
    const first = {
      text: 'Hello world! This is a test of the Flash text to speech example.',
      speaker: 'Ryan',
      language: 'English',
    };
    const one = check.completed(await client.runsync(TTS, first), `${TTS}/runsync`);
    const long = checkSpeech(check, one, first, 'step 1');
    check.that(long.seconds >= 2 && long.seconds <= 15, `step 1 lasts 2-15 s (${long.seconds.toFixed(2)} s)`);
    const rms = Math.sqrt(long.samples.reduce((sum, s) => sum + s * s, 0) / Math.max(1, long.samples.length));
    const loud = long.samples.filter((s) => Math.abs(s) > 100).length / Math.max(1, long.samples.length);
    check.that(rms > 300, `step 1 is not silence: RMS ${rms.toFixed(0)} > 300`);
    check.that(loud > 0.2, `step 1 is not silence: ${(loud * 100).toFixed(0)} % of samples have |s| > 100`);
    check.equal(one.voice, 'en+m3', 'Ryan speaking English uses eSpeak voice en+m3');

    client.step('2 generate_speech (Aiden, short)');
    const second = { text: 'Hello.', speaker: 'Aiden', language: 'English' };
    const two = check.completed(await client.runsync(TTS, second), `${TTS}/runsync short`);
    const short = checkSpeech(check, two, second, 'step 2');
    check.that(
      long.seconds >= 2 * short.seconds,
      `step 1 (${long.seconds.toFixed(2)} s) lasts at least twice step 2 (${short.seconds.toFixed(2)} s)`,
    );

    client.step('3 generate_speech (Serena, French, slowly)');
    const third = {
      text: 'Bonjour tout le monde',
      speaker: 'Serena',
      language: 'French',
      instruct: 'Speak slowly',
    };
    const three = check.completed(await client.runsync(TTS, third), `${TTS}/runsync French`);
    checkSpeech(check, three, third, 'step 3');
    check.equal(three.voice, 'fr+f4', 'Serena speaking French keeps her variant: voice fr+f4');
    check.equal(record(three.prosody).speed, 130, '"Speak slowly" lowers the speed to 130 words per minute');

    client.step('4 get_voices');
    const voices = check.completed(await client.runsync(VOICES, { probe: true }), `${VOICES}/runsync`);
    const speakers = record(voices.speakers);
    check.equal(Object.keys(speakers).sort(), [...SPEAKERS].sort(), 'get_voices lists the 9 speakers');
    check.that(
      Object.values(speakers).every((d) => typeof d === 'string' && d.trim() !== ''),
      'every speaker has a description',
    );
    check.equal(voices.languages, LANGUAGES, 'get_voices lists exactly the 11 languages');

    client.step('5 unknown speaker');
    const nobody = await client.runsync(TTS, { text: 'hi', speaker: 'Nobody' });
    check.failedJob(nobody, 'Invalid speaker', 'speaker "Nobody" is a FAILED job saying "Invalid speaker"');
    check.that(
      SPEAKERS.every((name) => String(nobody.error ?? '').includes(name)),
      `the error lists the valid speakers (${String(nobody.error)})`,
    );
    const after = check.completed(await client.runsync(TTS, second), 'the worker serves the next request');
    checkSpeech(check, after, second, 'after the refusal');

    client.step('6 more bad requests');
    check.failedJob(
      await client.runsync(TTS, { text: 'hi', language: 'Klingon' }),
      'Invalid language',
      'language "Klingon" is a FAILED job saying "Invalid language"',
    );
    check.failedJob(
      await client.runsync(TTS, { text: 42 }),
      'input.text',
      'a numeric text is a FAILED job naming input.text',
    );
    check.failedJob(
      await client.runsync(TTS, { text: '   ' }),
      'input.text',
      'a blank text is a FAILED job naming input.text',
    );
    const dash = { text: '-v xx this starts with a dash', speaker: 'Ryan', language: 'English' };
    checkSpeech(
      check,
      check.completed(
        await client.runsync(TTS, dash),
        'text starting with "-" is spoken, not read as an option',
      ),
      dash,
      'dash text',
    );
    check.failedJob(
      await client.runsync(VOICES, { probe: 'yes' }),
      'input.probe',
      'get_voices with a text probe is a FAILED job naming input.probe',
    );
    check.completed(await client.runsync(VOICES, { probe: false }), `${VOICES} serves the next request`);
    check.completed(await client.runsync(TTS, {}), `${TTS} speaks its default text for an empty request`);
  },
};
