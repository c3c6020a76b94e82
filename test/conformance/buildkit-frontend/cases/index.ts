// Every ported BuildKit frontend case, one table per Go test file.
import type { FrontendCase } from '../case.js';
import { addArchiveCases } from './add-archive.js';
import { addChecksumCases } from './add-checksum.js';
import { addGitCases } from './addgit.js';
import { argsCases } from './args.js';
import { cacheCases } from './cache.js';
import { cmdCases } from './cmd.js';
import { copyCases } from './copy.js';
import { copyMoreCases } from './copy-more.js';
import { coreCases } from './core.js';
import { coreMoreCases } from './core-more.js';
import { excludeCases } from './exclude.js';
import { exportCases } from './export.js';
import { gitHttpCases } from './git-http.js';
import { gitQueryCases } from './git-query.js';
import { heredocCases } from './heredoc.js';
import { historyCases } from './history.js';
import { imageCases } from './image.js';
import { mountCases } from './mount.js';
import { namedContextCases } from './namedcontext.js';
import { onbuildDockerignoreCases } from './onbuild-dockerignore.js';
import { onbuildMoreCases } from './onbuild-more.js';
import { parentsCases } from './parents.js';
import { platformCases } from './platform.js';
import { resourcesCases } from './resources.js';
import { secretsSshNetworkCases } from './secrets-ssh-network.js';
import { sourceDateEpochCases } from './source-date-epoch.js';
import { workdirCases } from './workdir.js';

export const allCases: FrontendCase[] = [
  ...mountCases,
  ...heredocCases,
  ...secretsSshNetworkCases,
  ...parentsCases,
  ...excludeCases,
  ...platformCases,
  ...argsCases,
  ...sourceDateEpochCases,
  ...addChecksumCases,
  ...coreCases,
  ...copyCases,
  ...onbuildDockerignoreCases,
  ...namedContextCases,
  ...addArchiveCases,
  ...copyMoreCases,
  ...coreMoreCases,
  ...addGitCases,
  ...imageCases,
  ...onbuildMoreCases,
  ...workdirCases,
  ...cmdCases,
  ...exportCases,
  ...historyCases,
  ...cacheCases,
  ...gitHttpCases,
  ...gitQueryCases,
  ...resourcesCases,
];
