// `github-token`: authenticates tsbuild's fetch of a Git context on the GitHub server, as
// docker/build-push-action does. The token goes to git as an HTTP header through the environment
// of the CLI process (git's GIT_CONFIG_COUNT settings, what actions/checkout configures), for
// URLs of the GitHub server only, so no other host ever sees it.
export function gitAuthEnv(context: string, token: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (token === '') return {};
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const url = context.startsWith('github.com/') ? `https://${context}` : context;
  if (!url.startsWith(`${server}/`)) return {};
  const index = Number(env.GIT_CONFIG_COUNT ?? '0') || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: String(index + 1),
    [`GIT_CONFIG_KEY_${index}`]: `http.${server}/.extraheader`,
    [`GIT_CONFIG_VALUE_${index}`]: `AUTHORIZATION: basic ${basic}`,
  };
}
