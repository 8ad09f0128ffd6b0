import { CloudSettingInvalid } from '../cloud-settings';

/**
 * `FLASH_CLOUD_LOGIN_TTL_MS`: how long a login request waits for its answer before it expires. Default
 * 600000 (10 minutes); tests shorten it to see a request expire.
 */
export function loginTtlFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.FLASH_CLOUD_LOGIN_TTL_MS?.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new CloudSettingInvalid(`FLASH_CLOUD_LOGIN_TTL_MS: a positive whole number, not "${value}"`);
  return Number(value);
}
