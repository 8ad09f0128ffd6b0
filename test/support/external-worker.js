/* global fetch, setTimeout */
// A queue worker the local cloud did not start, for the e2e tests of the job API: a plain node process that
// speaks RunPod's worker protocol over HTTP (ping first, then take, job-done, the stop channel), as RunPod's
// Python worker library does. It prints one JSON line per thing it does, for the test to read. Settings:
//   FW_URL, FW_ENDPOINT, FW_WORKER, FW_KEY  the cloud, the endpoint, this worker's id, the endpoint's aiKey
//   FW_PING_MS        heartbeat period (default 500); pings name the jobs held (`job_id`)
//   FW_JOB_MS         how long each job runs (default 50)
//   FW_STOP_POD=1     every result asks for a fresh worker (`"stopPod": true`)
//   FW_STOP_LATE=1    the stop channel opens only after the first job is taken
//   FW_IGNORE_FIRST_STOP=1  the first stop for a job is dropped, as by a worker that had not started it yet
const env = process.env;
const base = `${env.FW_URL}/v2/${env.FW_ENDPOINT}`;
const id = env.FW_WORKER;
const headers = { authorization: env.FW_KEY, 'content-type': 'application/json' };
const pingMs = Number(env.FW_PING_MS || 500);
const jobMs = Number(env.FW_JOB_MS || 50);

/** Jobs held: each with what ends it early (a stop) and how many stops it ignored. */
const held = new Map();
let stopChannelOpen = false;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (event, fields = {}) =>
  process.stdout.write(`${JSON.stringify({ event, worker: id, at: Date.now(), ...fields })}\n`);

async function get(path) {
  const res = await fetch(`${base}/${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function ping() {
  const ids = [...held.keys()];
  return get(`ping/${id}${ids.length > 0 ? `?job_id=${ids.join(',')}` : ''}`);
}

async function pingLoop() {
  for (;;) {
    await sleep(pingMs);
    const answer = await ping().catch(() => undefined); // a missed heartbeat is not an error
    if (answer) say('pinged', { status: answer.status });
  }
}

async function run(job) {
  let stop = () => undefined;
  const stopped = new Promise((resolve) => (stop = () => resolve('stopped')));
  held.set(job.id, { stop, ignored: 0 });
  say('took', { jobId: job.id });
  const end = await Promise.race([sleep(jobMs).then(() => 'ran'), stopped]);
  held.delete(job.id);
  if (end === 'stopped') return say('stopped', { jobId: job.id });
  const result = { output: { worker: id }, ...(env.FW_STOP_POD === '1' ? { stopPod: true } : {}) };
  const res = await fetch(`${base}/job-done/${id}/${job.id}?gpu=none&isStream=false`, {
    method: 'POST',
    headers,
    body: JSON.stringify(result),
  });
  await res.text();
  say('done', { jobId: job.id, status: res.status });
}

async function takeLoop() {
  for (;;) {
    try {
      const res = await get(`job-take/${id}?gpu=none&job_in_progress=${held.size > 0 ? 1 : 0}`);
      if (res.status === 200 && res.body) {
        if (!stopChannelOpen) void stopLoop();
        await run(res.body);
      } else if (res.status === 204) say('take-empty');
      else {
        say('take-refused', { status: res.status });
        await sleep(200);
      }
    } catch {
      await sleep(200);
    }
  }
}

function onStops(jobIds) {
  for (const jobId of jobIds) {
    const job = held.get(jobId);
    if (job && env.FW_IGNORE_FIRST_STOP === '1' && job.ignored === 0) {
      job.ignored += 1;
      say('stop-ignored', { jobId });
    } else if (job) job.stop();
    else say('stop-unheld', { jobId });
  }
}

async function stopLoop() {
  stopChannelOpen = true;
  for (;;) {
    try {
      const res = await get(`job-stop/${id}?gpu=none`);
      if (res.status === 200) {
        say('stop', { jobIds: res.body.jobsToStop });
        onStops(res.body.jobsToStop);
      } else if (res.status === 204) say('stop-empty');
      else await sleep(500);
    } catch {
      await sleep(500);
    }
  }
}

async function main() {
  // RunPod's worker library pings once as it starts, before it asks for work: that ping presents it
  const joined = await ping();
  say('joined', { status: joined.status });
  if (joined.status !== 200) process.exit(2);
  void pingLoop();
  if (env.FW_STOP_LATE !== '1') void stopLoop();
  await takeLoop();
}

void main();
