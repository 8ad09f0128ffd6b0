import ts from 'typescript';
import { listAppFiles } from '../../src/build/app-files';
import { scanApp } from '../../src/build/scanner/scan-app';
import { writeApp } from '../support/app-fixture';

export function scan(files: Record<string, string>) {
  const root = writeApp(files);
  return scanApp(ts, root, listAppFiles(root));
}

/** Two QB endpoints for the apps under test to call. */
export const worker = `import { Endpoint } from 'flash-ledger';
export const preprocess = Endpoint.queue({ name: 'cpu_worker', cpu: 'cpu3c-1-2' }, async (input: { text: string }) => ({ cleaned: input.text.trim() }));
export const classify = Endpoint.queue({ name: 'gpu_worker', gpu: 'ADA_24' }, async (input: { cleaned: string }) => ({ label: input.cleaned.length > 3 ? 'long' : 'short' }));
`;
