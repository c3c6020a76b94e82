// Ported from moby/buildkit frontend/dockerfile/dockerfile_secrets_test.go,
// dockerfile_ssh_test.go and dockerfile_runnetwork_test.go.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { echoServer, secretFiles, sshAgentSocket } from '../session.js';

const secrets = 'dockerfile_secrets_test.go';
const ssh = 'dockerfile_ssh_test.go';
const network = 'dockerfile_runnetwork_test.go';

/** BuildKit's `secretsprovider.FromMap({mysecret: "pw"})`. */
const mysecret = () => secretFiles({ mysecret: 'pw' });

export const secretsSshNetworkCases: FrontendCase[] = [
  {
    name: 'testSecretFileParams',
    source: secrets,
    prepare: mysecret,
    dockerfile: `
FROM busybox
RUN --mount=type=secret,required=false,mode=741,uid=100,gid=102,target=/mysecret [ "$(stat -c "%u %g %f" /mysecret)" = "100 102 81e1" ]
RUN [ ! -f /mysecret ] # check no stub left behind
`,
  },
  {
    name: 'testSecretRequiredWithoutValue',
    source: secrets,
    dockerfile: `FROM busybox
RUN --mount=type=secret,required,id=mysecret foo`,
    error: ['secret mysecret: not found'],
  },
  {
    name: 'testSecretAsEnviron',
    source: secrets,
    prepare: mysecret,
    dockerfile: `
FROM busybox
ENV SECRET_ENV=foo
RUN --mount=type=secret,id=mysecret,env=SECRET_ENV [ "$SECRET_ENV" == "pw" ] && [ ! -f /run/secrets/mysecret ] || false
`,
    verify(outcome) {
      const names = outcome.events.flatMap((e) => (e.type === 'step.started' && e.name.includes('/run/secrets/mysecret') ? [e.name] : []));
      assert.ok(names.length > 0, 'no step name shows the RUN');
      for (const name of names) assert.ok(name.includes('[ "****" == "pw" ] && '), `step name does not mask the secret env: ${name}`);
    },
  },
  {
    name: 'testSecretAsEnvironWithFileMount',
    source: secrets,
    prepare: mysecret,
    dockerfile: `
FROM busybox
RUN --mount=type=secret,id=mysecret,target=/run/secrets/secret,env=SECRET_ENV [ "$SECRET_ENV" == "pw" ] && [ -f /run/secrets/secret ] || false
`,
  },
  {
    name: 'testSSHSocketParams',
    source: ssh,
    prepare: sshAgentSocket,
    dockerfile: `
FROM busybox
RUN --mount=type=ssh,mode=741,uid=100,gid=102 [ "$(stat -c "%u %g %f" $SSH_AUTH_SOCK)" = "100 102 c1e1" ]
`,
  },
  {
    name: 'testRunNoNetwork',
    source: network,
    dockerfile: `
FROM busybox
RUN --network=none ! ip link show eth0
`,
  },
  {
    name: 'testRunHostNetwork/granted',
    source: network,
    prepare: () => echoServer('foo', { allow: ['network.host'] }),
    dockerfile: `
FROM busybox
ARG PORT
RUN --network=host nc 127.0.0.1 $PORT | grep foo
RUN ! nc 127.0.0.1 $PORT | grep foo
`,
  },
  {
    name: 'testRunHostNetwork/denied',
    source: network,
    prepare: () => echoServer('foo'),
    dockerfile: `
FROM busybox
ARG PORT
RUN --network=host nc 127.0.0.1 $PORT | grep foo
`,
    error: ['entitlement network.host is not allowed'],
  },
  {
    name: 'testRunGlobalNetwork/granted',
    source: network,
    prepare: () => echoServer('foo', { network: 'host', allow: ['network.host'] }),
    dockerfile: `
FROM busybox
ARG PORT
RUN nc 127.0.0.1 $PORT | grep foo
RUN --network=none ! nc -z 127.0.0.1 $PORT
`,
  },
];
