// Which ADD sources are git repositories: BuildKit's detection of a git ref.

/** git@, git://, ssh:// and http(s) URLs whose path ends in `.git` (a `?query` may follow). */
export function isGitSource(path: string): boolean {
  if (/^(git@|git:\/\/|ssh:\/\/)/.test(path)) return true;
  const [url = ''] = path.split('#');
  const [withoutQuery = ''] = url.split('?');
  return /^https?:\/\//i.test(withoutQuery) && /\.git\/?$/.test(withoutQuery);
}
