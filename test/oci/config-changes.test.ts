// `import --change` instructions applied to a container config, as `docker import -c` does.
import { describe, expect, it } from 'vitest';
import { applyConfigChange } from '../../src/oci/config-changes.js';
import type { ContainerConfig } from '../../src/spec/types.js';

describe('applyConfigChange', () => {
  it.each<[string, ContainerConfig]>([
    ['CMD ["sh"]', { Cmd: ['sh'] }],
    ['CMD echo hi', { Cmd: ['/bin/sh', '-c', 'echo hi'] }],
    ['ENTRYPOINT ["/bin/busybox", "sh"]', { Entrypoint: ['/bin/busybox', 'sh'] }],
    ['ENV A=1 B="two words"', { Env: ['A=1', 'B=two words'] }],
    ['ENV PATH /usr/bin:/bin', { Env: ['PATH=/usr/bin:/bin'] }],
    ['ENV OPTS -Dx=y -Dz', { Env: ['OPTS=-Dx=y -Dz'] }],
    ['LABEL org.example=yes', { Labels: { 'org.example': 'yes' } }],
    ['EXPOSE 80 53/udp', { ExposedPorts: { '80/tcp': {}, '53/udp': {} } }],
    ['VOLUME ["/data"]', { Volumes: { '/data': {} } }],
    ['USER 1000:1000', { User: '1000:1000' }],
    ['workdir /srv', { WorkingDir: '/srv' }],
    ['STOPSIGNAL SIGINT', { StopSignal: 'SIGINT' }],
  ])('%s', (change, expected) => {
    expect(applyConfigChange({}, change)).toEqual(expected);
  });

  it('replaces an existing ENV entry and keeps the others', () => {
    expect(applyConfigChange({ Env: ['A=1', 'B=2'] }, 'ENV A=3')).toEqual({ Env: ['A=3', 'B=2'] });
  });

  it.each(['RUN echo no', 'FROM busybox', 'CMD', 'ENV JUSTKEY'])('rejects %s with a USAGE error', (change) => {
    expect(() => applyConfigChange({}, change)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
