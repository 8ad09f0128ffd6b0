import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a presigned artifact download link stays valid, as an upload link does. */
const DOWNLOAD_VALID_MS = 3_600_000;

export interface ArtifactLink {
  downloadUrl: string;
  expiresAt: string;
}

/**
 * Presigned download links to build artifacts, as RunPod answers `deployBuildToEnvironment` with one
 * (`activeArtifact.downloadUrl`). A link is signed, not stored: an HMAC of the object key and its expiry
 * under a secret made when the cloud starts, so a link outlives no restart, and only the cloud can make one.
 */
export class ArtifactLinks {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly cloudUrl: () => string,
    private readonly now: () => Date,
  ) {}

  /** A link to the artifact at `objectKey`, valid for an hour. */
  link(objectKey: string): ArtifactLink {
    const expires = this.now().getTime() + DOWNLOAD_VALID_MS;
    const query = new URLSearchParams({ expires: String(expires), signature: this.sign(objectKey, expires) });
    return {
      downloadUrl: `${this.cloudUrl()}/download/${encodeURIComponent(objectKey)}?${query.toString()}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** Why a presented link does not open its artifact, or undefined when it does. */
  problem(
    objectKey: string,
    expires: string | undefined,
    signature: string | undefined,
  ): 'invalid' | 'expired' | undefined {
    const at = Number(expires);
    if (!Number.isSafeInteger(at) || typeof signature !== 'string') return 'invalid';
    const expected = Buffer.from(this.sign(objectKey, at), 'hex');
    const presented = Buffer.from(signature, 'hex');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'invalid';
    return at < this.now().getTime() ? 'expired' : undefined;
  }

  private sign(objectKey: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${objectKey}\n${expires}`).digest('hex');
  }
}
