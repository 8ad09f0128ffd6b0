import { z } from 'zod';
import * as e from './deployment.events';

const id = z.string().min(1);
const at = z.iso.datetime();
/** Commands of a deployment. Reactors record outcomes with the `Record…` ones; time arrives as `at`. */
export const deploymentCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('RequestDeployment'), data: e.deploymentRequested.shape.data }),
  z.object({
    type: z.literal('RejectDeployment'),
    data: e.deploymentRejected.shape.data,
  }),
  z.object({ type: z.literal('RecordBuildActivated'), data: e.buildActivated.shape.data }),
  z.object({ type: z.literal('RecordKeyInjected'), data: e.keyInjected.shape.data }),
  z.object({ type: z.literal('RecordEndpointProvisioned'), data: e.endpointProvisioned.shape.data }),
  z.object({ type: z.literal('RecordProvisioningFailed'), data: e.endpointProvisioningFailed.shape.data }),
  z.object({ type: z.literal('RecordUrlCollected'), data: e.urlCollected.shape.data }),
  z.object({ type: z.literal('RecordEndpointRemoved'), data: e.endpointRemoved.shape.data }),
  z.object({
    type: z.literal('FinalizeManifest'),
    data: z.object({ deploymentId: id, manifestHash: id }),
  }),
  z.object({
    type: z.literal('RecordPublishAttemptFailed'),
    data: e.manifestPublishAttemptFailed.shape.data,
  }),
  z.object({ type: z.literal('RecordManifestPublished'), data: e.manifestPublished.shape.data }),
  z.object({ type: z.literal('CompleteDeployment'), data: z.object({ deploymentId: id, at }) }),
  z.object({ type: z.literal('FailDeployment'), data: e.deploymentFailed.shape.data }),
  z.object({ type: z.literal('ResumeDeployment'), data: e.deploymentResumed.shape.data }),
]);
export type DeploymentCommand = z.infer<typeof deploymentCommandSchema>;
export type CommandOf<T extends DeploymentCommand['type']> = Extract<DeploymentCommand, { type: T }>;
