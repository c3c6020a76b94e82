// /etc/hosts, /etc/resolv.conf and /etc/hostname of a container, generated like Docker's.
import { randomBytes } from 'node:crypto';
import { privateResolvConf } from '../runtime-shim/index.js';
import type { EtcFiles, NetworkMode } from '../runtime-shim/index.js';

/** Docker's generated /etc/hosts header (libnetwork etchosts). */
const LOCALHOST_LINES = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export interface EtcFilesInput {
  hostname: string;
  network: NetworkMode;
  /** The host's /etc/hosts and /etc/resolv.conf (used with host networking). */
  hostHosts?: string;
  hostResolvConf?: string;
}

/**
 * With host networking the container sees the host's hosts and resolv.conf; otherwise the
 * localhost lines, and no name servers with `none` or slirp4netns's DNS forwarder with `private`.
 * Either way its own hostname resolves to 127.0.1.1.
 */
export function containerEtcFiles(input: EtcFilesInput): Required<EtcFiles> {
  const own = `127.0.1.1\t${input.hostname}`;
  const base = input.network === 'host' && input.hostHosts !== undefined
    ? input.hostHosts.replace(/\n*$/, '').split('\n')
    : LOCALHOST_LINES;
  return {
    hosts: `${[...base, own].join('\n')}\n`,
    resolvConf: resolvConf(input),
    hostname: `${input.hostname}\n`,
  };
}

function resolvConf(input: EtcFilesInput): string {
  if (input.network === 'none') return '';
  if (input.network === 'private') return privateResolvConf(input.hostResolvConf ?? '');
  return input.hostResolvConf ?? '';
}

/** A container ID: 64 hex digits, like Docker's. */
export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** Docker's default hostname: the first 12 digits of the container ID. */
export function defaultHostname(containerId: string): string {
  return containerId.slice(0, 12);
}

/** RFC 1123 host name (labels of letters, digits and hyphens), at most 253 characters. */
export function isValidHostname(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(label));
}
