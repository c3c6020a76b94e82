// Which ADD sources are git repositories: BuildKit's detection of a git ref.

/** git@, git://, ssh:// and http(s) URLs ending in `.git`. */
export function isGitSource(path: string): boolean {
  if (/^(git@|git:\/\/|ssh:\/\/)/.test(path)) return true;
  const [url = ''] = path.split('#');
  return /^https?:\/\//i.test(url) && /\.git\/?$/.test(url);
}
