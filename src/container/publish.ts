// `-p` values as Docker takes them: `[IP:]HOST:CTR[/tcp|udp]`. A container port published without a
// host port (Docker picks a free one) is refused: slirp4netns needs the host port.
import { TsbuildError } from '../errors.js';
import type { PortForward } from '../runtime-shim/index.js';

export function parsePublishFlag(value: string): PortForward {
  const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(value);
  const hostPort = Number(match?.[2]);
  const containerPort = Number(match?.[3]);
  if (!match || !validPort(hostPort) || !validPort(containerPort)) {
    throw new TsbuildError('USAGE', `invalid -p "${value}": expected [IP:]HOST_PORT:CONTAINER_PORT[/tcp|udp], e.g. 8080:80`);
  }
  return { hostIp: match[1] ?? '0.0.0.0', hostPort, containerPort, protocol: (match[4] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536;
}
