import type { Deployment } from '../domain/deployment/deployment.state';

/** What a deployment still had to do, in words, for the message of an interrupted deploy. */
export function workLeft(state: Deployment): string[] {
  if (state.status === 'none') return [];
  const left: string[] = [];
  for (const r of Object.values(state.resources))
    if (!r.endpointId) left.push(`provision ${r.planned.name}`);
    else if (!r.url) left.push(`collect the URL of ${r.planned.name}`);
  for (const [name, r] of Object.entries(state.removals)) if (!r.removed) left.push(`remove ${name}`);
  if (state.request.intent === 'deploy') {
    if (!state.build) left.unshift('upload and activate the build');
    if (!state.finalized) left.push('finalize the manifest');
    if (!state.published) left.push('publish the manifest');
  }
  if (left.length === 0 && state.status === 'active') left.push('record the outcome');
  return left;
}
