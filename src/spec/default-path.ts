// The PATH a container gets when its image sets none (BuildKit's and Docker's default on Linux).

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
