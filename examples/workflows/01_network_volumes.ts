import { basename, dirname } from 'node:path';
import { PNG } from 'pngjs';
import type { Checks } from '../support/checks';
import type { ExampleClient, Job } from '../support/example-client';
import type { Workflow } from '../support/workflow';

const QB = '05_01_gpu_worker';
const LB = '05_01_cpu_worker';
const NAME = /^sd_generated_\d{8}_\d{6}_[0-9a-f]{6}\.png$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DEFAULT_PARAMS = { num_inference_steps: 20, guidance_scale: 7.5, width: 512, height: 512 };

type Output = Record<string, unknown>;

const record = (value: unknown): Output =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Output) : {};

/** The worker that ran a job (RunPod's `workerId`). */
const workerOf = (job: Job): string => String((job as Job & { workerId?: unknown }).workerId ?? '');

/** Checks a generate_image output; answers the image's file name. */
function checkGenerated(check: Checks, out: Output, prompt: string, where: string): string {
  const path = String(out.image_path ?? '');
  const name = basename(path);
  check.equal(out.prompt, prompt, `${where}: prompt is echoed`);
  check.that(
    basename(dirname(path)) === 'generated_images' && path.startsWith('/'),
    `${where}: image_path ${path} is under <volume>/generated_images/`,
  );
  check.that(
    NAME.test(name),
    `${where}: the file name ${name} is sd_generated_<YYYYmmdd_HHMMSS>_<6 hex>.png`,
  );
  check.equal(out.generation_params, DEFAULT_PARAMS, `${where}: generation_params are the defaults`);
  check.equal(out.message, 'Image generated and saved locally!', `${where}: message as the original`);
  check.that(
    out.model_cache === 'created' || out.model_cache === 'reused',
    `${where}: model_cache is "created" or "reused" (${String(out.model_cache)})`,
  );
  return name;
}

/** GET /images/{name}: a real 512×512 PNG that is not uniform; answers its decoded RGBA pixels. */
async function fetchImage(
  client: ExampleClient,
  check: Checks,
  name: string,
  where: string,
): Promise<Buffer> {
  const body = check.ok(await client.route(LB, 'GET', `/images/${name}`), `${where}: GET /images/${name}`);
  check.equal(
    [body.status, body.filename],
    ['success', name],
    `${where}: status "success", filename ${name}`,
  );
  const bytes = Buffer.from(String(body.image_base64 ?? ''), 'base64');
  check.equal(
    bytes.length,
    body.size_bytes,
    `${where}: image_base64 decodes to size_bytes (${bytes.length}) bytes`,
  );
  check.that(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${where}: bytes 0-7 are the PNG signature`);
  check.that(
    bytes.toString('ascii', 12, 16) === 'IHDR' &&
      bytes.readUInt32BE(16) === 512 &&
      bytes.readUInt32BE(20) === 512,
    `${where}: IHDR says 512×512`,
  );
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(bytes);
  } catch (error) {
    check.that(false, `${where}: the file decodes with pngjs (${(error as Error).message})`);
    return Buffer.alloc(0);
  }
  check.equal([decoded.width, decoded.height], [512, 512], `${where}: decodes with pngjs to 512×512`);
  const colours = new Set<number>();
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < decoded.data.length; i += 4) {
    colours.add(decoded.data.readUInt32BE(i));
    const grey = ((decoded.data[i] ?? 0) + (decoded.data[i + 1] ?? 0) + (decoded.data[i + 2] ?? 0)) / 3;
    sum += grey;
    squares += grey * grey;
  }
  const n = decoded.data.length / 4;
  const variance = squares / n - (sum / n) ** 2;
  check.that(colours.size > 16, `${where}: more than 16 distinct colours (${colours.size})`);
  check.that(variance > 0, `${where}: non-zero variance (${variance.toFixed(1)})`);
  return decoded.data;
}

async function listImages(client: ExampleClient, check: Checks, where: string): Promise<string[]> {
  const body = check.ok(await client.route(LB, 'GET', '/images'), `${where}: GET /images`);
  check.equal(body.status, 'success', `${where}: status is "success"`);
  const images = Array.isArray(body.images) ? body.images.map(String) : [];
  check.that(Array.isArray(body.images), `${where}: images is a list (${images.length} files)`);
  check.equal(images, [...images].sort(), `${where}: the list is sorted by name`);
  return images;
}

export const workflow: Workflow = {
  resources: { [QB]: 'QB', [LB]: 'LB' },
  callers: [],
  async run({ client, check }) {
    client.step('1 generate_image');
    const sunset = 'a sunset over mountains';
    const first = check.completed(await client.runsync(QB, { prompt: sunset }), `${QB}/runsync`);
    const firstName = checkGenerated(check, first, sunset, 'step 1');

    client.step('2 GET /images');
    await client.ready(LB, '/images');
    const before = await listImages(client, check, 'step 2');
    check.that(before.includes(firstName), `step 2: the listing holds ${firstName}`);

    client.step('3 GET /images/{file_name}');
    const firstPixels = await fetchImage(client, check, firstName, 'step 3');
    check.equal(
      first.size_bytes,
      firstPixels.length > 0 ? first.size_bytes : -1,
      'step 3: the QB and LB agree',
    );

    client.step('4 a second prompt');
    const dog = 'a cute labrador retriever surfing a wave';
    const second = check.completed(await client.runsync(QB, { prompt: dog }), `${QB}/runsync second prompt`);
    const secondName = checkGenerated(check, second, dog, 'step 4');
    const after = await listImages(client, check, 'step 4');
    check.equal(
      after.length,
      before.length + 1,
      `step 4: the listing grew by exactly one (${before.length} → ${after.length})`,
    );
    check.that(
      after.includes(firstName) && after.includes(secondName) && firstName !== secondName,
      'step 4: the listing holds both images',
    );
    const secondPixels = await fetchImage(client, check, secondName, 'step 4');
    check.that(!firstPixels.equals(secondPixels), 'step 4: different prompts give different pixels');

    client.step('4b the first prompt again');
    const again = check.completed(await client.runsync(QB, { prompt: sunset }), `${QB}/runsync same prompt`);
    const againName = checkGenerated(check, again, sunset, 'step 4b');
    check.that(againName !== firstName, 'step 4b: a new file, not an overwrite');
    check.that(
      firstPixels.equals(await fetchImage(client, check, againName, 'step 4b')),
      'step 4b: the same prompt gives the same pixels (seeded by its SHA-256)',
    );

    client.step('5 missing and traversal');
    const missing = await client.route(LB, 'GET', '/images/missing.png');
    check.refused(missing, 404, 'file not found', 'GET /images/missing.png is 404');
    check.equal(
      [record(missing.json).status, record(missing.json).error],
      ['error', 'file not found'],
      'the 404 body is {status: "error", error: "file not found"}',
    );
    for (const path of ['/images/..%2F..%2Fetc%2Fpasswd', '/images/..%2Fmodels%2Fprocedural-sd-v1.json']) {
      const res = await client.route(LB, 'GET', path);
      const text = JSON.stringify(res.json);
      check.that(
        (res.status === 400 || res.status === 404) &&
          !text.includes('image_base64') &&
          !text.includes('root:'),
        `GET ${path} is refused with 400/404 and no file content (got ${res.status} ${text.slice(0, 160)})`,
      );
    }
    check.refused(
      await client.route(LB, 'GET', '/images/..hidden.png'),
      400,
      'file_name',
      'GET /images/..hidden.png (a name with "..") is 400 naming file_name',
    );
    check.refused(
      await client.route(LB, 'GET', '/images/notes.txt'),
      400,
      'file_name',
      'GET /images/notes.txt is 400 naming file_name',
    );

    client.step('6 bad requests');
    check.failedJob(
      await client.runsync(QB, { prompt: 42 }),
      'input.prompt',
      'a numeric prompt is a FAILED job naming input.prompt',
    );
    check.failedJob(
      await client.runsync(QB, { steps: 5 }),
      'input.prompt',
      'a request without a prompt is a FAILED job naming input.prompt',
    );
    check.failedJob(
      await client.runsync(QB, { prompt: 'tiny', width: 'wide' }),
      'input.width',
      'a text width is a FAILED job naming input.width',
    );
    checkGenerated(
      check,
      check.completed(await client.runsync(QB, { prompt: 'still working' }), `${QB} serves the next request`),
      'still working',
      'after the refusals',
    );
    check.ok(await client.route(LB, 'GET', '/images'), `${LB} still serves after the refusals`);

    client.step('7 cold start');
    // idleTimeout is 5 s: once the worker has stopped, a new one finds the model and the images on the volume
    const firstWorker = workerOf(await client.runsync(QB, { prompt: 'warm' }));
    let cold: Output | undefined;
    for (let attempt = 0; attempt < 4 && !cold; attempt++) {
      await new Promise((r) => setTimeout(r, 8000));
      const job = await client.runsync(QB, { prompt: 'after a cold start' });
      if (workerOf(job) !== firstWorker) cold = check.completed(job, `${QB}/runsync on a new worker`);
    }
    check.that(cold !== undefined, `a new worker took over after ${QB} went idle (was ${firstWorker})`);
    if (cold) {
      check.equal(cold.model_cache, 'reused', 'the new worker reuses the model cached on the volume');
      const listed = await listImages(client, check, 'step 7');
      check.that(
        [firstName, secondName, againName].every((name) => listed.includes(name)),
        'step 7: the earlier images are still listed',
      );
    }
  },
};
