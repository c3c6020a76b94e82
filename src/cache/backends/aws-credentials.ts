// AWS credentials as the SDKs find them (the part BuildKit's s3 cache relies on): the
// environment, then the shared credentials file, then the config file, for AWS_PROFILE.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TsbuildError } from '../../errors.js';
import type { AwsCredentials } from './aws-sigv4.js';

type Environment = Record<string, string | undefined>;

export async function awsCredentials(env: Environment = process.env): Promise<AwsCredentials> {
  const fromEnv = credentialsIn({
    aws_access_key_id: env.AWS_ACCESS_KEY_ID, aws_secret_access_key: env.AWS_SECRET_ACCESS_KEY, aws_session_token: env.AWS_SESSION_TOKEN,
  });
  if (fromEnv) return fromEnv;
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const home = env.HOME || os.homedir();
  const files = [
    { file: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'), section: profile },
    // The config file names every profile but the default one `profile NAME`.
    { file: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'), section: profile === 'default' ? 'default' : `profile ${profile}` },
  ];
  for (const { file, section } of files) {
    const found = credentialsIn(parseIni(await readFile(file, 'utf8').catch(() => ''))[section] ?? {});
    if (found) return found;
  }
  throw new TsbuildError('USAGE', `no AWS credentials for the s3 cache: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile "${profile}" in ${files.map((f) => f.file).join(' or ')}`);
}

function credentialsIn(values: Record<string, string | undefined>): AwsCredentials | undefined {
  const accessKeyId = values.aws_access_key_id;
  const secretAccessKey = values.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = values.aws_session_token;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** `[section]` then `key = value` lines; `#` and `;` start comments. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  // No prototype: a `[__proto__]` section is just a name.
  const sections: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      current = sections[header[1]!] ??= Object.create(null) as Record<string, string>;
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return sections;
}
