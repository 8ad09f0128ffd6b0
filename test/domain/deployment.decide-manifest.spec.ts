import { deploymentOf, given, provisionedHistory } from './deployment.fixtures';

describe('finalizing the manifest', () => {
  it('waits for the URL of every resource, naming the missing ones', () => {
    const d = deploymentOf();
    const error = given([
      d.requested(),
      d.activated(),
      d.keyInjected(),
      d.provisioned('api'),
      d.provisioned('gpu'),
      d.urlCollected('gpu'),
    ])
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .thenFails('URLS_MISSING');
    expect(error.details).toEqual({ missing: ['api'] });
  });

  it('waits until the resources that left the app are removed', () => {
    const d = deploymentOf({
      previous: { old: { endpointId: 'ep-old', configHash: 'cfg-old', keyFingerprint: null } },
    });
    const error = given(provisionedHistory(d))
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .thenFails('REMOVALS_PENDING');
    expect(error.details).toEqual({ pending: ['old'] });
  });

  it('carries the URL of every resource', () => {
    const d = deploymentOf();
    const state = given(provisionedHistory(d))
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .then([
        {
          type: 'ManifestFinalized',
          data: {
            deploymentId: d.deploymentId,
            resourcesEndpoints: { api: d.urlOf('api'), gpu: d.urlOf('gpu') },
            manifestHash: 'mh-1',
          },
        },
      ]);
    expect(state).toMatchObject({ finalized: { manifestHash: 'mh-1' } });
  });

  it('finalizes once when asked again', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'FinalizeManifest', data: { deploymentId: d.deploymentId, manifestHash: 'mh-1' } })
      .then([]);
  });
});

describe('publishing the manifest', () => {
  it('cannot count a publish attempt before the manifest is final', () => {
    const d = deploymentOf();
    given(provisionedHistory(d))
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed().data })
      .thenFails('MANIFEST_NOT_FINALIZED');
  });

  it('cannot record a publication before the manifest is final', () => {
    const d = deploymentOf();
    given(provisionedHistory(d))
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .thenFails('MANIFEST_NOT_FINALIZED');
  });

  it('counts a failed publish attempt', () => {
    const d = deploymentOf();
    const state = given([...provisionedHistory(d), d.finalized(), d.publishAttemptFailed(1)])
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed(2).data })
      .then([d.publishAttemptFailed(2)]);
    expect(state).toMatchObject({ publishAttempts: 2 });
  });

  it('refuses a publication of another manifest than the finalized one', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'RecordManifestPublished', data: d.published('mh-other').data })
      .thenFails('MANIFEST_MISMATCH');
  });

  it('records the publication of the finalized manifest', () => {
    const d = deploymentOf();
    const state = given([...provisionedHistory(d), d.finalized()])
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .then([d.published()]);
    expect(state).toMatchObject({ published: { buildId: 'build-1', manifestHash: 'mh-1' } });
  });

  it('records the publication once when it is reported again', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published()])
      .when({ type: 'RecordManifestPublished', data: d.published().data })
      .then([]);
  });

  it('ignores a failed attempt reported after the manifest was published', () => {
    const d = deploymentOf();
    given([...provisionedHistory(d), d.finalized(), d.published()])
      .when({ type: 'RecordPublishAttemptFailed', data: d.publishAttemptFailed().data })
      .then([]);
  });
});
