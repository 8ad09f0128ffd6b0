import type { Checks } from '../support/checks';
import type { Workflow } from '../support/workflow';

const PRE = '01_03_mixed_workers_cpu';
const POST = '01_03_mixed_workers_cpu_postprocess';
const GPU = '01_03_mixed_inference';
const LB = '01_03_classify_pipeline';

type Output = Record<string, unknown>;

const record = (value: unknown): Output =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Output) : {};

const STEPS = ['preprocessing', 'gpu_inference', 'postprocessing'];

/** Three predictions labelled positive, neutral, negative, each in [0, 1], summing to 1 ± 0.001. */
function checkPredictions(check: Checks, value: unknown, where: string): void {
  const predictions = Array.isArray(value) ? value.map(record) : [];
  check.equal(
    predictions.map((p) => p.label).sort(),
    ['negative', 'neutral', 'positive'],
    `${where}: 3 predictions labelled positive, neutral, negative`,
  );
  const confidences = predictions.map((p) => p.confidence);
  check.that(
    confidences.every((c) => typeof c === 'number' && c >= 0 && c <= 1),
    `${where}: every confidence is in [0, 1] (${JSON.stringify(confidences)})`,
  );
  const sum = confidences.reduce<number>((a, c) => a + (typeof c === 'number' ? c : NaN), 0);
  check.that(Math.abs(sum - 1) <= 0.001, `${where}: the confidences sum to 1 ± 0.001 (got ${sum})`);
}

/** A /classify answer: the label, the confidence range, a level consistent with the thresholds. */
function checkClassified(
  check: Checks,
  body: Output,
  text: string,
  label: string,
  [low, high]: [number, number],
): Output {
  const classification = record(body.classification);
  const confidence = Number(classification.confidence);
  const where = `"${text}"`;
  check.equal(classification.label, label, `${where}: classification.label is ${label}`);
  check.that(
    confidence >= low && confidence <= high,
    `${where}: confidence ${confidence} is in [${low}, ${high}]`,
  );
  const level = confidence > 0.8 ? 'high' : confidence > 0.5 ? 'medium' : 'low';
  check.equal(classification.confidence_level, level, `${where}: confidence_level fits the thresholds`);
  checkPredictions(check, body.all_predictions, `${where} all_predictions`);
  check.equal(body.text_preview, text, `${where}: text_preview is the input`);
  const pipeline = record(body.processing_pipeline);
  check.equal(pipeline.steps, STEPS, `${where}: processing_pipeline.steps`);
  check.equal(body.worker_type, 'CPU Postprocessing', `${where}: worker_type is "CPU Postprocessing"`);
  const instances = record(pipeline.instances);
  const own = instances.pipeline;
  const stages = [instances.preprocessing, instances.gpu_inference, instances.postprocessing];
  check.that(
    typeof own === 'string' && stages.every((id) => typeof id === 'string' && id !== own),
    `${where}: the LB's instance id differs from each stage's (${JSON.stringify(instances)})`,
  );
  return body;
}

export const workflow: Workflow = {
  resources: { [PRE]: 'QB', [POST]: 'QB', [GPU]: 'QB', [LB]: 'LB' },
  callers: [LB],
  async run({ client, check }) {
    await client.ready(LB, '/health');
    const classify = async (text: string): Promise<Output> =>
      check.ok(await client.route(LB, 'POST', '/classify', { text }), `POST /classify "${text}"`);

    client.step('1 positive');
    const positiveText = 'This product is amazing! I love it!';
    const positive = checkClassified(
      check,
      await classify(positiveText),
      positiveText,
      'positive',
      [0.75, 0.95],
    );
    const metadata = record(positive.metadata);
    check.equal(
      [metadata.word_count, metadata.sentence_count, record(metadata.model).model_type],
      [7, 3, 'sentiment_classifier'],
      'metadata: word_count 7, sentence_count 3, model.model_type "sentiment_classifier"',
    );
    const gpuName = record(metadata.model).gpu_name;
    check.that(
      typeof gpuName === 'string' && gpuName !== '',
      `metadata.model.gpu_name comes from the inference endpoint (${String(gpuName)})`,
    );

    client.step('2 negative');
    const negativeText = 'This is terrible and the worst experience';
    checkClassified(check, await classify(negativeText), negativeText, 'negative', [0.75, 0.95]);

    client.step('3 neutral');
    const neutralText = 'The package arrived on Tuesday';
    checkClassified(check, await classify(neutralText), neutralText, 'neutral', [0.5, 0.82]);

    client.step('4 stages directly');
    const pre = check.completed(await client.runsync(PRE, { text: 'Test   message!!' }), `${PRE}/runsync`);
    check.equal(
      [pre.cleaned_text, pre.word_count],
      ['Test message!!', 2],
      'preprocess: cleaned_text "Test message!!", word_count 2',
    );
    check.equal(pre.worker_type, 'CPU Preprocessing', 'preprocess: worker_type is "CPU Preprocessing"');
    const unicode = check.completed(
      await client.runsync(PRE, { text: '  Ça  coûte 5€ — très  bien! A! B!  ' }),
      `${PRE}/runsync with non-ASCII text`,
    );
    check.equal(
      [unicode.cleaned_text, unicode.word_count, unicode.sentence_count],
      ['Ça coûte 5  très bien! A! B!', 7, 4],
      'preprocess keeps non-ASCII letters, drops symbols, counts a trailing terminator as a sentence',
    );
    const inference = check.completed(
      await client.runsync(GPU, { cleaned_text: 'Test message', word_count: 2 }),
      `${GPU}/runsync`,
    );
    checkPredictions(check, inference.predictions, 'inference');
    check.equal(inference.worker_type, 'GPU Inference', 'inference: worker_type is "GPU Inference"');
    const model = record(inference.model_info);
    check.that(
      model.model_type === 'sentiment_classifier' &&
        (model.gpu_name === 'No GPU (running locally)'
          ? model.gpu_memory_gb === 0
          : typeof model.gpu_memory_gb === 'number' && model.gpu_memory_gb > 0),
      `inference: model_info reports the GPU or its absence (${JSON.stringify(model)})`,
    );
    check.equal(
      inference.input_stats,
      { cleaned_text: 'Test message', word_count: 2 },
      'inference: input_stats echoes the text and word count',
    );
    const post = check.completed(
      await client.runsync(POST, {
        predictions: [
          { label: 'positive', confidence: 0.9 },
          { label: 'negative', confidence: 0.1 },
        ],
        original_text: 'x',
        metadata: { word_count: 1 },
      }),
      `${POST}/runsync`,
    );
    check.equal(
      post.classification,
      { label: 'positive', confidence: 0.9, confidence_level: 'high' },
      'postprocess: classification is positive, 0.9, high',
    );
    check.equal(post.metadata, { word_count: 1 }, 'postprocess: metadata passes through');

    client.step('5 blank text');
    const blank = await client.route(LB, 'POST', '/classify', { text: '   ' });
    check.refused(blank, 400, 'text', 'classify with blank text is refused');
    check.equal(record(blank.json).status, 'error', 'the refusal body has status "error"');
    checkClassified(check, await classify(neutralText), neutralText, 'neutral', [0.5, 0.82]);

    client.step('6 bad requests');
    check.refused(
      await client.route(LB, 'POST', '/classify', { txt: 'typo' }),
      400,
      'text',
      'classify without text is refused',
    );
    check.failedJob(
      await client.runsync(PRE, { text: 42 }),
      'text',
      'preprocess with a numeric text is a FAILED job naming text',
    );
    check.completed(await client.runsync(PRE, { text: 'ok' }), `${PRE} serves the next request`);
    check.failedJob(
      await client.runsync(GPU, { word_count: 2 }),
      'cleaned_text',
      'inference without cleaned_text is a FAILED job naming cleaned_text',
    );
    check.completed(await client.runsync(GPU, { cleaned_text: 'ok' }), `${GPU} serves the next request`);
    check.failedJob(
      await client.runsync(POST, { predictions: 'positive', original_text: 'x' }),
      'predictions',
      'postprocess with predictions not a list is a FAILED job naming predictions',
    );
    const none = check.completed(
      await client.runsync(POST, { predictions: [], original_text: 'x' }),
      `${POST} serves the next request`,
    );
    check.equal(
      none.classification,
      { label: 'unknown', confidence: 0, confidence_level: 'none' },
      'postprocess without predictions: unknown, 0, none',
    );
  },
};
